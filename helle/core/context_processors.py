from django.conf import settings

from helle.core.roles import is_staff, roles_of


def site(request):
    user = getattr(request, "user", None)
    return {
        "site_name": settings.SITE_NAME,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "user_roles": roles_of(user) if user else frozenset(),
        "user_is_staff": is_staff(user) if user else False,
    }
