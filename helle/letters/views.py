"""Letter box pages: writing and reading your own letters, the public archive, and the pages
where counsellors answer, reviewers approve and editors publish."""

import difflib
from datetime import datetime, time, timedelta
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from helle.core import clock, handoff
from helle.core.forms import add_refusal
from helle.core.http import posted
from helle.core.policies import staff_page
from helle.core.roles import is_staff
from helle.letters import forms, policies, selectors, services
from helle.safety.findings import Label
from helle.safety.pipeline import assess
from helle.safety.policy import Surface

SHOW_HELP = "letters_show_help"  # set once after a crisis letter: the writer sees help at once
PER_PAGE = 20


def _letter_or_404(request, pk: int):
    letter = selectors.letter_for(request.user, pk)
    if letter is None:
        raise Http404
    return letter


def answerer_page(view):
    """Pages for those who answer or review letters. Staff pass two-factor log-in first; a peer
    adviser allowed to answer has no second factor. Anybody else is told the page does not exist."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not policies.may_use_answer_pages(request.user):
            raise Http404
        if is_staff(request.user) and not request.user.is_verified():
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('identity:two_factor')}?{query}")
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


# --- The public letter box and its archive ----------------------------------------------------------


def index(request):
    return render(
        request,
        "letters/index.html",
        {
            "latest": selectors.published()[:6],
            "topics": selectors.topics_with_publications(),
            "search_form": forms.ArchiveSearchForm(),
            "estimate": selectors.answer_estimate(),
        },
    )


def archive(request):
    form = forms.ArchiveSearchForm(request.GET or None)
    topic = query = None
    if form.is_valid():
        topic, query = form.cleaned_data["topic"], form.cleaned_data["q"].strip()
    if query:
        found = selectors.similar_published(query, limit=PER_PAGE, topic=topic)
        page = None
    else:
        page = Paginator(selectors.published(topic=topic), PER_PAGE).get_page(request.GET.get("side"))
        found = list(page)
    return render(
        request,
        "letters/archive.html",
        {"form": form, "found": found, "page": page, "query": query, "topic": topic},
    )


def published(request, pk: int):
    publication = selectors.published_by_pk(pk)
    if publication is None:
        raise Http404
    return render(request, "letters/published.html", {"publication": publication})


# --- Writing ----------------------------------------------------------------------------------------


@never_cache
@login_required
def write(request):
    """Write, then see published answers to similar letters, then send (or read those first)."""
    draft = selectors.draft_for(request.user, services.NEW_LETTER)
    initial = {"body": draft.body, "topic": draft.topic} if draft else {}
    from_chat = handoff.take_letter_text(request.session)
    if from_chat:  # what they typed in the chat, with any draft they had below it
        initial["body"] = from_chat + (f"\n\n{draft.body}" if draft and draft.body else "")
    form = forms.LetterForm(posted(request), initial=initial)
    similar, checked = [], False
    if request.method == "POST" and form.is_valid():
        checked = request.POST.get("checked") == "1"
        if checked and "send" in request.POST:
            try:
                letter = services.send_letter(writer=request.user, **form.cleaned_data)
            except services.Refused as refused:
                add_refusal(form, refused)
            else:
                return _after_sending(request, letter)
        similar = selectors.similar_published(form.data.get("body", ""))
        checked = True
    return render(
        request,
        "letters/write.html",
        {
            "form": form,
            "similar": similar,
            "checked": checked,
            "estimate": selectors.answer_estimate(),
            "draft_key": services.NEW_LETTER,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _after_sending(request, letter):
    if letter.crisis:
        request.session[SHOW_HELP] = True
    else:
        messages.success(request, _("Your letter is sent. You will find the answer here when it is ready."))
    return redirect("letters:letter", pk=letter.pk)


@require_POST
@login_required
def save_draft(request):
    key = request.POST.get("key", "")
    if key == services.NEW_LETTER:
        topic = selectors.topics().filter(pk=request.POST.get("topic") or None).first()
    else:
        kind, _sep, pk = key.partition(":")
        letter = selectors.letter_for(request.user, int(pk)) if kind == "follow-up" and pk.isdigit() else None
        if letter is None or not policies.can_follow_up(request.user, letter):
            raise Http404
        topic = letter.topic
    draft = services.save_draft(member=request.user, key=key, body=request.POST.get("body", ""), topic=topic)
    if draft is None:
        return HttpResponse("")
    return render(request, "letters/_draft_saved.html", {"draft": draft})


@never_cache
@login_required
def inbox(request):
    return render(request, "letters/inbox.html", {"letters": selectors.letters_of(request.user)})


@never_cache
@login_required
def letter(request, pk: int, follow_up_form=None, status: int = 200):
    found = _letter_or_404(request, pk)
    if not policies.is_writer(request.user, found):
        return redirect("letters:staff_letter", pk=found.pk)
    answer = selectors.delivered_answer(found)
    if answer is not None:
        services.mark_answer_read(writer=request.user, letter=found)
    may_follow_up = policies.can_follow_up(request.user, found)
    if follow_up_form is None and may_follow_up:
        draft = selectors.draft_for(request.user, services.follow_up_key(found))
        follow_up_form = forms.FollowUpForm(initial={"body": draft.body} if draft else None)
    return render(
        request,
        "letters/letter.html",
        {
            "letter": found,
            "answer": answer,
            "follow_up": selectors.follow_up_of(found),
            "follow_up_form": follow_up_form if may_follow_up else None,
            "follow_up_key": services.follow_up_key(found),
            "publication": selectors.publication_of(found),
            "estimate": selectors.answer_estimate() if answer is None else None,
            "show_help": request.session.pop(SHOW_HELP, False),
        },
        status=status,
    )


@require_POST
@login_required
def follow_up(request, pk: int):
    found = _letter_or_404(request, pk)
    policies.require_is_writer(request.user, found)
    form = forms.FollowUpForm(request.POST)
    if form.is_valid():
        try:
            sent = services.send_letter(
                writer=request.user, topic=found.topic, body=form.cleaned_data["body"], follow_up_to=found
            )
        except services.Refused as refused:
            add_refusal(form, refused)
        else:
            return _after_sending(request, sent)
    return letter(request, pk, follow_up_form=form, status=400)


@require_POST
@login_required
def helped(request, pk: int):
    found = _letter_or_404(request, pk)
    choice = request.POST.get("helped")
    if choice not in ("yes", "no"):
        raise Http404
    try:
        services.say_if_helped(writer=request.user, letter=found, helped=choice == "yes")
    except services.Refused as refused:
        messages.error(request, " ".join(m for ms in refused.errors.values() for m in ms))
    else:
        messages.success(request, _("Thank you for telling us. It helps us answer better."))
    return redirect("letters:letter", pk=found.pk)


@require_POST
@login_required
def consent(request, pk: int):
    found = _letter_or_404(request, pk)
    may_publish = request.POST.get("may_publish") == "yes"
    services.set_consent(writer=request.user, letter=found, may_publish=may_publish)
    if may_publish:
        messages.success(request, _("Thank you. An editor may now make an anonymised version."))
    else:
        messages.success(
            request,
            _("Done. Your letter will not be published, and anything published from it is taken down."),
        )
    return redirect("letters:letter", pk=found.pk)


# --- Answering ---------------------------------------------------------------------------------------


@answerer_page
def queue(request):
    form = forms.QueueFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    return render(
        request,
        "letters/queue.html",
        {
            "form": form,
            "entries": selectors.queue(
                request.user, topic=chosen.get("topic"), age_band=chosen.get("age_band") or ""
            ),
            "may_answer": policies.can_answer(request.user),
            "may_review": policies.can_review_any(request.user),
            "to_review": len(selectors.answers_to_review(request.user)),
            "service_days": selectors.service_level().days,
        },
    )


@answerer_page
def staff_letter(request, pk: int, answer_form=None, status: int = 200):
    found = _letter_or_404(request, pk)
    if policies.is_writer(request.user, found):
        return redirect("letters:letter", pk=found.pk)
    if request.method == "GET":
        services.note_staff_read(reader=request.user, letter=found)
    may_write = policies.can_write_answer(request.user, found)
    answer = getattr(found, "answer", None)  # None when there is none yet
    if answer_form is None and may_write:
        answer_form = forms.AnswerForm(initial={"body": answer.body if answer else ""})
    return render(
        request,
        "letters/staff_letter.html",
        {
            "letter": found,
            "answer": answer,
            "reviews": _reviews_with_changes(answer),
            "answer_form": answer_form if may_write else None,
            "may_claim": policies.can_claim(request.user, found),
            "may_review": answer is not None and policies.can_review(request.user, answer),
            "earlier": selectors.earlier_letters(found),
            "snippets": selectors.snippets_for(request.user) if may_write else [],
            "findings": _personal_findings(found.body),
            "overdue": clock.now() - found.created_at > selectors.service_level(),
        },
        status=status,
    )


def _personal_findings(text: str) -> list[str]:
    """The safety pipeline's findings, named for a counsellor (crisis, contact details, ...)."""
    return sorted({str(f.reason) for f in assess(text, surface=Surface.LETTER).findings})


