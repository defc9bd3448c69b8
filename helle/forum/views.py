"""Forum pages. Reading needs no account where a category is open to everybody; writing does."""

from functools import cache
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from helle.core.forms import add_refusal
from helle.core.http import posted
from helle.core.markup import MEMBER_TAGS
from helle.core.markup import render as render_markup
from helle.core.policies import staff_page
from helle.forum import forms, policies, post_html, search, selectors, services

SHOW_HELP = "forum_show_help"  # set once after a crisis post: the writer sees help at once


def _thread_or_404(request, pk: int):
    thread = selectors.thread_for(request.user, pk)
    if thread is None:
        raise Http404
    return thread


def _post_or_404(request, pk: int):
    post = selectors.post_for(request.user, pk)
    if post is None:
        raise Http404
    return post


def _preview(form) -> str:
    body = form.data.get("body", "") if form.is_bound else ""
    return render_markup(body, tags=MEMBER_TAGS, leave_url=reverse("forum:leave")) if body.strip() else ""


def _after_posting(request, post) -> None:
    """What the writer is told: shown, waiting for a moderator, or – in a crisis – help."""
    if post.crisis:
        request.session[SHOW_HELP] = True
    elif post.state == post.State.HELD:
        messages.info(
            request,
            _(
                "Thank you. A moderator will look at your post before others can see it. "
                "You can see it here meanwhile."
            ),
        )
    else:
        messages.success(request, _("Your post is shown now."))


# --- Reading -------------------------------------------------------------------------------------


def index(request):
    return render(
        request,
        "forum/index.html",
        {
            "rows": selectors.category_overview(request.user),
            "prompts": selectors.featured_prompts(request.user),
            "may_see_waiting": policies.can_see_waiting_list(request.user),
            "search_form": forms.SearchForm(),
        },
    )


def category(request, slug: str):
    found = selectors.category_by_slug(request.user, slug)
    if found is None:
        raise Http404
    return render(
        request,
        "forum/category.html",
        {
            "category": found,
            "page": selectors.threads_in(request.user, found, request.GET.get("side")),
            "may_write": policies.can_write_in(request.user, found),
            "may_prompt": policies.can_start_prompt(request.user, found),
        },
    )


@cache
def _blank_reply_form(language: str) -> str:
    """The reply form as most readers get it (no draft, no errors), made once per language
    and process: Django's form templates cost about 4 ms, a fifth of a thread page. The form
    renders in the active language; `language` is what the cache is keyed by."""
    return str(forms.ReplyForm())


def thread(request, pk: int, reply_form=None, status: int = 200):
    found = _thread_or_404(request, pk)
    page = selectors.thread_page(request.user, found, request.GET.get("side"))
    may_reply = False
    if request.user.is_authenticated:
        services.mark_read(
            member=request.user,
            thread=found,
            until=page.newest_shown,
            previously=page.read_at,
            unread_notifications=page.unread_here,
        )
        # The menu's number, already counted by the page (see context_processors.forum).
        request.forum_unread = page.unread_elsewhere
        may_reply = policies.can_reply(request.user, found)
        if reply_form is None and may_reply:
            draft = selectors.draft_for(request.user, services.draft_key_for_thread(found))
            if draft:
                reply_form = forms.ReplyForm(initial={"body": draft.body})
    words = post_html.PostWords.for_page(request, thread=found, may_moderate=page.may_moderate)
    csrf_field = words.csrf_field  # one masked token for every form on the page
    return render(
        request,
        "forum/thread.html",
        {
            "thread": found,
            "view": page,
            # Escaped value by value in post_html (see its docstring).
            "posts_html": mark_safe(post_html.posts_html(page.posts, words)),  # noqa: S308
            "reply_form": str(reply_form) if reply_form is not None else _blank_reply_form(get_language()),
            "may_reply": may_reply,
            "csrf_field": mark_safe(csrf_field),  # noqa: S308 - Django's own hidden input
            "preview": _preview(reply_form) if reply_form is not None else "",
            "show_help": request.session.pop(SHOW_HELP, False),
            "draft_key": services.draft_key_for_thread(found),
        },
        status=status,
    )


@never_cache
@login_required
@require_POST
def reply(request, pk: int):
    found = _thread_or_404(request, pk)
    form = forms.ReplyForm(request.POST)
    if "preview" in request.POST or not form.is_valid():
        return thread(request, pk, reply_form=form, status=200 if "preview" in request.POST else 400)
    try:
        post = services.post_reply(author=request.user, thread=found, **form.cleaned_data)
    except services.Refused as refused:
        add_refusal(form, refused)
        return thread(request, pk, reply_form=form, status=400)
    _after_posting(request, post)
    return redirect(f"{reverse('forum:thread', args=[pk])}?side=last#post-{post.pk}")


