"""Every write of the forum. Each passes the safety pipeline where a member's words are stored.

What a post's state becomes, in order: the pipeline refuses (contact details: nothing is
stored, the author is told how to fix it and keeps the text) → a crisis is shown at once,
staff are alerted and the writer sees help (never held) → the pipeline holds → the
category's moderation mode holds (everything, or new members' posts) → shown.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from helle.core import clock
from helle.core.events import send_to_member_on_commit
from helle.core.markup import MEMBER_TAGS
from helle.core.markup import render as render_markup
from helle.core.services import Refused, record_audit
from helle.forum import policies
from helle.forum.models import (
    Bookmark,
    Category,
    ContentWarning,
    Draft,
    Follow,
    ModerationMode,
    Notification,
    Post,
    PostRevision,
    Reaction,
    ReadMarker,
    Thread,
)
from helle.identity import services as identity_services
from helle.safety import services as safety_services
from helle.safety.pipeline import Assessment, assess
from helle.safety.policy import Action, Surface


@dataclass(frozen=True)
class _Verdict:
    state: str
    crisis: bool
    held_by_category: bool
    shown_body: str  # the body with masked spans, or "" when nothing was masked
    assessments: tuple[Assessment, ...]


def _judge(*, author, category: Category, body: str, title: str = "") -> _Verdict:
    """What happens to these words from this author in this category."""
    checked = {"body": assess(body, surface=Surface.FORUM, author=author)}
    if title:
        checked["title"] = assess(title, surface=Surface.FORUM, author=author)
    refused = {f: a.refusal_messages() for f, a in checked.items() if a.action is Action.REFUSE}
    if refused:
        raise Refused(refused)
    body_check = checked["body"]
    shown_body = body_check.masked_text() if body_check.decision.masked else ""
    assessments = tuple(checked.values())
    if any(a.is_crisis for a in assessments):
        return _Verdict(Post.State.VISIBLE, True, False, shown_body, assessments)
    if any(a.action is Action.HOLD for a in assessments):
        return _Verdict(Post.State.HELD, False, False, shown_body, assessments)
    if _category_holds(author, category):
        return _Verdict(Post.State.HELD, False, True, shown_body, assessments)
    return _Verdict(Post.State.VISIBLE, False, False, shown_body, assessments)


def _category_holds(author, category: Category) -> bool:
    if policies.skips_pre_moderation(author, category):
        return False
    if category.moderation_mode == ModerationMode.PRE_ALL:
        return True
    return category.moderation_mode == ModerationMode.PRE_NEW and author.trust_level == 0


def _file(verdict: _Verdict, post: Post, author) -> None:
    """Into the review queue: held by the category first, then what the pipeline found."""
    if verdict.held_by_category:
        safety_services.send_to_review(
            target=post,
            author=author,
            excerpt=post.body,
            surface=Surface.FORUM,
            held=True,
            note="the category's moderators approve posts first",
        )
    for assessment in verdict.assessments:
        safety_services.record(assessment, target=post, author=author)


def render_body(text: str) -> str:
    """A member's words as the forum shows them: the little Markdown members may use,
    sanitised, links through the "you are leaving the site" page."""
    return render_markup(text, tags=MEMBER_TAGS, leave_url=reverse("forum:leave")) if text else ""


def _set_body(post: Post, body: str, shown_body: str) -> None:
    post.body, post.shown_body = body, shown_body
    post.html, post.shown_html = render_body(body), render_body(shown_body)


def _warning_for(verdict: _Verdict, chosen: str) -> str:
    # A crisis post is shown at once, so readers are protected by a warning they can open.
    return chosen or (ContentWarning.SELF_HARM if verdict.crisis else "")


# --- Categories (staff) ------------------------------------------------------------------------


def save_category(*, actor, category: Category, peer_advisers=None) -> Category:
    created = category.pk is None
    if not category.slug:
        category.slug = _free_slug(category.name)
    with transaction.atomic():
        category.save()
        if peer_advisers is not None:
            category.peer_advisers.set(peer_advisers)
        record_audit(
            actor=actor,
            action="forum.category_created" if created else "forum.category_changed",
            target=category,
            data={
                "age_bands": category.age_bands,
                "moderation_mode": category.moderation_mode,
                "peer_advisers": sorted(p.pk for p in category.peer_advisers.all()),
            },
        )
    return category


def create_category(
    *, actor, name: str, description: str = "", age_bands=(), moderation_mode: str = ModerationMode.PRE_NEW
) -> Category:
    category = Category(
        name=name, description=description, age_bands=list(age_bands), moderation_mode=moderation_mode
    )
    return save_category(actor=actor, category=category)


RESERVED_SLUGS = {"search", "waiting", "notifications", "bookmarks", "leave", "draft", "thread", "post"}


def _free_slug(name: str) -> str:
    base = slugify(name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa"))[:70] or "debat"
    if base in RESERVED_SLUGS:  # the forum's own pages live at these addresses
        base = f"{base}-debat"
    slug, number = base, 2
    while Category.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


# --- Threads and posts ---------------------------------------------------------------------------


def start_thread(
    *,
    author,
    category: Category,
    title: str,
    body: str,
    content_warning: str = "",
    prompt: bool = False,
    publish_at=None,
    featured: bool = False,
) -> Post:
    """A new conversation. `prompt`: a discussion prompt by a peer adviser or staff (pinned;
    `publish_at` may schedule it, `featured` puts it on the front page)."""
    if prompt:
        policies.require_can_start_prompt(author, category)
    else:
        policies.require_can_start_thread(author, category)
    verdict = _judge(author=author, category=category, body=body, title=title)
    now = clock.now()
    with transaction.atomic():
        thread = Thread.objects.create(
            category=category,
            title=title,
            author=author,
            state=verdict.state,
            created_at=now,
            publish_at=publish_at or now,
            last_post_at=publish_at or now,
            is_prompt=prompt,
            is_pinned=prompt,
            is_featured=prompt and featured,
        )
        post = _create_post(
            thread=thread,
            author=author,
            body=body,
            verdict=verdict,
            content_warning=content_warning,
            is_opening=True,
            created_at=now,
        )
        Draft.objects.filter(member=author, key=draft_key_for_category(category)).delete()
        record_audit(actor=author, action="forum.thread_started", target=thread, data={"state": thread.state})
        if post.state == Post.State.VISIBLE:
            identity_services.record_contribution(member=author)
    return post


def _create_post(
    *, thread: Thread, author, body: str, verdict: _Verdict, content_warning: str, **extra
) -> Post:
    """A post of judged words, filed in the review queue as the verdict says; its writer
    follows the thread from now on."""
    post = Post(
        thread=thread,
        author=author,
        state=verdict.state,
        by_peer_adviser=policies.writes_as_peer_adviser(author),
        content_warning=_warning_for(verdict, content_warning),
        crisis=verdict.crisis,
        **extra,
    )
    _set_body(post, body, verdict.shown_body)
    post.save()
    _file(verdict, post, author)
    Follow.objects.get_or_create(thread=thread, member=author)
    return post


def post_reply(*, author, thread: Thread, body: str, content_warning: str = "") -> Post:
    policies.require_can_reply(author, thread)
    verdict = _judge(author=author, category=thread.category, body=body)
    with transaction.atomic():
        post = _create_post(
            thread=thread, author=author, body=body, verdict=verdict, content_warning=content_warning
        )
        Draft.objects.filter(member=author, key=draft_key_for_thread(thread)).delete()
        if post.state == Post.State.VISIBLE:
            _reply_shown(post)
            identity_services.record_contribution(member=author)
    return post


def _reply_shown(post: Post) -> None:
    """A reply becomes visible: the thread's figures move and its followers are told."""
    thread = post.thread
    changes = {"reply_count": F("reply_count") + 1, "last_post_at": post.created_at}
    if post.author_id != thread.author_id and thread.first_reply_at is None:
        changes["first_reply_at"] = post.created_at
    Thread.objects.filter(pk=thread.pk).update(**changes)
    followers = list(
        Follow.objects.filter(thread=thread)
        .exclude(member_id=post.author_id)
        .values_list("member_id", flat=True)
    )
    _notify(followers, Notification.Kind.REPLY, post)


