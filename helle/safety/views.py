from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from helle.core.http import posted
from helle.core.policies import staff_page
from helle.identity.selectors import current_house_rules, house_rules_html
from helle.safety import pipeline, policies, reviewables, selectors, services
from helle.safety.forms import (
    AppealDecisionForm,
    AppealForm,
    DecideForm,
    PolicyRuleForm,
    ReportForm,
    SanctionForm,
    TryItForm,
    WatchedWordForm,
)
from helle.safety.policy import ACTION_LABELS, DEFAULT_RULES, Surface

# --- Members: reporting, their statements of reasons and appeals ------------------------------


@never_cache
@login_required
def report(request, target_type: str, target_id: str):
    try:
        reviewables.for_type(target_type)
    except KeyError as exc:
        raise Http404 from exc
    target = reviewables.load(target_type, target_id)
    if target is None or target == request.user:
        raise Http404
    if not reviewables.may_report(request.user, target_type, target):
        raise Http404  # private content: nobody learns it exists, nor reads it here
    form = ReportForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.report(reporter=request.user, target=target, **form.cleaned_data)
        return render(request, "safety/reported.html")
    return render(
        request,
        "safety/report.html",
        {"form": form, "excerpt": reviewables.for_type(target_type).excerpt(target)},
    )


@never_cache
@login_required
def my_decisions(request):
    return render(request, "safety/my_decisions.html", {"statements": selectors.statements_for(request.user)})


@never_cache
@login_required
def statement(request, pk: int):
    found = get_object_or_404(selectors.statements_for(request.user), pk=pk)
    appealed = hasattr(found, "appeal")
    form = AppealForm(posted(request)) if not appealed else None
    if request.method == "POST" and form is not None and form.is_valid():
        services.appeal(member=request.user, statement=found, text=form.cleaned_data["text"])
        messages.success(request, _("Your appeal is sent. Another moderator will look at it."))
        return redirect("safety:statement", pk=pk)
    return render(request, "safety/statement.html", {"statement": found, "form": form})


# --- The review queue (staff, and peer advisers for the low-risk part) --------------------------


def _queue_gate(request):
    if not policies.can_see_queue(request.user):
        raise Http404


@never_cache
def queue(request):
    _queue_gate(request)
    return render(request, "safety/queue.html", {"items": services.review_queue(request.user)})


@never_cache
def review(request, pk: int):
    _queue_gate(request)
    item = get_object_or_404(selectors.review_items(), pk=pk)
    policies.require_can_review(request.user, item)
    hideable = reviewables.can_be_hidden(item.target_type)
    decide_form = DecideForm(prefix="decide", hideable=hideable)
    sanction_form = SanctionForm(prefix="sanction")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "claim":
            try:
                services.claim(moderator=request.user, item=item)
            except services.ClaimedByAnother:
                messages.error(request, _("Another moderator is handling this right now."))
            return redirect("safety:review", pk=pk)
        if action == "decide":
            decide_form = DecideForm(request.POST, prefix="decide", hideable=hideable)
            if decide_form.is_valid():
                services.decide(moderator=request.user, item=item, **decide_form.cleaned_data)
                messages.success(request, _("Your decision is saved."))
                return redirect("safety:queue")
        if action == "sanction" and item.author is not None:
            sanction_form = SanctionForm(request.POST, prefix="sanction")
            if sanction_form.is_valid():
                services.sanction(
                    moderator=request.user, member=item.author, item=item, **sanction_form.cleaned_data
                )
                messages.success(request, _("The sanction is given, and the member has been told why."))
                return redirect("safety:review", pk=pk)
    return render(
        request,
        "safety/review.html",
        {
            "item": item,
            "decide_form": decide_form,
            "sanction_form": sanction_form,
            "can_sanction": policies.can_sanction(request.user)
            and item.author is not None
            and item.author != request.user,
            "rules_html": house_rules_html(current_house_rules()),
            "target_link": reviewables.link_to(item.target_type, item.target_id),
        },
    )


@staff_page("safety.give_sanctions")
def appeals(request):
    return render(request, "safety/appeals.html", {"appeals": selectors.open_appeals_for(request.user)})


@staff_page("safety.give_sanctions")
def appeal_decide(request, pk: int):
    appeal = get_object_or_404(selectors.appeals(), pk=pk)
    try:
        policies.require_can_decide_appeal(request.user, appeal)
    except PermissionDenied:
        return render(request, "safety/appeal_own.html", status=403)
    form = AppealDecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.decide_appeal(
            moderator=request.user, appeal=appeal, overturn=form.overturn, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The appeal is decided, and the member has been told."))
        return redirect("safety:appeals")
    return render(request, "safety/appeal_decide.html", {"appeal": appeal, "form": form})


# --- Watched words, the try-it box, and the policy -------------------------------------------


@staff_page("safety.view_watchedword")
def watched_words(request):
    can_edit = request.user.has_perm("safety.add_watchedword")
    form = WatchedWordForm(posted(request) if can_edit else None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            services.save_watched_word(actor=request.user, word=form.instance)
            messages.success(request, _("The watched word is saved. It is used from now on."))
            return redirect("safety:watched_words")
    try_form = TryItForm(request.GET or None)
    assessment = None
    if try_form.is_valid():
        data = try_form.cleaned_data
        sample_author = SimpleNamespace(trust_level=data["trust_level"])
        assessment = pipeline.assess(data["text"], surface=data["surface"], author=sample_author)
    return render(
        request,
        "safety/watched_words.html",
        {
            "words": selectors.watched_words(),
            "form": form,
            "can_edit": can_edit,
            "try_form": try_form,
            "assessment": assessment,
            "action_labels": ACTION_LABELS,
            "surface_labels": dict(Surface.choices),
        },
    )


@staff_page("safety.change_watchedword")
def watched_word_edit(request, pk: int):
    word = get_object_or_404(selectors.watched_words(), pk=pk)
    form = WatchedWordForm(posted(request), instance=word)
    if request.method == "POST":
        if request.POST.get("delete"):
            services.delete_watched_word(actor=request.user, word=word)
            messages.success(request, _("The watched word is removed."))
            return redirect("safety:watched_words")
        if form.is_valid():
            services.save_watched_word(actor=request.user, word=form.instance)
            messages.success(request, _("The watched word is saved. It is used from now on."))
            return redirect("safety:watched_words")
    return render(request, "safety/watched_word_form.html", {"form": form, "word": word})


@staff_page("safety.change_policyrule")
def policy(request):
    form = PolicyRuleForm(posted(request))
    if request.method == "POST":
        if pk := request.POST.get("reset"):
            rule = get_object_or_404(selectors.policy_overrides(), pk=pk)
            services.delete_policy_rule(actor=request.user, rule=rule)
            messages.success(request, _("The rule is back to the default."))
            return redirect("safety:policy")
        if form.is_valid():
            services.save_policy_rule(actor=request.user, rule=form.instance)
            messages.success(request, _("The rule is saved. It is used from now on."))
            return redirect("safety:policy")
    return render(
        request,
        "safety/policy.html",
        {
            "defaults": DEFAULT_RULES,
            "overrides": selectors.policy_overrides(),
            "form": form,
            "action_labels": ACTION_LABELS,
            "surface_labels": dict(Surface.choices),
        },
    )
