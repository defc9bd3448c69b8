"""Who may open which page. One place to say "no", the same way everywhere.

An anonymous visitor or a member who asks for a staff page is told it does not exist
(404): nobody learns what the staff area holds. A staff member who has not passed
two-factor log-in is sent to do so. A staff member without the permission for a page
gets 403. Permissions come with roles (see `helle.identity.signals.ROLE_PERMISSIONS`).
"""

from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse

from helle.core.roles import is_staff


class SecondFactorRequired(Exception):
    """The user is staff but has not passed two-factor log-in in this session."""


def require_staff(user, *permissions: str) -> None:
    if not getattr(user, "is_authenticated", False) or not is_staff(user):
        raise Http404
    if not user.is_verified():
        raise SecondFactorRequired
    if permissions and not user.has_perms(permissions):
        raise PermissionDenied


def staff_page(*permissions: str):
    """Decorate a view that only staff (holding all `permissions`, if given) may open."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                require_staff(request.user, *permissions)
            except SecondFactorRequired:
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('identity:two_factor')}?{query}")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
