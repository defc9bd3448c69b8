import asyncio
import uuid
from datetime import date

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from helle.core import selectors, services
from helle.core.forms import AuditFilterForm, ClosedDayForm, HelpLineForm, OpeningHoursForm
from helle.core.http import posted
from helle.core.policies import staff_page
from helle.core.roles import roles_of


def home(request):
    return render(request, "core/home.html")


def help_page(request):
    groups = selectors.help_lines_by_country(get_language() or "da", settings.HELP_COUNTRY)
    return render(request, "core/help.html", {"groups": groups})


def privacy(request):
    return render(request, "core/privacy.html")


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _check_channel_layer() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz", "token": token})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    if message.get("token") != token:
        raise RuntimeError("channel layer returned another message")


@never_cache
async def healthz(request):
    checks = {}
    for name, check in (
        ("database", sync_to_async(_check_database)),
        ("channel_layer", _check_channel_layer),
    ):
        try:
            await check()
            checks[name] = "ok"
        except Exception as exc:  # a health check reports every failure, whatever it is
            checks[name] = f"error: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


# --- Staff ---------------------------------------------------------------------------


@staff_page()
def staff_home(request):
    return render(request, "staff/home.html", {"roles": sorted(roles_of(request.user))})


@staff_page("core.change_helpline")
def help_lines(request):
    return render(request, "staff/help_lines.html", {"lines": selectors.all_help_lines()})


@staff_page("core.change_helpline")
def help_line_edit(request, pk: int | None = None):
    line = get_object_or_404(selectors.all_help_lines(), pk=pk) if pk else None
    form = HelpLineForm(posted(request), instance=line)
    if request.method == "POST" and form.is_valid():
        services.save_help_line(actor=request.user, help_line=form.instance, texts=form.texts())
        messages.success(request, _("The help line is saved."))
        return redirect("core:staff_help_lines")
    return render(request, "staff/help_line_form.html", {"form": form, "line": line})


@staff_page("core.change_helpline")
def help_line_delete(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    line = get_object_or_404(selectors.all_help_lines(), pk=pk)
    services.delete_help_line(actor=request.user, help_line=line)
    messages.success(request, _("The help line is removed."))
    return redirect("core:staff_help_lines")


@staff_page("core.change_openinghours")
def opening_hours(request):
    """The week's opening hours and the closed days, each added or removed on this page."""
    hours_form = OpeningHoursForm(
        request.POST if request.POST.get("add") == "hours" else None, prefix="hours"
    )
    day_form = ClosedDayForm(request.POST if request.POST.get("add") == "day" else None, prefix="day")
    if request.method == "POST":
        if hours_form.is_bound and hours_form.is_valid():
            services.add_to_schedule(actor=request.user, entry=hours_form.instance)
            messages.success(request, _("The opening hours are added."))
            return redirect("core:staff_opening_hours")
        if day_form.is_bound and day_form.is_valid():
            services.add_to_schedule(actor=request.user, entry=day_form.instance)
            messages.success(request, _("The closed day is added."))
            return redirect("core:staff_opening_hours")
    context = {
        "hours": selectors.opening_hours(),
        "closed_days": selectors.closed_days_from(timezone.localdate()),
        "hours_form": hours_form,
        "day_form": day_form,
    }
    return render(
        request, "staff/opening_hours.html", context, status=400 if request.method == "POST" else 200
    )


@staff_page("core.change_openinghours")
def opening_hours_delete(request, kind: str, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if kind not in ("hours", "day"):
        raise Http404
    entries = selectors.opening_hours() if kind == "hours" else selectors.closed_days_from(date.min)
    services.remove_from_schedule(actor=request.user, entry=get_object_or_404(entries, pk=pk))
    messages.success(request, _("It is removed."))
    return redirect("core:staff_opening_hours")


@staff_page("core.read_audit_log")
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    entries = selectors.audit_entries(selectors.AuditFilter())
    if form.is_valid():
        data = form.cleaned_data
        entries = selectors.audit_entries(
            selectors.AuditFilter(
                action=data["action"],
                actor_id=data["actor"],
                target=data["target"],
                since=data["since"],
                until=data["until"],
            )
        )
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode(), "actions": selectors.audit_action_names()},
    )


# --- Errors ----------------------------------------------------------------------------


def forbidden(request, exception=None):
    return render(request, "core/error.html", {"status": 403}, status=403)


def not_found(request, exception=None):
    return render(request, "core/error.html", {"status": 404}, status=404)


def server_error(request):
    return render(request, "core/error.html", {"status": 500}, status=500)
