from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "helle.safety"
    label = "safety"
    verbose_name = _("Safety")

    def ready(self):
        from helle.identity import nicknames
        from helle.safety import reviewables
        from helle.safety.nicknames import check_nickname

        reviewables.register_members()
        if check_nickname not in nicknames.extra_checks:
            nicknames.extra_checks.append(check_nickname)