@require_POST
@answerer_page
def claim(request, pk: int):
    found = _letter_or_404_for_claim(request, pk)
    try:
        services.claim(counsellor=request.user, letter=found)
    except PermissionDenied as refused:
        messages.error(request, str(refused))
        return redirect("letters:queue")
    messages.success(
        request,
        _("The letter is yours to answer for the next %(hours)s hours.")
        % {"hours": settings.LETTER_CLAIM_HOURS},
    )
    return redirect("letters:staff_letter", pk=found.pk)


def _letter_or_404_for_claim(request, pk: int):
    """A letter in the queue may be claimed without having been readable before the claim."""
    found = selectors.letter_in_queue(request.user, pk)
    if found is None:
        raise Http404
    return found


@require_POST
@answerer_page
def answer(request, pk: int):
    found = _letter_or_404(request, pk)
    form = forms.AnswerForm(request.POST)
    action = request.POST.get("action", "save")
    if action == "release":
        try:
            services.release(counsellor=request.user, letter=found)
        except PermissionDenied as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("The letter is back in the queue. Your draft stays with it."))
        return redirect("letters:queue")
    if not form.is_valid():
        return staff_letter(request, pk, answer_form=form, status=400)
    try:
        if action == "submit":
            services.submit_answer(counsellor=request.user, letter=found, body=form.cleaned_data["body"])
            messages.success(request, _("Sent for review. The writer gets the answer when it is approved."))
            return redirect("letters:queue")
        services.save_answer(counsellor=request.user, letter=found, body=form.cleaned_data["body"])
    except services.Refused as refused:
        add_refusal(form, refused)
        return staff_letter(request, pk, answer_form=form, status=400)
    except PermissionDenied as refused:
        form.add_error(None, str(refused))
        return staff_letter(request, pk, answer_form=form, status=403)
    messages.success(request, _("Draft saved."))
    return redirect("letters:staff_letter", pk=found.pk)


