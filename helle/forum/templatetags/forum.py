from django import template
from django.urls import reverse

from helle.core.markup import MEMBER_TAGS, render

register = template.Library()


@register.filter
def forum_markup(text: str):
    """A member's post: the little Markdown members may use; links go through the leave page."""
    return render(text or "", tags=MEMBER_TAGS, leave_url=reverse("forum:leave"))


@register.simple_tag
def body_for(post, user, may_moderate: bool):
    """The author and moderators read the words as written; others what was shown (masked)."""
    if may_moderate or (getattr(user, "is_authenticated", False) and post.author_id == user.pk):
        return forum_markup(post.body)
    return forum_markup(post.public_body)


@register.filter
def count_of(counts: dict, kind: str) -> int:
    return counts.get(kind, 0)
