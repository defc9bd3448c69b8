from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "helle.forum"
    label = "forum"
    verbose_name = _("Forum")

    def ready(self):
        from helle.core import demo
        from helle.forum import services
        from helle.forum import gdpr
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
            )
        )
        demo.register(seed_forum)
        data_protection.register(data_protection.DataSection("forum", gdpr.export, gdpr.erase))
