"""Every write about members and staff. One function per use case, each in one transaction."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from helle.core import clock
from helle.core.events import send_to_member_on_commit
from helle.core.roles import ASSIGNABLE_ROLES, Role, is_staff
from helle.core.services import record_audit
from helle.identity import gdpr, recovery, selectors
from helle.identity.models import (
    HouseRules,
    HouseRulesText,
    Member,
    RecoveryCode,
    RulesAcceptance,
    TrustSettings,
    new_security_stamp,
    nickname_key,
)


class RecoveryFailed(Exception):
    """The nickname and recovery code do not match an unused code."""


# --- Signing up and recovery codes ---------------------------------------------------------


def sign_up(
    *, nickname: str, password: str, age_band: str, language: str, rules_version: int
) -> tuple[Member, list[str]]:
    """Create a member who accepted the current house rules; returns their recovery codes."""
    with transaction.atomic():
        member = Member.objects.create_user(
            nickname,
            password,
            age_band=age_band,
            language=language,
            accepted_rules_version=rules_version,
        )
        if rules_version:
            RulesAcceptance.objects.create(member=member, version=rules_version)
        codes = _replace_recovery_codes(member)
        record_audit(
            actor=member,
            action="identity.signed_up",
            target=member,
            data={"age_group": age_band, "rules_version": rules_version},
        )
    return member, codes


def _replace_recovery_codes(member: Member) -> list[str]:
    codes = [recovery.new_code() for _ in range(recovery.CODE_COUNT)]
    member.recovery_codes.all().delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(member=member, code_hash=recovery.hash_code(code)) for code in codes
    )
    return codes


def regenerate_recovery_codes(*, member: Member) -> list[str]:
    with transaction.atomic():
        codes = _replace_recovery_codes(member)
        record_audit(actor=member, action="identity.recovery_codes_regenerated", target=member)
    return codes


def reset_password_with_recovery_code(*, nickname: str, code: str, new_password: str) -> Member:
    """Use one recovery code to set a new password. Other sessions are logged out."""
    with transaction.atomic():
        member = (
            Member.objects.select_for_update()
            .filter(nickname_key=nickname_key(nickname), is_active=True)
            .first()
        )
        if member is None:
            recovery.hash_code(code)  # take as long as a real check
            raise RecoveryFailed
        unused = member.recovery_codes.filter(used_at__isnull=True)
        match = next((c for c in unused if recovery.matches(code, c.code_hash)), None)
        if match is None:
            raise RecoveryFailed
        match.used_at = clock.now()
        match.save(update_fields=["used_at"])
        member.set_password(new_password)
        member.security_stamp = new_security_stamp()
        member.save(update_fields=["password", "security_stamp"])
        record_audit(actor=member, action="identity.password_reset_with_recovery_code", target=member)
        send_to_member_on_commit(member.pk, {"type": "session.ended"})
    return member


def change_password(*, member: Member, new_password: str) -> None:
    with transaction.atomic():
        member.set_password(new_password)
        member.save(update_fields=["password"])
        record_audit(actor=member, action="identity.password_changed", target=member)


def log_out_everywhere(*, member: Member) -> None:
    """End every session of this member, on every device, and tell open pages."""
    with transaction.atomic():
        member.security_stamp = new_security_stamp()
        member.save(update_fields=["security_stamp"])
        record_audit(actor=member, action="identity.logged_out_everywhere", target=member)
        send_to_member_on_commit(member.pk, {"type": "session.ended"})


# --- Sessions, visits and trust ------------------------------------------------------------


def start_session(*, request, member: Member) -> None:
    """After log-in: staff get a short session; today's visit is counted."""
    if is_staff(member):
        request.session["staff_login_at"] = clock.now().timestamp()
        request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
    record_visit(member=member)


def record_visit(*, member: Member) -> None:
    """Count a day with a visit (once a day) and let the trust level follow."""
    today = clock.today()
    if member.last_visit_on == today:
        return
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(days_visited=F("days_visited") + 1, last_visit_on=today)
        member.refresh_from_db(fields=["days_visited", "last_visit_on"])
        refresh_trust_level(member=member)


