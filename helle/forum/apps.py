from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "helle.forum"
    label = "forum"
    verbose_name = _("Forum")

    def ready(self):
        from django.db.models.signals import post_migrate
        from django.urls import reverse

        from helle.core import demo
        from helle.forum import gdpr, search, services
        from helle.forum.demo import seed_forum
        from helle.identity import gdpr as data_protection
        from helle.safety import reviewables
        from helle.safety.policy import Surface

        reviewables.register(
            reviewables.Reviewable(
                target_type="forum.post",
                excerpt=lambda post: post.body,
                author=lambda post: post.author,
                hide=services.hide_reviewed,
                restore=services.restore_reviewed,
                surface=Surface.FORUM,
                link=lambda post: f"{reverse('forum:thread', args=[post.thread_id])}#post-{post.pk}",
            )
        )
        demo.register(seed_forum)
        # A table change on SQLite rebuilds the table and drops the search triggers: put them
        # back (and rebuild the index) after every migrate.
        post_migrate.connect(search.ensure_search_index, sender=self, dispatch_uid="helle.forum.search_index")
        data_protection.register(data_protection.DataSection("forum", gdpr.export, gdpr.erase))
