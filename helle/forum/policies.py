"""Who may read, write and moderate in the forum. A thing you may not see answers 404.

Reading: a category with age groups is open only to members of those groups (and to staff);
a category without is open to everybody, logged in or not. Held posts are seen by their
author and moderators only; hidden and deleted posts by moderators only.

Moderating: staff with the `safety.moderate` permission everywhere; a peer adviser with
`safety.moderate_as_peer` only in the categories assigned to them.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from helle.core import clock
from helle.core.roles import Role, has_role, holds_a_role, is_staff
from helle.forum.models import Category, Post, Thread
from helle.safety import selectors as safety_selectors
from helle.safety.policies import verified_if_staff


def _member(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_read_category(user, category: Category) -> bool:
    if not category.age_bands:
        return True
    if not _member(user):
        return False
    return is_staff(user) or category.is_open_to(user.age_band) or is_assigned(user, category)


def is_assigned(user, category: Category) -> bool:
    """A peer adviser assigned to the category (the set is cached on the user per request)."""
    if not _member(user) or not has_role(user, Role.PEER_ADVISER):
        return False
    assigned = getattr(user, "_forum_assigned", None)
    if assigned is None:
        assigned = set(user.forum_categories_moderated.values_list("pk", flat=True))
        user._forum_assigned = assigned
    return category.pk in assigned


def can_moderate(user, category: Category) -> bool:
    if not _member(user) or not verified_if_staff(user):
        return False
    if not holds_a_role(user):  # no role that moderates: no permission queries
        return False
    if user.has_perm("safety.moderate"):
        return True
    return user.has_perm("safety.moderate_as_peer") and is_assigned(user, category)


def can_see_thread(user, thread: Thread) -> bool:
    if not can_read_category(user, thread.category):
        return False
    if thread.state == Thread.State.VISIBLE:
        return True
    if thread.state == Thread.State.HELD and _member(user) and thread.author_id == user.pk:
        return True
    return can_moderate(user, thread.category)


def require_can_see_thread(user, thread: Thread) -> None:
    if not can_see_thread(user, thread):
        raise Http404
    # A discussion prompt waiting for its time is seen only by its writer and moderators.
    if thread.publish_at > clock.now() and not _may_see_scheduled(user, thread):
        raise Http404


def _may_see_scheduled(user, thread: Thread) -> bool:
    return _member(user) and (thread.author_id == user.pk or can_moderate(user, thread.category))


def can_see_post(user, post: Post) -> bool:
    if post.state == Post.State.VISIBLE:
        return True
    if post.state == Post.State.HELD and _member(user) and post.author_id == user.pk:
        return True
    return can_moderate(user, post.thread.category)


def _silenced(user) -> bool:
    return safety_selectors.is_silenced(user)


def can_write_in(user, category: Category) -> bool:
    """Members write where they may read: an age-limited section is read only by its age
    groups, staff and its peer advisers."""
    return _member(user) and can_read_category(user, category)


def require_can_start_thread(user, category: Category) -> None:
    if not can_read_category(user, category):
        raise Http404
    if not can_write_in(user, category):
        raise PermissionDenied(_("This section is for another age group. You can read here, but not write."))
    if _silenced(user):
        raise PermissionDenied(
            _("You cannot write in the forum right now. See “Decisions about you” under your account.")
        )


def require_can_reply(user, thread: Thread) -> None:
    require_can_see_thread(user, thread)
    if thread.state != Thread.State.VISIBLE:
        raise PermissionDenied(_("You can reply when a moderator has approved the conversation."))
    if thread.is_locked and not can_moderate(user, thread.category):
        raise PermissionDenied(_("This conversation is closed for replies."))
    require_can_start_thread(user, thread.category)


def can_reply(user, thread: Thread) -> bool:
    try:
        require_can_reply(user, thread)
    except (Http404, PermissionDenied):
        return False
    return True


def require_can_see_post(user, post: Post) -> None:
    require_can_see_thread(user, post.thread)
    if not can_see_post(user, post):
        raise Http404


def require_can_edit(user, post: Post) -> None:
    require_can_see_post(user, post)
    if (
        not _member(user)
        or post.author_id != user.pk
        or post.state in (Post.State.HIDDEN, Post.State.DELETED)
    ):
        raise Http404
    if post.thread.is_locked:
        raise PermissionDenied(_("This conversation is closed, so its posts can no longer be changed."))


def require_can_react(user, post: Post) -> None:
    require_can_see_post(user, post)
    if not _member(user) or post.state != Post.State.VISIBLE:
        raise Http404
    if post.author_id == user.pk:
        raise PermissionDenied(_("You cannot react to your own post."))


def require_can_mark_helpful(user, post: Post) -> None:
    require_can_see_post(user, post)
    thread = post.thread
    if not _member(user) or thread.author_id != user.pk:
        raise Http404
    if post.is_opening or post.author_id == user.pk or post.state != Post.State.VISIBLE:
        raise PermissionDenied(_("Choose a reply from someone else."))


def require_can_set_warning(user, post: Post) -> None:
    require_can_see_post(user, post)
    if not _member(user) or not (post.author_id == user.pk or can_moderate(user, post.thread.category)):
        raise Http404


def require_can_moderate(user, category: Category) -> None:
    if not can_read_category(user, category) or not can_moderate(user, category):
        raise Http404


def can_start_prompt(user, category: Category) -> bool:
    return _member(user) and (user.has_perm("forum.manage_forum") or is_assigned(user, category))


def require_can_start_prompt(user, category: Category) -> None:
    if not can_start_prompt(user, category):
        raise Http404


def can_see_waiting_list(user) -> bool:
    return _member(user) and (is_staff(user) or has_role(user, Role.PEER_ADVISER))


def require_can_see_waiting_list(user) -> None:
    if not can_see_waiting_list(user):
        raise Http404


def writes_as_peer_adviser(user) -> bool:
    return _member(user) and has_role(user, Role.PEER_ADVISER)


def skips_pre_moderation(user, category: Category) -> bool:
    """Staff and the category's own peer advisers are not pre-moderated."""
    return is_staff(user) or is_assigned(user, category)