@never_cache
@login_required
def new_thread(request, slug: str, prompt: bool = False):
    found = selectors.category_by_slug(request.user, slug)
    if found is None:
        raise Http404
    if prompt:
        policies.require_can_start_prompt(request.user, found)
    else:
        policies.require_can_start_thread(request.user, found)
    form_class = forms.PromptForm if prompt else forms.ThreadForm
    key = services.draft_key_for_category(found)
    draft = selectors.draft_for(request.user, key)
    form = form_class(posted(request), initial={"title": draft.title, "body": draft.body} if draft else None)
    status = 200
    if request.method == "POST" and "preview" not in request.POST:
        if form.is_valid():
            data = dict(form.cleaned_data)
            extra = (
                {"prompt": True, "publish_at": data.pop("publish_at"), "featured": data.pop("featured")}
                if prompt
                else {}
            )
            try:
                post = services.start_thread(author=request.user, category=found, **data, **extra)
            except services.Refused as refused:
                add_refusal(form, refused)
            else:
                _after_posting(request, post)
                return redirect("forum:thread", pk=post.thread_id)
        status = 400
    return render(
        request,
        "forum/thread_form.html",
        {"category": found, "form": form, "preview": _preview(form), "prompt": prompt, "draft_key": key},
        status=status,
    )


@never_cache
@login_required
def new_prompt(request, slug: str):
    return new_thread(request, slug, prompt=True)


# --- Writing: edit, delete, drafts ---------------------------------------------------------------


@never_cache
@login_required
def edit(request, pk: int):
    post = _post_or_404(request, pk)
    policies.require_can_edit(request.user, post)
    form = forms.EditForm(
        posted(request), initial={"body": post.body, "content_warning": post.content_warning}
    )
    status = 200
    if request.method == "POST" and "preview" not in request.POST:
        if form.is_valid():
            try:
                services.edit_post(author=request.user, post=post, **form.cleaned_data)
            except services.Refused as refused:
                add_refusal(form, refused)
            else:
                _after_posting(request, post)
                return redirect(f"{reverse('forum:thread', args=[post.thread_id])}#post-{post.pk}")
        status = 400
    return render(
        request,
        "forum/post_edit.html",
        {"post": post, "form": form, "preview": _preview(form)},
        status=status,
    )


@never_cache
@login_required
def delete(request, pk: int):
    post = _post_or_404(request, pk)
    policies.require_can_edit(request.user, post)
    if request.method == "POST":
        services.delete_own_post(author=request.user, post=post)
        messages.success(request, _("Your post is deleted."))
        if post.is_opening:
            return redirect("forum:category", slug=post.thread.category.slug)
        return redirect("forum:thread", pk=post.thread_id)
    return render(request, "forum/post_delete.html", {"post": post})


@login_required
@require_POST
def save_draft(request):
    key = request.POST.get("key", "")
    if not _draft_key_allowed(request.user, key):
        raise Http404
    draft = services.save_draft(
        member=request.user, key=key, body=request.POST.get("body", ""), title=request.POST.get("title", "")
    )
    if draft is None:
        return HttpResponse("")
    return render(request, "forum/_draft_saved.html", {"draft": draft})


def _draft_key_allowed(user, key: str) -> bool:
    kind, _sep, pk = key.partition(":")
    if not pk.isdigit():
        return False
    if kind == "thread":
        return selectors.thread_for(user, int(pk)) is not None
    if kind == "category":
        found = selectors.category_by_pk(int(pk))
        return found is not None and policies.can_write_in(user, found)
    return False


# --- Support, warnings, helpful replies, following, bookmarks ------------------------------------


def _back_to_post(post):
    return redirect(f"{reverse('forum:thread', args=[post.thread_id])}#post-{post.pk}")


@login_required
@require_POST
def react(request, pk: int, kind: str):
    post = _post_or_404(request, pk)
    if kind not in dict(forms.REACTION_CHOICES):
        raise Http404
    services.toggle_reaction(member=request.user, post=post, kind=kind)
    if request.htmx:
        item = selectors.post_view(request.user, post)
        words = post_html.PostWords.for_page(request, thread=post.thread, may_moderate=False)
        return HttpResponse(post_html.reactions_html(item, words))
    return _back_to_post(post)