def _notify(member_ids: list[int], kind: str, post: Post) -> None:
    """A notification about `post` for each member, and a live nudge after commit."""
    Notification.objects.bulk_create(
        [Notification(member_id=m, kind=kind, thread_id=post.thread_id, post=post) for m in member_ids]
    )
    for member_id in member_ids:
        send_to_member_on_commit(member_id, {"type": "forum.notification"})


def _reply_gone(post: Post) -> None:
    Thread.objects.filter(pk=post.thread_id, reply_count__gt=0).update(reply_count=F("reply_count") - 1)


def edit_post(*, author, post: Post, body: str, content_warning: str | None = None) -> Post:
    """The author changes their post. The earlier wording is kept for moderators; the new one
    passes the pipeline again and may wait for a moderator as a new post would."""
    policies.require_can_edit(author, post)
    verdict = _judge(author=author, category=post.thread.category, body=body)
    was_visible = post.state == Post.State.VISIBLE
    with transaction.atomic():
        PostRevision.objects.create(post=post, body=post.body, created_at=post.edited_at or post.created_at)
        _set_body(post, body, verdict.shown_body)
        post.edited_at = clock.now()
        post.crisis = post.crisis or verdict.crisis
        if content_warning is not None:
            post.content_warning = content_warning
        post.content_warning = _warning_for(verdict, post.content_warning)
        post.state = verdict.state
        post.save()
        _follow_state(post)
        if was_visible and post.state != Post.State.VISIBLE and not post.is_opening:
            _reply_gone(post)
        _file(verdict, post, author)
        record_audit(actor=author, action="forum.post_edited", target=post, data={"state": post.state})
    return post


