from django.shortcuts import redirect

from helle.safety import selectors

# A suspended or banned member can still read why, appeal, get help, and use their rights.
ALLOWED_WHILE_LOCKED_OUT = (
    "/account/decisions/",
    "/logout/",
    "/help/",
    "/rules/",
    "/privacy/",
    "/account/privacy/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/ws/",
)


class SanctionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(ALLOWED_WHILE_LOCKED_OUT)
            and selectors.is_locked_out(user)
        ):
            return redirect("safety:my_decisions")
        return self.get_response(request)
