"""The posts of a thread page as HTML, built in Python rather than by a template.

Why: a thread page may show 200 posts, each with some thirty values in its markup. Django's
template language took about 1 ms a post and Jinja2 about 0.1 ms (20 ms for 200 posts); these
functions take about 0.025 ms a post (docs/architecture.md, "The forum").

The one rule of this module: every value goes through `escape()`, except what is HTML already
and safe: a post's stored HTML (sanitised by nh3 when it was written, see core.markup), the
CSRF field (Django's own) and the words in `PostWords` (escaped once when made).
"""

from dataclasses import dataclass
from html import escape

from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helle.forum.models import ContentWarning, Post, Reaction

# The words under and around a post, translated (and escaped) once per page.
POST_LABELS = {
    "former_member": gettext_lazy("A former member"),
    "peer_adviser": gettext_lazy("Peer adviser"),
    "new": gettext_lazy("New"),
    "edited": gettext_lazy("edited"),
    "helped_asker": gettext_lazy("This helped the asker"),
    "held": gettext_lazy("Waiting for a moderator. Only you and the moderators can see it until then."),
    "hidden": gettext_lazy("Hidden by a moderator (only moderators see this)."),
    "deleted": gettext_lazy("Deleted by its writer (only moderators see this)."),
    "edit": gettext_lazy("Edit"),
    "delete": gettext_lazy("Delete"),
    "helped_me": gettext_lazy("This helped me"),
    "take_back_helped": gettext_lazy("Take back “this helped me”"),
    "bookmark": gettext_lazy("Bookmark"),
    "remove_bookmark": gettext_lazy("Remove bookmark"),
    "report": gettext_lazy("Report"),
    "moderate": gettext_lazy("Moderate"),
}

_NOTICES = {Post.State.HELD: "held", Post.State.HIDDEN: "hidden", Post.State.DELETED: "deleted"}


def post_links() -> dict[str, str]:
    """The address prefixes the links are built from: "/forum/post/" + "12/edit/".
    A test checks each link against reverse()."""
    return {
        "post_url": reverse("forum:edit", args=[0]).removesuffix("0/edit/"),
        "report_url": reverse("safety:report", args=["forum.post", 0]).removesuffix("0/"),
    }


def _when_formatter():
    """When a post was written, as "3. marts 2026 14:05": the month names are translated once
    per page, not once per post (date_format costs a tenth of a millisecond a call)."""
    months = {number: str(name) for number, name in MONTHS.items()}

    def when(moment) -> str:
        local = localtime(moment)
        return f"{local.day}. {months[local.month]} {local.year} {local.hour:02d}:{local.minute:02d}"

    return when


@dataclass(frozen=True)
class PostWords:
    """What every post on a page shares: the reader, the words, the links, the CSRF field."""

    member_id: int | None
    may_moderate: bool
    thread_author_id: int | None
    helpful_post_id: int | None
    csrf_field: str  # made once: Django masks a new token at every use
    labels: dict[str, str]
    reactions: list[tuple[str, str]]  # (kind, label)
    warnings: dict[str, str]  # content warning -> its summary line
    post_url: str
    report_url: str
    when: object

    @classmethod
    def for_page(cls, request, *, thread, may_moderate: bool) -> "PostWords":
        user = request.user
        return cls(
            member_id=user.pk if user.is_authenticated else None,
            may_moderate=may_moderate,
            thread_author_id=thread.author_id,
            helpful_post_id=thread.helpful_post_id,
            csrf_field=str(csrf_input(request)),
            labels={name: escape(str(label)) for name, label in POST_LABELS.items()},
            reactions=[(kind, escape(str(label))) for kind, label in Reaction.Kind.choices],
            warnings={
                value: escape(_("Content warning: %(topic)s. Open to read.") % {"topic": label})
                for value, label in ContentWarning.choices
            },
            when=_when_formatter(),
            **post_links(),
        )


def posts_html(items, words: PostWords) -> str:
    return "".join(_post(item, words) for item in items)


def reactions_html(item, words: PostWords) -> str:
    """The support under a post: buttons for a member who did not write it (they sit in the
    post's form, which carries the CSRF token), otherwise the counts. Also sent alone after
    an htmx reaction; the buttons keep their ids, so the pressed one keeps the focus."""
    post, pk = item.post, item.post.pk
    parts = [f'<div class="reactions" id="reactions-{pk}">']
    may_react = words.member_id is not None and post.author_id != words.member_id
    for kind, label in words.reactions:
        n = item.reactions[kind]
        count = f' <span class="reaction__count">{n}</span>' if n else ""
        if may_react:
            url = f"{words.post_url}{pk}/react/{kind}/"
            pressed = kind in item.mine
            parts.append(
                f'\n  <button type="submit" formaction="{url}" hx-post="{url}" id="react-{pk}-{kind}" '
                f'class="reaction{" reaction--mine" if pressed else ""}" '
                f'aria-pressed="{"true" if pressed else "false"}">{label}{count}</button>'
            )
        elif n:
            parts.append(f'\n  <span class="reaction">{label}{count}</span>')
    parts.append("\n</div>")
    return "".join(parts)


