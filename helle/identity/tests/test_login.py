import pytest
from django.urls import reverse

from conftest import PASSWORD, log_in
from helle.core.models import AuditEntry
from helle.identity import services
from helle.identity.models import Member

LOGIN = reverse("identity:login")
RESET = reverse("identity:recovery_reset")


@pytest.mark.django_db
def test_a_member_logs_in_and_out(client, member):
    response = client.post(LOGIN, {"nickname": "Solsikke", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("identity:account")).status_code == 200

    client.post(reverse("identity:logout"))
    account = client.get(reverse("identity:account"))
    assert account.status_code == 302
    assert account.url.startswith(LOGIN)


@pytest.mark.django_db
def test_logging_out_needs_a_post_so_a_link_cannot_log_someone_out(member_client):
    assert member_client.get(reverse("identity:logout")).status_code == 405


@pytest.mark.django_db
def test_a_wrong_password_says_so_without_telling_which_part_was_wrong(client, member):
    wrong_password = client.post(LOGIN, {"nickname": "Solsikke", "password": "forkert-forkert"})
    unknown_name = client.post(LOGIN, {"nickname": "Findesikke", "password": "forkert-forkert"})
    assert (
        wrong_password.context["form"].non_field_errors() == unknown_name.context["form"].non_field_errors()
    )
    assert 'value="Solsikke"' in wrong_password.content.decode()


@pytest.mark.django_db
def test_log_in_returns_to_the_page_asked_for_but_never_to_another_site(client, member):
    ok = client.post(f"{LOGIN}?next=/account/", {"nickname": "Solsikke", "password": PASSWORD})
    assert ok.url == "/account/"
    client.post(reverse("identity:logout"))
    evil = client.post(f"{LOGIN}?next=https://evil.example/", {"nickname": "Solsikke", "password": PASSWORD})
    assert evil.url == "/"


@pytest.mark.django_db
def test_log_in_is_throttled_per_account_with_a_clear_message(client, member, clock, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    client.cookies["django_language"] = "en"
    for _ in range(3):
        client.post(LOGIN, {"nickname": "Solsikke", "password": "forkert-forkert"})

    blocked = client.post(LOGIN, {"nickname": "Solsikke", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    message = " ".join(blocked.context["form"].non_field_errors())
    assert "minute" in message

    clock.advance(minutes=16)
    allowed = client.post(LOGIN, {"nickname": "Solsikke", "password": PASSWORD})
    assert allowed.status_code == 302


@pytest.mark.django_db
def test_log_in_is_throttled_per_address_across_accounts(client, make_member, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    settings.LOGIN_FAILURES_PER_ACCOUNT = 100
    make_member("Regnbue")
    for name in ("Alfa", "Bravo", "Charlie", "Delta"):
        client.post(LOGIN, {"nickname": name, "password": "forkert-forkert"})
    blocked = client.post(LOGIN, {"nickname": "Regnbue", "password": PASSWORD})
    assert blocked.status_code == 200
    assert "_auth_user_id" not in client.session

    other_address = client.post(LOGIN, {"nickname": "Regnbue", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7")
    assert other_address.status_code == 302


@pytest.mark.django_db
def test_no_ip_address_is_stored_anywhere_when_a_member_logs_in(client, member):
    client.post(LOGIN, {"nickname": "Solsikke", "password": "forkert-forkert"}, REMOTE_ADDR="203.0.113.77")
    client.post(LOGIN, {"nickname": "Solsikke", "password": PASSWORD}, REMOTE_ADDR="203.0.113.77")
    from django.apps import apps
    from django.db import connection

    for model in apps.get_models():
        for row in model.objects.all().values():
            assert "203.0.113.77" not in str(row), f"{model.__name__} stores the address"
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_data FROM django_session")
        from django.contrib.sessions.backends.db import SessionStore

        for (data,) in cursor.fetchall():
            assert "203.0.113.77" not in str(SessionStore().decode(data))


@pytest.mark.django_db
def test_a_member_sets_a_new_password_with_a_recovery_code(client):
    member, codes = services.sign_up(
        nickname="Glemsom", password=PASSWORD, age_band="13-15", language="da", rules_version=1
    )
    response = client.post(
        RESET,
        {
            "nickname": "glemsom",
            "code": codes[3].upper().replace("-", " "),
            "new_password1": "et-helt-nyt-kodeord",
            "new_password2": "et-helt-nyt-kodeord",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("et-helt-nyt-kodeord")
    assert member.recovery_codes.filter(used_at__isnull=True).count() == 9
    assert AuditEntry.objects.filter(action="identity.password_reset_with_recovery_code").count() == 1


@pytest.mark.django_db
def test_a_recovery_code_works_only_once(client):
    member, codes = services.sign_up(
        nickname="Glemsom", password=PASSWORD, age_band="13-15", language="da", rules_version=1
    )
    data = {
        "nickname": "Glemsom",
        "code": codes[0],
        "new_password1": "et-helt-nyt-kodeord",
        "new_password2": "et-helt-nyt-kodeord",
    }
    assert client.post(RESET, data).status_code == 302
    client.post(reverse("identity:logout"))
    data.update(new_password1="endnu-et-nyt-kodeord", new_password2="endnu-et-nyt-kodeord")
    second = client.post(RESET, data)
    assert second.status_code == 200
    assert "code" in second.context["form"].errors
    member.refresh_from_db()
    assert member.check_password("et-helt-nyt-kodeord")


@pytest.mark.django_db
def test_a_wrong_recovery_code_changes_nothing_and_counts_as_a_failed_try(client, member, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    data = {
        "nickname": "Solsikke",
        "code": "aaaa-bbbb-cccc",
        "new_password1": "et-helt-nyt-kodeord",
        "new_password2": "et-helt-nyt-kodeord",
    }
    for _ in range(2):
        assert "code" in client.post(RESET, data).context["form"].errors
    blocked = client.post(RESET, data)
    assert blocked.context["form"].non_field_errors()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_reset_logs_out_the_other_sessions(client, django_user_model):
    from django.test import Client

    member, codes = services.sign_up(
        nickname="Glemsom", password=PASSWORD, age_band="13-15", language="da", rules_version=1
    )
    other_device = Client()
    log_in(other_device, member)
    assert other_device.get(reverse("identity:account")).status_code == 200
    client.post(
        RESET,
        {
            "nickname": "Glemsom",
            "code": codes[1],
            "new_password1": "et-helt-nyt-kodeord",
            "new_password2": "et-helt-nyt-kodeord",
        },
    )
    assert other_device.get(reverse("identity:account")).status_code == 302


@pytest.mark.django_db
def test_regenerating_recovery_codes_needs_the_password_and_replaces_the_old_ones(member_client, member):
    old_hashes = set(member.recovery_codes.values_list("code_hash", flat=True))
    url = reverse("identity:recovery_codes_regenerate")
    wrong = member_client.post(url, {"password": "ikke-mit-kodeord"})
    assert "password" in wrong.context["form"].errors
    assert set(member.recovery_codes.values_list("code_hash", flat=True)) == old_hashes

    member_client.post(url, {"password": PASSWORD})
    new_codes = member_client.get(reverse("identity:recovery_codes_new")).context["codes"]
    assert len(new_codes) == 10
    assert set(member.recovery_codes.values_list("code_hash", flat=True)).isdisjoint(old_hashes)


@pytest.mark.django_db
def test_log_out_everywhere_ends_every_session(client, member):
    from django.test import Client

    phone, laptop = Client(), Client()
    log_in(phone, member)
    log_in(laptop, member)
    phone.post(reverse("identity:logout_everywhere"))
    assert laptop.get(reverse("identity:account")).status_code == 302
    assert Member.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db
def test_changing_the_password_keeps_this_session_but_checks_the_old_one(member_client, member):
    url = reverse("identity:change_password")
    wrong = member_client.post(
        url,
        {"password": "forkert", "new_password1": "nyt-langt-kodeord", "new_password2": "nyt-langt-kodeord"},
    )
    assert "password" in wrong.context["form"].errors
    ok = member_client.post(
        url,
        {"password": PASSWORD, "new_password1": "nyt-langt-kodeord", "new_password2": "nyt-langt-kodeord"},
    )
    assert ok.status_code == 302
    assert member_client.get(reverse("identity:account")).status_code == 200
    member.refresh_from_db()
    assert member.check_password("nyt-langt-kodeord")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "nickname, password",
    [("x" * 500, "noget"), ("Sol\x00sikke", PASSWORD), ("", ""), ("Solsikke", "p" * 500)],
)
def test_bad_log_in_input_gets_a_message_and_no_crash(client, member, nickname, password):
    client.cookies["django_language"] = "en"
    response = client.post(LOGIN, {"nickname": nickname, "password": password})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    assert "_auth_user_id" not in client.session