def _follow_state(post: Post) -> None:
    """The thread shares its opening post's state."""
    if post.is_opening:
        Thread.objects.filter(pk=post.thread_id).update(state=post.state)
        post.thread.state = post.state


def delete_own_post(*, author, post: Post) -> None:
    policies.require_can_edit(author, post)
    was_visible = post.state == Post.State.VISIBLE
    with transaction.atomic():
        post.state = Post.State.DELETED
        post.save(update_fields=["state"])
        _follow_state(post)
        if was_visible and not post.is_opening:
            _reply_gone(post)
        record_audit(actor=author, action="forum.post_deleted", target=post)


def set_content_warning(*, actor, post: Post, warning: str) -> Post:
    policies.require_can_set_warning(actor, post)
    with transaction.atomic():
        post.content_warning = warning
        post.save(update_fields=["content_warning"])
        record_audit(actor=actor, action="forum.content_warning", target=post, data={"warning": warning})
    return post


# --- Support, helpful replies, following, bookmarks, reading ------------------------------------


def toggle_reaction(*, member, post: Post, kind: str) -> bool:
    """Add the reaction, or take it back if it is there. True when it is there now."""
    policies.require_can_react(member, post)
    return _toggle(Reaction, post=post, member=member, kind=kind)


def _toggle(model, **fields) -> bool:
    """Take the member's row back if it is there, else make it; True when it is there now."""
    with transaction.atomic():
        deleted, _rows = model.objects.filter(**fields).delete()
        if deleted:
            return False
        model.objects.create(**fields)
    return True


def mark_helpful(*, member, post: Post) -> Thread:
    """The asker marks the reply that helped (or takes the mark back)."""
    policies.require_can_mark_helpful(member, post)
    thread = post.thread
    with transaction.atomic():
        chosen = None if thread.helpful_post_id == post.pk else post
        thread.helpful_post = chosen
        thread.save(update_fields=["helpful_post"])
        if chosen is not None and post.author_id:
            _notify([post.author_id], Notification.Kind.HELPFUL, post)
        record_audit(actor=member, action="forum.helpful_marked", target=thread, data={"post": post.pk})
    return thread


def toggle_follow(*, member, thread: Thread) -> bool:
    policies.require_can_see_thread(member, thread)
    return _toggle(Follow, thread=thread, member=member)


def toggle_bookmark(*, member, post: Post) -> bool:
    policies.require_can_see_post(member, post)
    return _toggle(Bookmark, post=post, member=member)


def mark_read(*, member, thread: Thread, until, previously=None, unread_notifications: int = 1) -> None:
    """The member has read the thread up to `until` (the newest post they were shown);
    `previously` is their marker as the page found it (None: no marker yet). Its
    notifications are marked read, when the page found any (`unread_notifications`): a
    page view writes nothing when there is nothing new, which keeps SQLite's one writer free."""
    if until is None:
        return
    if previously is None:
        ReadMarker.objects.update_or_create(thread=thread, member=member, defaults={"read_at": until})
    elif until > previously:
        ReadMarker.objects.filter(thread=thread, member=member, read_at__lt=until).update(read_at=until)
    if unread_notifications:
        Notification.objects.filter(member=member, thread=thread, read_at__isnull=True).update(
            read_at=clock.now()
        )


