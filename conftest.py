"""Fixtures every test can use: a fake clock, members of every role, logged-in clients."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from helle.core import clock as helle_clock
from helle.core.roles import Role
from helle.identity import services
from helle.identity.models import AgeBand, Member

PASSWORD = "en-lang-hemmelig-sætning"


class FakeClock:
    def __init__(self, start: datetime):
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs) -> None:
        self.current += timedelta(**kwargs)


@pytest.fixture
def clock():
    fake = FakeClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    helle_clock.use(fake)
    yield fake
    helle_clock.use(None)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache; every test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_member(db):
    counter = iter(range(1, 10_000))

    def make(
        nickname: str | None = None,
        *,
        role: Role = Role.MEMBER,
        age_band: str = AgeBand.AGE_16_17,
        password: str = PASSWORD,
    ) -> Member:
        member, _codes = services.sign_up(
            nickname=nickname or f"Stjerne{next(counter)}",
            password=password,
            age_band=age_band,
            language="da",
            rules_version=1,
        )
        if role is not Role.MEMBER:
            services.set_roles(actor=member, member=member, roles={role}, reason="test")
        return member

    return make


@pytest.fixture
def member(make_member) -> Member:
    return make_member("Solsikke")


def add_totp_device(member: Member) -> TOTPDevice:
    return TOTPDevice.objects.create(user=member, name="test", confirmed=True)


def log_in(client, member: Member, *, second_factor: bool = False) -> None:
    client.force_login(member, backend="helle.identity.backends.NicknameBackend")
    if second_factor:
        device = TOTPDevice.objects.filter(user=member, confirmed=True).first() or add_totp_device(member)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def member_client(client, member):
    log_in(client, member)
    return client


@pytest.fixture
def admin_member(make_member) -> Member:
    return make_member("Admin Anker", role=Role.ADMIN, age_band=AgeBand.OVER_25)


@pytest.fixture
def admin_client(client, admin_member):
    log_in(client, admin_member, second_factor=True)
    return client


@pytest.fixture
def supervisor_member(make_member) -> Member:
    return make_member("Supervisor Sus", role=Role.SUPERVISOR, age_band=AgeBand.OVER_25)
