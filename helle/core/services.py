"""Writes that belong to no single feature: the audit log, the help lines, the opening hours."""

from django.db import transaction

from helle.core.models import AuditEntry, ClosedDay, HelpLine, HelpLineText, OpeningHours
from helle.core.roles import roles_of


class Refused(Exception):
    """What a member wrote cannot be taken as it is. `errors` maps a form field ("" for the form
    as a whole) to what to change; the view shows them beside the text, which is kept."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


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


# The two kinds of entry in the opening-hours page, by the name their audit actions use.
_SCHEDULE_NAMES = {OpeningHours: "opening_hours", ClosedDay: "closed_day"}


def add_to_schedule(*, actor, entry: OpeningHours | ClosedDay) -> OpeningHours | ClosedDay:
    """Add weekly opening hours or a closed day, audited."""
    with transaction.atomic():
        entry.save()
        record_audit(
            actor=actor,
            action=f"core.{_SCHEDULE_NAMES[type(entry)]}_added",
            target=entry,
            data={"entry": str(entry)},
        )
    return entry


def remove_from_schedule(*, actor, entry: OpeningHours | ClosedDay) -> None:
    with transaction.atomic():
        record_audit(
            actor=actor,
            action=f"core.{_SCHEDULE_NAMES[type(entry)]}_deleted",
            target=entry,
            data={"entry": str(entry)},
        )
        entry.delete()
