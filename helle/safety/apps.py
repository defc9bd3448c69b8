from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "helle.safety"
    label = "safety"
    verbose_name = _("Safety")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from helle.core import demo
        from helle.core.models import HelpLine
        from helle.identity import nicknames
        from helle.safety import reviewables
        from helle.safety.demo import seed_review_queue
        from helle.safety.nicknames import check_nickname

        # A help line added or changed may be named in texts at once (see pipeline._allow_help_lines).
        post_save.connect(_help_lines_changed, sender=HelpLine, dispatch_uid="safety-help-line-saved")
        post_delete.connect(_help_lines_changed, sender=HelpLine, dispatch_uid="safety-help-line-deleted")

        reviewables.register_members()
        demo.register(seed_review_queue)
        if check_nickname not in nicknames.extra_checks:
            nicknames.extra_checks.append(check_nickname)


def _help_lines_changed(**kwargs) -> None:
    from helle.safety.pipeline import settings_changed

    settings_changed()