def _post(item, words: PostWords) -> str:
    post, pk, state = item.post, item.post.pk, item.post.state
    helpful = words.helpful_post_id == pk
    classes = "post card"
    if state != Post.State.VISIBLE:
        classes += f" post--{state}"
    if helpful:
        classes += " post--helpful"
    parts = [f'<li class="{classes}" id="post-{pk}">\n', _header(item, words, helpful)]
    if state in _NOTICES:
        parts.append(f'\n  <p class="notice">{words.labels[_NOTICES[state]]}</p>')
    parts.append(_body(post, words))
    if words.member_id is not None:
        parts.append(_actions(item, words, helpful))
    elif state == Post.State.VISIBLE:
        parts.append("\n  " + reactions_html(item, words))
    parts.append("\n</li>\n")
    return "".join(parts)


def _header(item, words: PostWords, helpful: bool) -> str:
    post, labels = item.post, words.labels
    nickname = escape(post.author_nickname) if post.author_nickname else labels["former_member"]
    parts = [f'  <header class="post__meta">\n    <strong>{nickname}</strong>']
    if post.by_peer_adviser:
        parts.append(f' <span class="pill pill--peer">{labels["peer_adviser"]}</span>')
    if item.is_new:
        parts.append(f' <span class="pill pill--new">{labels["new"]}</span>')
    edited = f" · {labels['edited']}" if post.edited_at else ""
    parts.append(
        f'\n    <span class="muted"><time datetime="{post.created_at.isoformat()}">'
        f"{words.when(post.created_at)}</time>{edited}</span>"
    )
    if helpful:
        parts.append(f' <span class="pill pill--helpful">{labels["helped_asker"]}</span>')
    parts.append("\n  </header>")
    return "".join(parts)


def _body(post, words: PostWords) -> str:
    # Its writer and the moderators see what was written; others see what may be shown.
    full = words.may_moderate or post.author_id == words.member_id
    html = post.html if full else (post.shown_html or post.html)
    if post.content_warning:
        summary = words.warnings[post.content_warning]
        return (
            f'\n  <details class="content-warning">\n    <summary>{summary}</summary>'
            f'\n    <div class="post__body">{html}</div>\n  </details>'
        )
    return f'\n  <div class="post__body">{html}</div>'


def _actions(item, words: PostWords, helpful: bool) -> str:
    """A member's buttons under a post share one form (one CSRF field a post, not five)."""
    post, pk, state, labels = item.post, item.post.pk, item.post.state, words.labels
    base = f"{words.post_url}{pk}"
    own = post.author_id == words.member_id
    parts = [
        f'\n  <form method="post" class="post__actions" hx-target="#reactions-{pk}" hx-swap="outerHTML">',
        words.csrf_field,
    ]
    if state == Post.State.VISIBLE:
        parts.append("\n  " + reactions_html(item, words))
    parts.append('\n  <div class="post__tools">')
    if own and state not in (Post.State.HIDDEN, Post.State.DELETED):
        parts.append(f'\n    <a href="{base}/edit/">{labels["edit"]}</a>')
        parts.append(f'\n    <a href="{base}/delete/">{labels["delete"]}</a>')
    # The asker may say a reply by somebody else helped them.
    asker = words.thread_author_id == words.member_id
    if asker and not post.is_opening and not own and state == Post.State.VISIBLE:
        label = labels["take_back_helped" if helpful else "helped_me"]
        parts.append(
            f'\n    <button type="submit" formaction="{base}/helpful/" class="link-button">{label}</button>'
        )
    label = labels["remove_bookmark" if item.bookmarked else "bookmark"]
    parts.append(
        f'\n    <button type="submit" formaction="{base}/bookmark/" class="link-button">{label}</button>'
    )
    if not own:
        parts.append(f'\n    <a href="{words.report_url}{pk}/">{labels["report"]}</a>')
    if words.may_moderate:
        parts.append(f'\n    <a href="{base}/moderate/">{labels["moderate"]}</a>')
    parts.append("\n  </div>\n  </form>")
    return "".join(parts)
