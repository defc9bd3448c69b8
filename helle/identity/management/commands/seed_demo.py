import base64
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from helle.core import demo
from helle.core.roles import STAFF_ROLES, Role
from helle.identity import selectors, services
from helle.identity.models import AgeBand, Member, TrustLevel

DEMO_ACCOUNTS = [
    # nickname, role, age group
    ("Demo Admin", Role.ADMIN, AgeBand.OVER_25),
    ("Demo Medlem", Role.MEMBER, AgeBand.AGE_16_17),
    ("Demo Peer", Role.PEER_ADVISER, AgeBand.AGE_18_25),
    ("Demo Raadgiver", Role.COUNSELLOR, AgeBand.OVER_25),
    ("Demo Supervisor", Role.SUPERVISOR, AgeBand.OVER_25),
    ("Demo Redaktoer", Role.EDITOR, AgeBand.OVER_25),
    ("Demo Forsker", Role.RESEARCHER, AgeBand.OVER_25),
]


class Command(BaseCommand):
    help = "Create one demo account for each role and a little sample content (safe to run again)."

    def handle(self, *args, **options):
        rules_version = selectors.current_rules_version()
        admin = None
        logins = []
        by_role = {}
        with transaction.atomic():
            for nickname, role, age_band in DEMO_ACCOUNTS:
                password = secrets.token_urlsafe(9)
                member = selectors.member_by_nickname(nickname)
                if member is None:
                    member, _codes = services.sign_up(
                        nickname=nickname,
                        password=password,
                        age_band=age_band,
                        language=settings.LANGUAGE_CODE,
                        rules_version=rules_version,
                    )
                else:
                    member.set_password(password)
                    member.save(update_fields=["password"])
                if member.accepted_rules_version < rules_version:
                    services.accept_house_rules(member=member, version=rules_version)
                if role is not Role.MEMBER:
                    services.set_roles(actor=admin or member, member=member, roles={role}, reason="Demo data")
                if role is Role.ADMIN:
                    admin = member
                if role is Role.PEER_ADVISER:
                    Member.objects.filter(pk=member.pk).update(trust_level=TrustLevel.REGULAR)
                by_role[role] = member
                secret = self._demo_totp(member) if role in STAFF_ROLES else ""
                logins.append((nickname, role.label, password, secret))
            summaries = [seed(by_role) for seed in demo.SEEDERS]
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(logins)} accounts."))
        for summary in filter(None, summaries):
            self.stdout.write(f"  {summary}")
        if settings.DEBUG:
            self.stdout.write("Log-ins (shown because DEBUG is on):")
            for nickname, role, password, secret in logins:
                line = f"  {role:<14} {nickname:<17} password: {password}"
                if secret:
                    line += f"   two-factor key: {secret}"
                self.stdout.write(line)
            self.stdout.write(
                'Staff need a 6-digit code: `python manage.py demo_totp "Demo Admin"` prints it.'
            )

    def _demo_totp(self, member: Member) -> str:
        device = TOTPDevice.objects.filter(user=member, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=member, name="demo", confirmed=True)
        return base64.b32encode(device.bin_key).decode().rstrip("=")
