from functools import cache

from helle.forum import selectors


def forum(request):
    """The member's unread notifications, counted only when a page shows the number."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}

    @cache
    def unread() -> int:
        return selectors.unread_notification_count(user)

    return {"forum_unread": unread}