def mark_notifications_read(*, member) -> int:
    return Notification.objects.filter(member=member, read_at__isnull=True).update(read_at=clock.now())


# --- Drafts ----------------------------------------------------------------------------------------


def draft_key_for_category(category: Category) -> str:
    return f"category:{category.pk}"


def draft_key_for_thread(thread: Thread) -> str:
    return f"thread:{thread.pk}"


def save_draft(*, member, key: str, body: str, title: str = "") -> Draft | None:
    """Keep what the member is typing; an empty draft is removed."""
    if not body.strip() and not title.strip():
        Draft.objects.filter(member=member, key=key).delete()
        return None
    draft, _created = Draft.objects.update_or_create(
        member=member, key=key, defaults={"body": body, "title": title[:140], "updated_at": clock.now()}
    )
    return draft


# --- Moderation in the forum (staff, and peer advisers in their categories) -------------------------


def moderate_post(*, actor, post: Post, action: str, reason: str) -> Post:
    """Hold, hide or show a post. A peer adviser's hold or hide goes to the review queue, where
    staff see it and can undo it; every action is audited."""
    policies.require_can_moderate(actor, post.thread.category)
    new_state = {"hold": Post.State.HELD, "hide": Post.State.HIDDEN, "show": Post.State.VISIBLE}[action]
    if not reason.strip():
        raise Refused({"reason": [_("Write a short reason: it goes to the audit log.")]})
    staff = actor.has_perm("safety.moderate")
    with transaction.atomic():
        _set_state(post, new_state)
        if action != "show" and not staff:
            # Staff confirm it in the queue; hiding it there tells the writer why.
            safety_services.send_to_review(
                target=post,
                author=post.author,
                excerpt=post.body,
                surface=Surface.FORUM,
                held=action == "hold",
                actor=actor,
                note=f"{action} by a peer adviser: {reason}",
            )
        elif action == "hide":
            safety_services.tell_about_hidden_content(
                moderator=actor, target=post, author=post.author, excerpt=post.body, reason=reason
            )
        record_audit(actor=actor, action=f"forum.post_{action}", target=post, reason=reason)
    return post


def _set_state(post: Post, state: str) -> None:
    was_visible = post.state == Post.State.VISIBLE
    if post.state == state:
        return
    post.state = state
    post.save(update_fields=["state"])
    _follow_state(post)
    if post.is_opening:
        return
    if was_visible and state != Post.State.VISIBLE:
        _reply_gone(post)
    elif state == Post.State.VISIBLE:
        _reply_shown(post)


def hide_reviewed(post: Post) -> None:
    """The review queue hid the post."""
    _set_state(post, Post.State.HIDDEN)


def restore_reviewed(post: Post) -> None:
    """The review queue let the post be shown: a held post's author is told."""
    was_held = post.state == Post.State.HELD
    if post.state == Post.State.DELETED:
        return
    _set_state(post, Post.State.VISIBLE)
    if was_held and post.author_id:
        _notify([post.author_id], Notification.Kind.APPROVED, post)
        identity_services.record_contribution(member=post.author)


def set_locked(*, actor, thread: Thread, locked: bool, reason: str) -> Thread:
    policies.require_can_moderate(actor, thread.category)
    with transaction.atomic():
        thread.is_locked = locked
        thread.save(update_fields=["is_locked"])
        record_audit(
            actor=actor, action="forum.locked" if locked else "forum.unlocked", target=thread, reason=reason
        )
    return thread


def move_thread(*, actor, thread: Thread, category: Category, reason: str) -> Thread:
    policies.require_can_moderate(actor, thread.category)
    policies.require_can_moderate(actor, category)
    with transaction.atomic():
        old = thread.category_id
        thread.category = category
        thread.save(update_fields=["category"])
        record_audit(
            actor=actor,
            action="forum.moved",
            target=thread,
            reason=reason,
            data={"from": old, "to": category.pk},
        )
    return thread
