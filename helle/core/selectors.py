from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from helle.core.models import AuditEntry, ClosedDay, HelpLine, HelpLineText, OpeningHours


@dataclass(frozen=True)
class HelpLineView:
    line: HelpLine
    description: str
    hours: str


def help_lines_by_country(language: str, first_country: str) -> list[tuple[str, list[HelpLineView]]]:
    """Active help lines grouped by country, the site's own country first.

    Each line is described in the reader's language, or else in English, or else in
    whatever language it has, so a line is never hidden for want of a translation.
    """
    lines = HelpLine.objects.filter(is_active=True).prefetch_related(
        Prefetch("texts", queryset=HelpLineText.objects.all())
    )
    grouped: dict[str, list[HelpLineView]] = {}
    for line in lines:
        texts = {t.language: t for t in line.texts.all()}
        text = texts.get(language) or texts.get("en") or next(iter(texts.values()), None)
        grouped.setdefault(line.country, []).append(
            HelpLineView(line, text.description if text else "", text.hours if text else "")
        )
    order = sorted(grouped, key=lambda c: (c != first_country, c))
    return [(country, grouped[country]) for country in order]


def all_help_lines() -> QuerySet[HelpLine]:
    return HelpLine.objects.prefetch_related("texts")


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor_id: int | None = None
    target: str = ""
    since: date | None = None
    until: date | None = None


def audit_entries(f: AuditFilter) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if f.action:
        entries = entries.filter(action__startswith=f.action)
    if f.actor_id is not None:
        entries = entries.filter(actor_id=f.actor_id)
    if f.target:
        target_type, _, target_id = f.target.partition(":")
        entries = entries.filter(target_type=target_type)
        if target_id:
            entries = entries.filter(target_id=target_id)
    tz = timezone.get_current_timezone()
    if f.since:
        entries = entries.filter(created_at__gte=datetime.combine(f.since, time.min, tzinfo=tz))
    if f.until:
        entries = entries.filter(created_at__lte=datetime.combine(f.until, time.max, tzinfo=tz))
    return entries


def audit_history_of(target_type: str, pk: int) -> QuerySet[AuditEntry]:
    """What the audit log holds about one person: what they did and what was done to them."""
    return AuditEntry.objects.filter(Q(actor_id=pk) | Q(target_type=target_type, target_id=str(pk))).order_by(
        "created_at", "id"
    )


def audit_action_names() -> list[str]:
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())


def opening_hours() -> QuerySet[OpeningHours]:
    return OpeningHours.objects.all()


def closed_days_from(day: date) -> QuerySet[ClosedDay]:
    return ClosedDay.objects.filter(date__gte=day)
