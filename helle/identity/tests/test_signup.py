import pytest
from django.urls import reverse

from helle.core.models import AuditEntry
from helle.identity.models import Member, RecoveryCode

SIGNUP = reverse("identity:signup")


def signup_data(**overrides):
    data = {
        "nickname": "Måneskin",
        "new_password1": "grønne-bølger-om-natten",
        "new_password2": "grønne-bølger-om-natten",
        "age_band": "16-17",
        "accept_rules": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_young_person_joins_with_only_a_nickname_and_a_password(client):
    response = client.post(SIGNUP, signup_data())

    assert response.status_code == 302
    assert response.url == reverse("identity:recovery_codes_new")
    member = Member.objects.get()
    assert member.nickname == "Måneskin"
    assert member.age_band == "16-17"
    assert member.accepted_rules_version == 1
    assert member.check_password("grønne-bølger-om-natten")
    assert member.password.startswith("md5$") or member.password.startswith("argon2")
    assert not hasattr(member, "email")
    assert RecoveryCode.objects.filter(member=member).count() == 10
    assert AuditEntry.objects.filter(action="identity.signed_up", target_id=str(member.pk)).exists()


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2_outside_the_tests(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    member = Member.objects.create_user("Fjer", "noget-langt-og-hemmeligt", age_band="18-25")
    assert member.password.startswith("argon2$argon2id$")


@pytest.mark.django_db
def test_the_new_member_sees_ten_recovery_codes_once(client):
    client.post(SIGNUP, signup_data())
    page = client.get(reverse("identity:recovery_codes_new"))
    codes = page.context["codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    for code in codes:
        assert code.encode() in page.content

    client.post(reverse("identity:recovery_codes_new"))
    again = client.get(reverse("identity:recovery_codes_new"))
    assert again.status_code == 302  # they are never shown again


@pytest.mark.django_db
def test_the_recovery_codes_can_be_downloaded_as_text(client):
    client.post(SIGNUP, signup_data())
    codes = client.get(reverse("identity:recovery_codes_new")).context["codes"]
    download = client.get(reverse("identity:recovery_codes_download"))
    assert download["Content-Type"].startswith("text/plain")
    assert "attachment" in download["Content-Disposition"]
    assert all(code in download.content.decode() for code in codes)


@pytest.mark.django_db
def test_a_child_under_13_is_refused_kindly_and_nothing_is_stored(client):
    response = client.post(SIGNUP, signup_data(age_band="under-13"))

    assert response.status_code == 200
    assert "identity/under_13.html" in [t.name for t in response.templates]
    assert b"116 111" in response.content
    assert Member.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_joining_requires_accepting_the_house_rules_and_keeps_what_was_typed(client):
    response = client.post(SIGNUP, signup_data(accept_rules=""))

    assert response.status_code == 200
    assert Member.objects.count() == 0
    form = response.context["form"]
    assert "accept_rules" in form.errors
    assert 'value="Måneskin"' in response.content.decode()
    # Passwords are never sent back to the browser.
    assert "grønne-bølger-om-natten" not in response.content.decode()


@pytest.mark.django_db
def test_the_two_passwords_must_match(client):
    response = client.post(SIGNUP, signup_data(new_password2="noget-helt-andet-123"))
    assert "new_password2" in response.context["form"].errors
    assert Member.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["kort", "12345678901", "password123"])
def test_weak_passwords_are_refused(client, password):
    response = client.post(SIGNUP, signup_data(new_password1=password, new_password2=password))
    assert "new_password2" in response.context["form"].errors
    assert Member.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_age_group_gets_a_clear_message(client):
    response = client.post(SIGNUP, signup_data(age_band=""))
    assert "age_band" in response.context["form"].errors
    assert 'value="Måneskin"' in response.content.decode()


@pytest.mark.django_db
def test_an_empty_form_names_every_missing_field(client):
    response = client.post(SIGNUP, {})
    errors = response.context["form"].errors
    assert set(errors) >= {"nickname", "new_password1", "new_password2", "age_band", "accept_rules"}
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.django_db
def test_the_live_nickname_check_says_whether_a_name_is_free(client, member):
    taken = client.get(reverse("identity:nickname_check"), {"nickname": "SOLSIKKE"})
    assert b"errorlist" in taken.content
    free = client.get(reverse("identity:nickname_check"), {"nickname": "Regnbue"})
    assert b"errorlist" not in free.content
    assert "✓".encode() in free.content