@login_required
@require_POST
def helpful(request, pk: int):
    post = _post_or_404(request, pk)
    services.mark_helpful(member=request.user, post=post)
    return _back_to_post(post)


@login_required
@require_POST
def set_warning(request, pk: int):
    post = _post_or_404(request, pk)
    form = forms.WarningForm(request.POST)
    if form.is_valid():
        services.set_content_warning(actor=request.user, post=post, warning=form.cleaned_data["warning"])
    return _back_to_post(post)


@login_required
@require_POST
def follow(request, pk: int):
    found = _thread_or_404(request, pk)
    following = services.toggle_follow(member=request.user, thread=found)
    messages.success(
        request, _("You follow this conversation now.") if following else _("You no longer follow it.")
    )
    return redirect("forum:thread", pk=pk)


@login_required
@require_POST
def bookmark(request, pk: int):
    post = _post_or_404(request, pk)
    services.toggle_bookmark(member=request.user, post=post)
    return _back_to_post(post)


@never_cache
@login_required
def bookmarks(request):
    return render(request, "forum/bookmarks.html", {"posts": selectors.bookmarks_of(request.user)})


@never_cache
@login_required
def notifications(request):
    items = selectors.notifications_for(request.user)
    if request.method == "POST":
        services.mark_notifications_read(member=request.user)
        return redirect("forum:notifications")
    return render(request, "forum/notifications.html", {"items": items})


def leave(request):
    """A link in a post leads here first: where it goes, and that it leaves the site."""
    target = request.GET.get("to", "")
    parts = urlsplit(target)
    safe = parts.scheme in ("http", "https") and bool(parts.netloc) and target.isprintable()
    return render(request, "forum/leave.html", {"target": target, "safe": safe})


def search_page(request):
    form = forms.SearchForm(request.GET or None)
    hits = search.search(request.user, form.cleaned_data["q"]) if form.is_valid() else []
    return render(request, "forum/search.html", {"form": form, "hits": hits})


# --- Peer advisers and counsellors ---------------------------------------------------------------


@never_cache
@login_required
def waiting(request):
    policies.require_can_see_waiting_list(request.user)
    return render(request, "forum/waiting.html", {"threads": selectors.waiting_for_answer(request.user)})


@never_cache
@login_required
def moderate(request, pk: int):
    post = _post_or_404(request, pk)
    policies.require_can_moderate(request.user, post.thread.category)
    form = forms.ModerateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.moderate_post(actor=request.user, post=post, **form.cleaned_data)
        messages.success(request, _("Done. It is in the audit log."))
        return _back_to_post(post)
    return render(
        request,
        "forum/moderate.html",
        {"post": post, "form": form, "revisions": selectors.revisions_of(post)},
        status=400 if form.is_bound else 200,
    )


@never_cache
@login_required
def moderate_thread(request, pk: int):
    found = _thread_or_404(request, pk)
    policies.require_can_moderate(request.user, found.category)
    choices = selectors.moderated_categories(request.user)
    form = forms.ThreadModerateForm(
        posted(request),
        categories=choices,
        initial={"locked": found.is_locked, "category": found.category_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["locked"] != found.is_locked:
            services.set_locked(
                actor=request.user, thread=found, locked=data["locked"], reason=data["reason"]
            )
        if data["category"].pk != found.category_id:
            services.move_thread(
                actor=request.user, thread=found, category=data["category"], reason=data["reason"]
            )
        messages.success(request, _("Done. It is in the audit log."))
        return redirect("forum:thread", pk=pk)
    return render(
        request,
        "forum/moderate_thread.html",
        {"thread": found, "form": form},
        status=400 if form.is_bound else 200,
    )


# --- Staff: categories ------------------------------------------------------------------------------


@staff_page("forum.manage_forum")
def categories(request):
    return render(request, "forum/staff_categories.html", {"categories": selectors.all_categories()})


@staff_page("forum.manage_forum")
def category_edit(request, pk: int | None = None):
    instance = selectors.category_by_pk(pk) if pk else None
    if pk and instance is None:
        raise Http404
    form = forms.CategoryForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_category(
            actor=request.user,
            category=form.save(commit=False),
            peer_advisers=form.cleaned_data["peer_advisers"],
        )
        messages.success(request, _("Saved."))
        return redirect("forum:categories")
    return render(request, "forum/category_form.html", {"form": form, "category": instance})
