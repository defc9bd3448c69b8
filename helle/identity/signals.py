from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from helle.core.roles import Role
from helle.identity import services


@receiver(user_logged_in)
def remember_login(sender, request, user, **kwargs):
    services.start_session(request=request, member=user)


def ensure_role_groups(sender, **kwargs):
    """Make sure every role has its group (runs after each migrate)."""
    for role in Role:
        Group.objects.get_or_create(name=str(role))
