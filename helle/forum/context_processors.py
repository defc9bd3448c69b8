from functools import cache

from helle.forum import selectors


def forum(request):
    """Forum figures some pages show: each is worked out only when a page uses it."""
    user = getattr(request, "user", None)

    @cache
    def prompts() -> list:
        return selectors.featured_prompts(user)

    if not getattr(user, "is_authenticated", False):
        return {"forum_prompts": prompts}

    @cache
    def unread() -> int:
        counted = getattr(request, "forum_unread", None)  # a thread page counts them itself
        return counted if counted is not None else selectors.unread_notification_count(user)

    return {"forum_prompts": prompts, "forum_unread": unread}
