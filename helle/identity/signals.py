from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from helle.core.roles import Role
from helle.identity import services

# Model permissions behind each role, for Django's technical admin site. helle's own
# pages check roles through policies; these keep the admin site in step with them.
ROLE_PERMISSIONS = {
    Role.ADMIN: [
        "core.view_auditentry",
        "core.add_helpline", "core.change_helpline", "core.delete_helpline", "core.view_helpline",
        "identity.view_member", "identity.change_member",
        "identity.view_houserules", "identity.add_houserules",
        "identity.view_trustsettings", "identity.change_trustsettings",
    ],
}


@receiver(user_logged_in)
def remember_login(sender, request, user, **kwargs):
    services.start_session(request=request, member=user)


def ensure_role_groups(sender, **kwargs):
    """Make sure every role has its group and permissions (runs after each migrate)."""
    for role in Role:
        group, _ = Group.objects.get_or_create(name=str(role))
        wanted = ROLE_PERMISSIONS.get(role, [])
        permissions = [
            p for p in Permission.objects.filter(content_type__app_label__in={w.split(".")[0] for w in wanted})
            if f"{p.content_type.app_label}.{p.codename}" in wanted
        ]
        group.permissions.set(permissions)
