import pytest
from django.urls import reverse

from helle.identity.models import Member


@pytest.mark.django_db
def test_pages_carry_strict_security_headers(client):
    response = client.get(reverse("core:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_no_page_loads_anything_from_another_site(client, member_client):
    for html in (
        client.get(reverse("core:home")).content.decode(),
        member_client.get(reverse("identity:account")).content.decode(),
    ):
        for attribute in ('src="http', "src='http", 'href="//', 'src="//'):
            assert attribute not in html
        assert 'rel="stylesheet" href="/static/' in html


@pytest.mark.django_db
def test_the_language_switcher_remembers_the_choice_on_the_account(member_client, member):
    response = member_client.post(reverse("identity:set_language"), {"language": "en", "next": "/account/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert Member.objects.get(pk=member.pk).language == "en"
    assert member_client.get(reverse("core:home"))["Content-Language"] == "en"


@pytest.mark.django_db
def test_the_members_language_follows_them_to_a_new_device(client, member):
    from conftest import PASSWORD

    Member.objects.filter(pk=member.pk).update(language="en")
    client.post(reverse("identity:login"), {"nickname": "Solsikke", "password": PASSWORD})
    assert client.get(reverse("identity:account"))["Content-Language"] == "en"


@pytest.mark.django_db
def test_an_anonymous_visitor_can_switch_language(client):
    client.post(reverse("identity:set_language"), {"language": "en", "next": "/"})
    assert client.get(reverse("core:home"))["Content-Language"] == "en"
    client.post(reverse("identity:set_language"), {"language": "da", "next": "/"})
    assert client.get(reverse("core:home"))["Content-Language"] == "da"


@pytest.mark.django_db
def test_a_member_changes_age_group_and_it_is_audited(member_client, member):
    from helle.core.models import AuditEntry

    response = member_client.post(reverse("identity:account"), {"age_band": "18-25", "language": "da"})
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).age_band == "18-25"
    assert AuditEntry.objects.filter(action="identity.age_group_changed").exists()


@pytest.mark.django_db
def test_an_unknown_age_group_is_refused(member_client, member):
    response = member_client.post(reverse("identity:account"), {"age_band": "under-13", "language": "da"})
    assert "age_band" in response.context["form"].errors
    assert Member.objects.get(pk=member.pk).age_band == "16-17"


@pytest.mark.django_db
def test_the_not_found_page_is_friendly_and_offers_help(client):
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    assert 'href="/help/"' in response.content.decode()
