import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, add_totp_device, log_in
from helle.core.models import AuditEntry
from helle.core.roles import Role
from helle.identity.models import AgeBand

TWO_FACTOR = reverse("identity:two_factor")


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def counsellor(make_member):
    return make_member("Raadgiver Rita", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.SUPERVISOR, Role.EDITOR, Role.RESEARCHER, Role.ADMIN])
def test_staff_without_two_factor_cannot_open_staff_pages(client, make_member, role):
    person = make_member("Personale", role=role, age_band=AgeBand.OVER_25)
    log_in(client, person, second_factor=False)
    for page in ("core:staff", "core:staff_audit", "identity:staff_people"):
        response = client.get(reverse(page))
        assert response.status_code == 302
        assert response.url.startswith(TWO_FACTOR)


@pytest.mark.django_db
def test_a_peer_adviser_is_not_staff_and_needs_no_second_factor(client, make_member):
    peer = make_member("Peer Pia", role=Role.PEER_ADVISER)
    log_in(client, peer)
    assert client.get(reverse("identity:account")).status_code == 200
    assert client.get(reverse("core:staff")).status_code == 404


@pytest.mark.django_db
def test_staff_are_sent_to_two_factor_right_after_their_password(client, counsellor):
    response = client.post(reverse("identity:login"), {"nickname": "Raadgiver Rita", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(TWO_FACTOR)


@pytest.mark.django_db
def test_a_new_staff_member_sets_up_an_authenticator_then_reaches_staff_pages(client, counsellor):
    log_in(client, counsellor)
    client.cookies["django_language"] = "en"
    setup = client.get(TWO_FACTOR)
    assert setup.context["setting_up"] is True
    assert b"<svg" in setup.content
    device = TOTPDevice.objects.get(user=counsellor, confirmed=False)

    wrong = client.post(TWO_FACTOR, {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert "token" in wrong.context["form"].errors
    assert client.get(reverse("core:staff")).status_code == 302

    # After a wrong code django-otp makes the next try wait a little, and says so.
    device.refresh_from_db()
    too_soon = client.post(TWO_FACTOR, {"token": current_code(device)})
    assert "Wait" in too_soon.context["form"].errors["token"][0]
    device.refresh_from_db()
    device.throttle_reset()  # as if the short wait has passed

    ok = client.post(TWO_FACTOR, {"token": current_code(device)})
    assert ok.status_code == 302
    assert client.get(reverse("core:staff")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="identity.two_factor_enabled").exists()


@pytest.mark.django_db
def test_staff_with_an_authenticator_type_its_code_to_get_in(client, counsellor):
    device = add_totp_device(counsellor)
    log_in(client, counsellor)
    page = client.get(TWO_FACTOR)
    assert page.context["setting_up"] is False
    assert client.post(TWO_FACTOR, {"token": "12 34 5"}).context["form"].errors["token"]
    client.post(TWO_FACTOR, {"token": current_code(device)})
    assert client.get(reverse("core:staff")).status_code == 200


@pytest.mark.django_db
def test_staff_sessions_end_after_the_maximum_time(client, counsellor, clock, settings):
    device = add_totp_device(counsellor)
    client.post(reverse("identity:login"), {"nickname": "Raadgiver Rita", "password": PASSWORD})
    client.post(TWO_FACTOR, {"token": current_code(device)})
    assert client.get(reverse("core:staff")).status_code == 200

    clock.advance(seconds=settings.STAFF_SESSION_MAX_SECONDS + 1)
    response = client.get(reverse("core:staff"))
    assert response.status_code == 302
    assert response.url == f"{reverse('identity:login')}?expired=1"
    assert client.get(reverse("identity:account")).status_code == 302


@pytest.mark.django_db
def test_staff_sessions_expire_sooner_than_members_sessions(client, counsellor, member, settings):
    from django.test import Client

    log_in(client, counsellor, second_factor=True)
    client.get(reverse("core:staff"))
    assert client.session.get_expiry_age() == settings.STAFF_SESSION_IDLE_SECONDS

    member_client = Client()
    member_client.post(reverse("identity:login"), {"nickname": "Solsikke", "password": PASSWORD})
    member_client.get(reverse("identity:account"))
    assert member_client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert settings.STAFF_SESSION_IDLE_SECONDS < settings.SESSION_COOKIE_AGE


@pytest.mark.django_db
def test_an_admin_resets_a_lost_authenticator(admin_client, counsellor):
    from django.test import Client

    add_totp_device(counsellor)
    counsellor_client = Client()
    log_in(counsellor_client, counsellor, second_factor=True)
    assert counsellor_client.get(reverse("core:staff")).status_code == 200

    admin_client.post(
        reverse("identity:staff_person", args=[counsellor.pk]),
        {"action": "reset_2fa", "reset-reason": "Mistet telefon"},
    )
    assert not TOTPDevice.objects.filter(user=counsellor).exists()
    # They are logged out everywhere, and set up a new authenticator at their next log-in.
    assert counsellor_client.get(reverse("identity:account")).status_code == 302
    entry = AuditEntry.objects.get(action="identity.two_factor_reset")
    assert entry.reason == "Mistet telefon"
