from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from helle.core.roles import is_staff
from helle.identity import selectors, services


class StaffSessionMiddleware:
    """Staff sessions end sooner: after a short idle time and after a fixed maximum."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and is_staff(user):
            if services.staff_session_expired(request.session):
                logout(request)
                return redirect(f"{reverse('identity:login')}?expired=1")
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)


class MemberActivityMiddleware:
    """Count the days a member visits; trust levels grow from them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            services.record_visit(member=request.user)
        return self.get_response(request)


# Pages a member can use before accepting new house rules: reading them, leaving,
# getting help, and the data-protection rights.
RULES_EXEMPT_PREFIXES = (
    "/rules/",
    "/logout/",
    "/help/",
    "/privacy/",
    "/account/privacy/",
    "/static/",
    "/healthz",
    "/i18n/",
    "/ws/",
)


class HouseRulesMiddleware:
    """A member who has not accepted the current house rules is asked to, before going on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(RULES_EXEMPT_PREFIXES)
            and user.accepted_rules_version < selectors.current_rules_version()
        ):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('identity:rules_accept')}?{query}")
        return self.get_response(request)