# --- The second pair of eyes ---------------------------------------------------------------------------


@answerer_page
def reviews(request):
    return render(request, "letters/reviews.html", {"answers": selectors.answers_to_review(request.user)})


def _diff(before: str, after: str) -> str:
    """Word by word: what the reviewer removed and added, as HTML (<del>, <ins>)."""
    old, new = before.split(), after.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(old[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(new[j1:j2]))}</ins>")
        if op == "equal":
            parts.append(escape(" ".join(old[i1:i2])))
    return mark_safe(" ".join(parts))  # noqa: S308 - every piece escaped above


@answerer_page
def review(request, pk: int):
    found = _letter_or_404(request, pk)
    answer = getattr(found, "answer", None)  # None when there is none yet
    if answer is None or not policies.can_review(request.user, answer):
        raise Http404
    form = forms.ReviewForm(posted(request), initial={"body": answer.body})
    if request.method == "GET":
        services.note_staff_read(reader=request.user, letter=found)
    if request.method == "POST" and form.is_valid():
        approve = request.POST.get("action") == "approve"
        try:
            done = services.review_answer(
                reviewer=request.user, answer=answer, approve=approve, **form.cleaned_data
            )
        except services.Refused as refused:
            add_refusal(form, refused)
        else:
            if approve:
                messages.success(request, _("Approved. The writer has the answer now."))
            else:
                messages.success(request, _("Returned with your comments."))
            if done.outcome == done.Outcome.EDITED:
                messages.info(request, _("Your changes are shown to the writer of the answer."))
            return redirect("letters:reviews")
    return render(
        request,
        "letters/review.html",
        {"letter": found, "answer": answer, "form": form, "earlier_reviews": _reviews_with_changes(answer)},
        status=400 if form.errors else 200,
    )


def _reviews_with_changes(answer) -> list:
    """Each review of the answer, with the reviewer's changes word by word when they made any."""
    if answer is None:
        return []
    return [
        (r, _diff(r.body_before, r.body_after) if r.body_before != r.body_after else "")
        for r in selectors.reviews_of(answer)
    ]


# --- Snippets ---------------------------------------------------------------------------------------


@answerer_page
def snippets(request, pk: int | None = None):
    editing = None
    if pk is not None:
        editing = selectors.snippet_for(request.user, pk)
        if editing is None:
            raise Http404
    may_share = policies.can_manage_shared_snippets(request.user)
    form = forms.SnippetForm(posted(request), instance=editing, may_share=may_share)
    if request.method == "POST":
        if request.POST.get("action") == "delete" and editing is not None:
            services.delete_snippet(actor=request.user, snippet=editing)
            messages.success(request, _("The snippet is deleted."))
            return redirect("letters:snippets")
        if form.is_valid():
            services.save_snippet(
                actor=request.user,
                snippet=form.save(commit=False),
                shared=form.cleaned_data.get("shared", False),
            )
            messages.success(request, _("The snippet is saved."))
            return redirect("letters:snippets")
    return render(
        request,
        "letters/snippets.html",
        {"snippets": selectors.snippets_for(request.user), "form": form, "editing": editing},
        status=400 if form.errors else 200,
    )


