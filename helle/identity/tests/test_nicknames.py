import pytest
from django.urls import reverse

from helle.identity.models import Member, nickname_key
from helle.identity.nicknames import validate_nickname

from .test_signup import SIGNUP, signup_data

# Nicknames pass the safety pipeline, which reads watched words from the database.
pytestmark = pytest.mark.django_db


def refusal_code(nickname: str) -> str | None:
    from django.core.exceptions import ValidationError

    try:
        validate_nickname(nickname)
    except ValidationError as error:
        return error.code
    return None


@pytest.mark.parametrize(
    "first, second",
    [
        ("Anna", "anna"),
        ("Anna", "ANNA"),
        ("Anna", "Αnna"),  # Greek capital alpha
        ("Anna", "аnnа"),  # Cyrillic a
        ("Ida", "IDA"),
        ("Sol sikke", "solsikke"),
        ("kat_22", "kat.22"),
        ("Zoë", "Zoe"),
        ("Anna", "Ａｎｎａ"),  # full-width letters
        ("Anna", "An\u200bna"),  # zero-width space hidden inside
    ],
)
def test_look_alike_nicknames_share_one_key(first, second):
    assert nickname_key(first) == nickname_key(second)


@pytest.mark.parametrize("first, second", [("Anna", "Anne"), ("Måne", "Mane1"), ("Kat", "Kate")])
def test_different_nicknames_have_different_keys(first, second):
    assert nickname_key(first) != nickname_key(second)


@pytest.mark.django_db
@pytest.mark.parametrize("clash", ["solsikke", "SOLSIKKE", "Ѕolsikke", "Sol_sikke", "Sol sikke"])
def test_a_nickname_that_looks_like_a_taken_one_is_refused(client, member, clash):
    response = client.post(SIGNUP, signup_data(nickname=clash))
    assert response.context["form"].errors["nickname"]
    assert Member.objects.count() == 1


@pytest.mark.parametrize(
    "nickname, reason",
    [
        ("20304050", "phone"),
        ("anna 22 33 44 55", "phone"),
        ("mia123456", "phone"),
        ("mia@gmail.com", "email"),
        ("mia at gmail dot com", "email"),
        ("mia_hotmail", "email"),
        ("mia.dk", "email"),
        ("@mia.snap", "social"),
        ("annasnap", "social"),
        ("sc_anna", "social"),
        ("1nsta_mia", "social"),
        ("tiktok-mia", "social"),
        ("Anna Jensen", "full_name"),
        ("mads.nielsen", "full_name"),
        ("annajensen", "full_name"),
        ("Lotte Kristiansen", "full_name"),
    ],
)
def test_nicknames_that_give_away_contact_details_or_a_real_name_are_refused(nickname, reason):
    assert refusal_code(nickname) == reason


@pytest.mark.parametrize(
    "nickname",
    ["Solsikke", "Glad kat", "Stjernestøv", "kat_22", "Anna", "Ninja 2009", "Twinkle", "Månestråle"],
)
def test_ordinary_nicknames_are_accepted(nickname):
    assert refusal_code(nickname) is None


@pytest.mark.parametrize(
    "nickname, reason",
    [
        ("ab", "too_short"),
        ("   ", "too_short"),
        ("x" * 25, "too_long"),
        ("ab\x07cd", "control_characters"),
        ("ab\u202ecd", "control_characters"),  # right-to-left override
        ("Αnna", "mixed_script"),  # Greek alpha among Latin letters
        ("💙💙💙", "characters"),
        ("1234", "no_letters"),
        ("<script>", "characters"),
    ],
)
def test_bad_nicknames_get_a_specific_reason(nickname, reason):
    assert refusal_code(nickname) == reason


@pytest.mark.django_db
def test_an_overlong_nickname_is_refused_with_its_length_and_kept_in_the_form(client):
    long_name = "Solsikkemarkensdronning2009"
    response = client.post(SIGNUP, signup_data(nickname=long_name))
    message = response.context["form"].errors["nickname"][0]
    assert "24" in message and str(len(long_name)) in message
    assert f'value="{long_name}"' in response.content.decode()


@pytest.mark.django_db
def test_the_nickname_message_is_translated(client):
    client.cookies["django_language"] = "da"
    danish = client.post(SIGNUP, signup_data(nickname="mia@gmail.com")).context["form"].errors["nickname"][0]
    client.cookies["django_language"] = "en"
    english = client.post(SIGNUP, signup_data(nickname="mia@gmail.com")).context["form"].errors["nickname"][0]
    assert "e-mail" in english
    assert danish != english


@pytest.mark.django_db
def test_log_in_works_with_any_spelling_of_the_nickname(client, member):
    from conftest import PASSWORD

    response = client.post(reverse("identity:login"), {"nickname": "SOLSIKKE", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
