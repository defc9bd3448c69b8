"""Writes that belong to no single feature: the audit log, the help lines, the opening hours."""

from django.db import transaction

from helle.core.models import AuditEntry, ClosedDay, HelpLine, HelpLineText, OpeningHours
from helle.core.roles import roles_of


def _acting_role(actor) -> str:
    roles = roles_of(actor)
    # The most powerful role names the capacity in which someone acted.
    for role in ("admin", "supervisor", "counsellor", "editor", "researcher", "peer_adviser"):
        if role in roles:
            return role
    return "member" if roles else ""


def record_audit(
    *, actor, action: str, target=None, reason: str = "", data: dict | None = None
) -> AuditEntry:
    """Append one audit row. Call it inside the service's transaction."""
    target_type = target_id = ""
    if target is not None:
        target_type = f"{target._meta.app_label}.{target._meta.model_name}"
        target_id = str(target.pk)
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor_id=actor_id,
        actor_role=_acting_role(actor) if actor_id else "",
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        data=data or {},
    )


def save_help_line(*, actor, help_line: HelpLine, texts: dict[str, dict[str, str]]) -> HelpLine:
    """Create or change a help line and its texts per language, audited."""
    created = help_line.pk is None
    with transaction.atomic():
        help_line.save()
        for language, fields in texts.items():
            if not fields.get("description", "").strip():
                HelpLineText.objects.filter(help_line=help_line, language=language).delete()
                continue
            HelpLineText.objects.update_or_create(
                help_line=help_line,
                language=language,
                defaults={"description": fields["description"], "hours": fields.get("hours", "")},
            )
        record_audit(
            actor=actor,
            action="core.help_line_created" if created else "core.help_line_changed",
            target=help_line,
            data={"name": help_line.name, "country": help_line.country},
        )
    return help_line


def delete_help_line(*, actor, help_line: HelpLine) -> None:
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="core.help_line_deleted",
            target=help_line,
            data={"name": help_line.name, "country": help_line.country},
        )
        help_line.delete()


def add_opening_hours(*, actor, hours: OpeningHours) -> OpeningHours:
    with transaction.atomic():
        hours.save()
        record_audit(actor=actor, action="core.opening_hours_added", target=hours, data={"hours": str(hours)})
    return hours


def delete_opening_hours(*, actor, hours: OpeningHours) -> None:
    with transaction.atomic():
        record_audit(
            actor=actor, action="core.opening_hours_deleted", target=hours, data={"hours": str(hours)}
        )
        hours.delete()


def add_closed_day(*, actor, day: ClosedDay) -> ClosedDay:
    with transaction.atomic():
        day.save()
        record_audit(actor=actor, action="core.closed_day_added", target=day, data={"day": str(day)})
    return day


def delete_closed_day(*, actor, day: ClosedDay) -> None:
    with transaction.atomic():
        record_audit(actor=actor, action="core.closed_day_deleted", target=day, data={"day": str(day)})
        day.delete()