def record_contribution(*, member: Member) -> None:
    """Later apps call this when a member posts, writes a letter or chats."""
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(contributions=F("contributions") + 1)
        member.refresh_from_db(fields=["contributions"])
        refresh_trust_level(member=member)


def earned_trust_level(member: Member, trust: TrustSettings) -> int:
    days = (clock.now() - member.date_joined).days
    earned = 0
    for level, min_days, min_visits, min_contributions in trust.thresholds():
        if (
            days >= min_days
            and member.days_visited >= min_visits
            and member.contributions >= min_contributions
        ):
            earned = level
        else:
            break
    return earned


def refresh_trust_level(*, member: Member) -> int:
    """Raise the trust level the member has earned. Levels are never lowered automatically."""
    if member.trust_level_locked:
        return member.trust_level
    earned = earned_trust_level(member, TrustSettings.current())
    if earned > member.trust_level:
        with transaction.atomic():
            previous = member.trust_level
            member.trust_level = earned
            member.save(update_fields=["trust_level"])
            record_audit(
                actor=None,
                action="identity.trust_level_earned",
                target=member,
                data={"from": previous, "to": earned},
            )
    return member.trust_level


def set_trust_level(*, actor: Member, member: Member, level: int, locked: bool, reason: str) -> None:
    with transaction.atomic():
        previous = member.trust_level
        member.trust_level, member.trust_level_locked = level, locked
        member.save(update_fields=["trust_level", "trust_level_locked"])
        record_audit(
            actor=actor,
            action="identity.trust_level_set",
            target=member,
            reason=reason,
            data={"from": previous, "to": level, "locked": locked},
        )


def update_trust_settings(*, actor: Member, values: dict[str, int]) -> TrustSettings:
    with transaction.atomic():
        trust = TrustSettings.current()
        before = {name: getattr(trust, name) for name in values}
        for name, value in values.items():
            setattr(trust, name, value)
        trust.save()
        record_audit(
            actor=actor,
            action="identity.trust_settings_changed",
            target=trust,
            data={"before": before, "after": values},
        )
    return trust


# --- Account settings ----------------------------------------------------------------------


def update_account(*, member: Member, age_band: str, language: str) -> None:
    with transaction.atomic():
        changed = {}
        if member.age_band != age_band:
            changed["age_group"] = {"from": member.age_band, "to": age_band}
        member.age_band, member.language = age_band, language
        member.save(update_fields=["age_band", "language"])
        if changed:
            record_audit(actor=member, action="identity.age_group_changed", target=member, data=changed)


def set_language(*, member: Member, language: str) -> None:
    Member.objects.filter(pk=member.pk).update(language=language)
    member.language = language


# --- House rules ---------------------------------------------------------------------------


def accept_house_rules(*, member: Member, version: int) -> None:
    with transaction.atomic():
        RulesAcceptance.objects.create(member=member, version=version)
        member.accepted_rules_version = version
        member.save(update_fields=["accepted_rules_version"])
        record_audit(
            actor=member, action="identity.house_rules_accepted", target=member, data={"version": version}
        )


def publish_house_rules(*, actor: Member, texts: dict[str, str], change_summary: str) -> HouseRules:
    """Publish a new version; every member is asked to accept it at their next visit."""
    with transaction.atomic():
        current = selectors.current_house_rules()
        rules = HouseRules.objects.create(
            version=(current.version + 1) if current else 1, change_summary=change_summary
        )
        HouseRulesText.objects.bulk_create(
            HouseRulesText(rules=rules, language=language, body=body)
            for language, body in texts.items()
            if body.strip()
        )
        record_audit(
            actor=actor,
            action="identity.house_rules_published",
            target=rules,
            reason=change_summary,
            data={"version": rules.version},
        )
    selectors.forget_current_rules_version()
    return rules


