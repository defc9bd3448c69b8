from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from helle.core.roles import Role
from helle.identity import services

# What each role may do in the staff area, as Django permissions on the role's group.
# Later apps add theirs (moderation, answering letters, chat, reports).
ROLE_PERMISSIONS = {
    Role.ADMIN: [
        "core.read_audit_log",
        "core.change_helpline",
        "identity.manage_people",
        "identity.change_trustsettings",
        "identity.add_houserules",
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
        group.permissions.set([_permission(name) for name in wanted])


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)
