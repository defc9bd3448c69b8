from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "helle.identity"
    label = "identity"
    verbose_name = _("Members and staff")

    def ready(self):
        from helle.identity import gdpr, signals

        gdpr.register_identity_section()
        # After every app's migrations: the permissions of later apps exist only then.
        post_migrate.connect(signals.ensure_role_groups, dispatch_uid="helle.ensure_role_groups")
