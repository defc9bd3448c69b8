from functools import cache

from helle.chat import policies
from helle.core.roles import holds_a_role


def chat(request):
    """The console and the supervisor's overview in the menu, for those who use them."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}

    @cache
    def may_counsel() -> bool:
        return holds_a_role(user) and policies.can_counsel(user)

    @cache
    def may_oversee() -> bool:
        return holds_a_role(user) and policies.can_observe(user)

    return {"may_counsel": may_counsel, "may_oversee_chats": may_oversee}
