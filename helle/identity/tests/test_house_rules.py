import pytest
from django.urls import reverse

from helle.core.models import AuditEntry
from helle.identity.models import HouseRules, RulesAcceptance


def publish(admin_client, summary="Ny regel om billeder"):
    return admin_client.post(
        reverse("identity:staff_rules"),
        {
            "change_summary": summary,
            "body_da": "## Regler\n\n1. Vær venlig.\n2. Del ingen billeder.",
            "body_en": "## Rules\n\n1. Be kind.\n2. Share no pictures.",
        },
    )


@pytest.mark.django_db
def test_an_admin_publishes_a_new_version_and_members_must_accept_it(admin_client, client, member):
    from conftest import log_in

    assert publish(admin_client).status_code == 302
    rules = HouseRules.objects.order_by("-version").first()
    assert rules.version == 2
    assert AuditEntry.objects.filter(action="identity.house_rules_published").exists()

    log_in(client, member)
    response = client.get(reverse("identity:account"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("identity:rules_accept"))

    page = client.get(response.url)
    assert "Ny regel om billeder" in page.content.decode()
    refused = client.post(response.url, {})
    assert "accept" in refused.context["form"].errors

    accepted = client.post(reverse("identity:rules_accept") + "?next=/account/", {"accept": "on"})
    assert accepted.url == "/account/"
    member.refresh_from_db()
    assert member.accepted_rules_version == 2
    assert RulesAcceptance.objects.filter(member=member, version=2).exists()
    assert client.get(reverse("identity:account")).status_code == 200


@pytest.mark.django_db
def test_a_member_can_still_get_help_leave_and_use_their_rights_before_accepting(
    admin_client, client, member
):
    from conftest import log_in

    publish(admin_client)
    log_in(client, member)
    for page in ("core:help", "identity:rules", "identity:privacy", "identity:delete"):
        assert client.get(reverse(page)).status_code == 200, page
    assert client.post(reverse("identity:logout")).status_code == 302


@pytest.mark.django_db
def test_house_rules_are_shown_in_the_readers_language_and_sanitised(client, admin_client):
    admin_client.post(
        reverse("identity:staff_rules"),
        {
            "change_summary": "Test",
            "body_da": "Vær **venlig** <script>alert(1)</script> [link](javascript:alert(1))",
            "body_en": "Be **kind**",
        },
    )
    client.cookies["django_language"] = "da"
    danish = client.get(reverse("identity:rules")).content.decode()
    assert "<strong>venlig</strong>" in danish
    assert "<script>" not in danish
    assert 'href="javascript' not in danish
    client.cookies["django_language"] = "en"
    assert "<strong>kind</strong>" in client.get(reverse("identity:rules")).content.decode()


@pytest.mark.django_db
def test_publishing_without_danish_text_is_refused_and_keeps_the_english(admin_client):
    response = admin_client.post(
        reverse("identity:staff_rules"),
        {
            "change_summary": "Test",
            "body_da": "",
            "body_en": "Be kind, always.",
        },
    )
    assert "body_da" in response.context["form"].errors
    assert "Be kind, always." in response.content.decode()
    assert HouseRules.objects.count() == 1