# --- Publication ---------------------------------------------------------------------------------------


@never_cache
@staff_page()
def publications(request):
    if not (request.user.has_perm("letters.publish") or request.user.has_perm("letters.review")):
        raise PermissionDenied
    return render(
        request,
        "letters/publications.html",
        {
            "to_publish": selectors.letters_to_publish() if request.user.has_perm("letters.publish") else [],
            "in_review": [
                p
                for p in selectors.publications_in_review()
                if policies.can_approve_publication(request.user, p)
            ],
        },
    )


def _highlighted(text: str) -> str:
    """The text with what the pipeline reads as contact details or personal data marked, so the
    editor sees what to change."""
    spans = sorted(
        (f.start, f.end)
        for f in assess(text, surface=Surface.LETTER).findings
        if f.label in (Label.CONTACT, Label.PERSONAL_DATA)
    )
    parts, at = [], 0
    for start, end in spans:
        if start < at:
            continue
        parts.append(escape(text[at:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    parts.append(escape(text[at:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


@never_cache
@staff_page("letters.publish")
def publication_edit(request, pk: int):
    found = _letter_or_404(request, pk)
    policies.require_can_make_publication(request.user, found)
    existing = selectors.publication_of(found)
    answer = selectors.delivered_answer(found)
    initial = {"question": found.body, "answer": answer.body if answer else ""}
    form = forms.PublicationForm(posted(request), instance=existing, initial=None if existing else initial)
    if request.method == "GET":
        services.note_staff_read(reader=request.user, letter=found)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        services.save_publication(editor=request.user, letter=found, submit=submit, **form.cleaned_data)
        messages.success(request, _("Sent for approval.") if submit else _("Saved."))
        return (
            redirect("letters:publications") if submit else redirect("letters:publication_edit", pk=found.pk)
        )
    # What the form shows: the text sent, else the saved version, else the letter and its answer.
    question, answer_text = form["question"].value() or "", form["answer"].value() or ""
    return render(
        request,
        "letters/publication_edit.html",
        {
            "letter": found,
            "form": form,
            "publication": existing,
            "marked_question": _highlighted(question),
            "marked_answer": _highlighted(answer_text),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@staff_page("letters.review")
def publication_review(request, pk: int):
    publication = selectors.publication_by_pk(pk)
    if publication is None or not policies.can_approve_publication(request.user, publication):
        raise Http404
    form = forms.PublicationReviewForm(posted(request))
    if request.method == "POST" and form.is_valid():
        approve = request.POST.get("action") == "approve"
        try:
            services.review_publication(
                reviewer=request.user,
                publication=publication,
                approve=approve,
                comment=form.cleaned_data["comment"],
            )
        except services.Refused as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("Published.") if approve else _("Sent back to the editor."))
            return redirect("letters:publications")
    return render(
        request,
        "letters/publication_review.html",
        {
            "publication": publication,
            "form": form,
            "marked_question": _highlighted(publication.question),
            "marked_answer": _highlighted(publication.answer),
        },
        status=400 if form.errors else 200,
    )


# --- Topics ------------------------------------------------------------------------------------------


@never_cache
@staff_page("letters.change_topic")
def topics(request, pk: int | None = None):
    editing = None
    if pk is not None:
        editing = selectors.topics().filter(pk=pk).first()
        if editing is None:
            raise Http404
    form = forms.TopicForm(posted(request), instance=editing)
    if request.method == "POST" and form.is_valid():
        services.save_topic(actor=request.user, topic=form.save(commit=False))
        messages.success(request, _("The topic is saved."))
        return redirect("letters:topics")
    return render(
        request,
        "letters/topics.html",
        {"topics": selectors.topics_with_counts(), "form": form, "editing": editing},
        status=400 if form.errors else 200,
    )


# --- Figures -------------------------------------------------------------------------------------------


@never_cache
@staff_page("letters.view_statistics")
def statistics(request):
    today = timezone.localdate(clock.now())
    default = {"since": today - timedelta(days=90), "until": today + timedelta(days=1)}
    form = forms.StatisticsForm(request.GET or None, initial=default)
    chosen = form.cleaned_data if form.is_valid() else default
    zone = timezone.get_current_timezone()
    figures = selectors.statistics(
        since=datetime.combine(chosen["since"], time.min, zone),
        until=datetime.combine(chosen["until"], time.min, zone),
        age_band_labels=forms.age_band_labels(),
    )
    most = max((row.received for row in figures.by_topic), default=0)
    return render(
        request,
        "letters/statistics.html",
        {"form": form, "figures": figures, "most": most, "service_days": selectors.service_level().days},
    )
