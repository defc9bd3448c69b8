"""What can be reported and reviewed. Each app registers its kinds of content.

A reviewable kind says how to show a moderator what it is about (an excerpt), who
wrote it, and how to hide or restore it. The forum, letters and chat register their
posts, letters and messages; members themselves are reviewable from the start (a
nickname, or a member someone reports).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class Reviewable:
    target_type: str  # "app_label.model_name"
    excerpt: Callable[[Any], str]
    author: Callable[[Any], Any]
    hide: Callable[[Any], None]
    restore: Callable[[Any], None]
    surface: str = ""
    link: Callable[[Any], str] | None = None  # where a moderator sees it in its place
    # A private text (a letter) is never hidden from its writer and counsellor: a moderator
    # approves it or passes it on, and sanctions its writer if need be.
    hideable: bool = True
    # Private content (a letter) is not copied into the review queue: the item keeps only what
    # the pipeline found, and only those `may_read` allows (its own rules for the content) see
    # the item at all; they read the text in its place.
    may_read: Callable[[Any, Any], bool] | None = None
    # Who may report it: anyone who can see it (public content, the default), or, for private
    # content, only those it was written to (a group chat's members); a letter is reported by nobody.
    may_report: Callable[[Any, Any], bool] | None = None


def link_to(target_type: str, target_id: str) -> str:
    """The page that shows the target in its place ("" when there is none, or it is gone)."""
    reviewable = _registry.get(target_type)
    if reviewable is None or reviewable.link is None:
        return ""
    target = load(target_type, target_id)
    return reviewable.link(target) if target is not None else ""


_registry: dict[str, Reviewable] = {}


def register(reviewable: Reviewable) -> None:
    _registry[reviewable.target_type] = reviewable


def for_type(target_type: str) -> Reviewable:
    return _registry[target_type]


def is_private(target_type: str) -> bool:
    reviewable = _registry.get(target_type)
    return reviewable is not None and reviewable.may_read is not None


def may_read(user, target_type: str, target_id: str) -> bool:
    """Whether `user` may see this content at all (always, unless its kind is private)."""
    reviewable = _registry.get(target_type)
    if reviewable is None or reviewable.may_read is None:
        return True
    target = load(target_type, target_id)
    return target is not None and reviewable.may_read(user, target)


def may_report(user, target_type: str, target) -> bool:
    """Whether `user` may report this content (and so see its excerpt on the report page)."""
    reviewable = _registry[target_type]
    if reviewable.may_report is not None:
        return reviewable.may_report(user, target)
    return reviewable.may_read is None  # private content without its own rule: nobody


def can_be_hidden(target_type: str) -> bool:
    reviewable = _registry.get(target_type)
    return reviewable is None or reviewable.hideable


def type_of(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def load(target_type: str, target_id: str):
    model = apps.get_model(target_type)
    return model.objects.filter(pk=target_id).first()


def register_members() -> None:
    def hide_member(member) -> None:
        # A member is "hidden" by a sanction, not by changing the account here.
        return None

    register(
        Reviewable(
            target_type="identity.member",
            excerpt=lambda member: member.nickname,
            author=lambda member: member,
            hide=hide_member,
            restore=hide_member,
            surface="nickname",
        )
    )
