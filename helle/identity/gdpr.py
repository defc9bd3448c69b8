"""Data-protection rights: every app says what it holds about a member.

Each app registers a section: a function that exports what it holds about a member
as plain JSON-able data, and one that erases it. When a member deletes their account,
`keep_public` says whether their public contributions stay, shown as "deleted member",
or are removed with everything else.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helle.core.selectors import audit_history_of


@dataclass(frozen=True)
class DataSection:
    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any, bool], None]


_sections: dict[str, DataSection] = {}


def register(section: DataSection) -> None:
    _sections[section.name] = section


def sections() -> list[DataSection]:
    return list(_sections.values())


def _export_account(member) -> dict:
    return {
        "nickname": member.nickname,
        "age_group": member.age_band,
        "language": member.language,
        "joined": member.date_joined.isoformat(),
        "last_login": member.last_login.isoformat() if member.last_login else None,
        "trust_level": member.trust_level,
        "days_visited": member.days_visited,
        "contributions": member.contributions,
        "roles": sorted(member.groups.values_list("name", flat=True)),
        "house_rules_accepted": [
            {"version": a.version, "accepted_at": a.accepted_at.isoformat()}
            for a in member.rules_acceptances.all()
        ],
        "recovery_codes": {
            "unused": member.recovery_codes.filter(used_at__isnull=True).count(),
            "used": [c.used_at.isoformat() for c in member.recovery_codes.exclude(used_at=None)],
        },
        "two_factor_devices": [
            {"name": d.name, "confirmed": d.confirmed} for d in member.totpdevice_set.all()
        ],
        "history": [
            {"when": e.created_at.isoformat(), "action": e.action, "reason": e.reason, "details": e.data}
            for e in audit_history_of("identity.member", member.pk)
        ],
    }


def _erase_account(member, keep_public: bool) -> None:
    # The member row itself is deleted last by the erase service; rows that point at it
    # (recovery codes, acceptances, devices, sessions) go with it or are removed here.
    member.recovery_codes.all().delete()
    member.rules_acceptances.all().delete()
    member.totpdevice_set.all().delete()


def register_identity_section() -> None:
    register(DataSection("account", _export_account, _erase_account))
