import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from helle.identity import selectors


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo staff account (only when DEBUG is on)."

    def add_arguments(self, parser):
        parser.add_argument("nickname")

    def handle(self, *args, nickname, **options):
        if not settings.DEBUG:
            raise CommandError("This only works on a development site (HELLE_DEBUG=1).")
        member = selectors.member_by_nickname(nickname)
        device = member and TOTPDevice.objects.filter(user=member, confirmed=True).first()
        if device is None:
            raise CommandError(f"{nickname!r} has no two-factor device.")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        left = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(f"{code:0{device.digits}d}  (valid for {left} more seconds)")
