from functools import cache

from helle.safety import policies


def safety(request):
    """Whether the menu shows the moderation queue: asked only when a page draws the menu."""
    user = getattr(request, "user", None)

    @cache
    def may_see_queue() -> bool:
        return user is not None and policies.can_see_queue(user)

    return {"may_see_queue": may_see_queue}