# --- Roles ----------------------------------------------------------------------------------


def set_roles(*, actor: Member, member: Member, roles: set[Role], reason: str) -> None:
    """Give a member exactly these roles."""
    with transaction.atomic():
        before = sorted(member.groups.filter(name__in=ASSIGNABLE_ROLES).values_list("name", flat=True))
        wanted = Group.objects.filter(name__in=[str(r) for r in roles])
        member.groups.remove(*member.groups.filter(name__in=ASSIGNABLE_ROLES))
        member.groups.add(*wanted)
        if hasattr(member, "_helle_roles"):
            del member._helle_roles
        record_audit(
            actor=actor,
            action="identity.roles_changed",
            target=member,
            reason=reason,
            data={"before": before, "after": sorted(str(r) for r in roles)},
        )


# --- Two-factor log-in for staff --------------------------------------------------------------


def pending_totp_device(*, member: Member) -> TOTPDevice:
    """The unconfirmed device a staff member is setting up (made on first call)."""
    device = TOTPDevice.objects.filter(user=member, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=member, name="helle", confirmed=False)


@dataclass(frozen=True)
class SecondFactorResult:
    ok: bool
    wait_seconds: int = 0


def _throttle_wait(devices) -> int:
    """Seconds until django-otp lets these devices check a code again (0: now).

    django-otp keeps its own time (timezone.now), so this does too.
    """
    waits = []
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            waits.append(max(1, int((info["locked_until"] - timezone.now()).total_seconds()) + 1))
    return min(waits) if waits and len(waits) == len(devices) else 0


def confirm_totp_device(*, request, member: Member, device: TOTPDevice, token: str) -> SecondFactorResult:
    if wait := _throttle_wait([device]):
        return SecondFactorResult(ok=False, wait_seconds=wait)
    if not device.verify_token(token):
        return SecondFactorResult(ok=False)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=member, confirmed=False).delete()
        record_audit(actor=member, action="identity.two_factor_enabled", target=member)
    otp_login(request, device)
    return SecondFactorResult(ok=True)


def verify_second_factor(*, request, member: Member, token: str) -> SecondFactorResult:
    devices = list(TOTPDevice.objects.filter(user=member, confirmed=True))
    if wait := _throttle_wait(devices):
        return SecondFactorResult(ok=False, wait_seconds=wait)
    for device in devices:
        if device.verify_token(token):
            otp_login(request, device)
            return SecondFactorResult(ok=True)
    return SecondFactorResult(ok=False)


def reset_two_factor(*, actor: Member, member: Member, reason: str) -> None:
    """An admin removes a staff member's authenticator (lost phone); they set up a new one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=member).delete()
        member.security_stamp = new_security_stamp()
        member.save(update_fields=["security_stamp"])
        record_audit(actor=actor, action="identity.two_factor_reset", target=member, reason=reason)


# --- Data protection ------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    filename: str
    data: dict


def export_member_data(*, member: Member) -> Export:
    with transaction.atomic():
        data = {
            "exported_at": clock.now().isoformat(),
            "site": settings.SITE_NAME,
            **{section.name: section.export(member) for section in gdpr.sections()},
        }
        record_audit(actor=member, action="identity.data_exported", target=member)
    return Export(filename=f"{settings.SITE_NAME}-data-{clock.today().isoformat()}.json", data=data)


def erase_member(*, member: Member, keep_public: bool) -> None:
    """Delete the account and everything personal; public words stay only if the member chose so."""
    member_id = member.pk
    with transaction.atomic():
        for section in gdpr.sections():
            section.erase(member, keep_public)
        record_audit(
            actor=None,
            action="identity.account_erased",
            data={"member_id": member_id, "kept_public_contributions": keep_public},
        )
        member.delete()
    send_to_member_on_commit(member_id, {"type": "session.ended"})


def staff_session_expired(session) -> bool:
    started = session.get("staff_login_at")
    return bool(started) and clock.now().timestamp() - started > settings.STAFF_SESSION_MAX_SECONDS
