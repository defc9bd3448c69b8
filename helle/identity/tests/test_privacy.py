import json

import pytest
from django.urls import reverse

from conftest import PASSWORD
from helle.core.models import AuditEntry
from helle.identity import gdpr, services
from helle.identity.models import Member, RecoveryCode, RulesAcceptance


@pytest.mark.django_db
def test_a_member_downloads_everything_held_about_them_as_json(member_client, member):
    response = member_client.post(reverse("identity:export"))

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    account = data["account"]
    assert account["nickname"] == "Solsikke"
    assert account["age_group"] == "16-17"
    assert account["house_rules_accepted"][0]["version"] == 1
    assert account["recovery_codes"]["unused"] == 10
    assert 'password"' not in json.dumps(data)
    assert [h["action"] for h in account["history"]][:1] == ["identity.signed_up"]
    assert AuditEntry.objects.filter(action="identity.data_exported", target_id=str(member.pk)).exists()


@pytest.mark.django_db
def test_the_export_is_only_sent_by_post(member_client):
    assert member_client.get(reverse("identity:export")).status_code == 405


@pytest.mark.django_db
def test_every_registered_section_is_in_the_export(member_client):
    gdpr.register(gdpr.DataSection("test-notes", lambda m: {"notes": [f"note by {m.pk}"]}, lambda m, k: None))
    try:
        data = json.loads(member_client.post(reverse("identity:export")).content)
    finally:
        gdpr._sections.pop("test-notes")
    assert data["test-notes"]["notes"][0].startswith("note by")


@pytest.mark.django_db
def test_deleting_the_account_erases_the_personal_data(member_client, member):
    member_id = member.pk
    response = member_client.post(
        reverse("identity:delete"), {"password": PASSWORD, "public_posts": "remove"}
    )

    assert response.status_code == 200
    assert not Member.objects.filter(pk=member_id).exists()
    assert not RecoveryCode.objects.filter(member_id=member_id).exists()
    assert not RulesAcceptance.objects.filter(member_id=member_id).exists()
    entry = AuditEntry.objects.get(action="identity.account_erased")
    assert entry.data == {"member_id": member_id, "kept_public_contributions": False}
    # Nothing left in the audit log names the member.
    for row in AuditEntry.objects.values():
        assert "Solsikke" not in str(row)
    assert member_client.get(reverse("identity:account")).status_code == 302


@pytest.mark.django_db
def test_the_member_chooses_whether_public_words_stay(member, make_member):
    calls = []
    gdpr.register(gdpr.DataSection("test-posts", lambda m: {}, lambda m, keep: calls.append(keep)))
    try:
        services.erase_member(member=member, keep_public=True)
        services.erase_member(member=make_member("Anden"), keep_public=False)
    finally:
        gdpr._sections.pop("test-posts")
    assert calls == [True, False]


@pytest.mark.django_db
def test_deleting_needs_the_password_and_keeps_the_account_otherwise(member_client, member):
    response = member_client.post(reverse("identity:delete"), {"password": "forkert", "public_posts": "keep"})
    assert "password" in response.context["form"].errors
    assert Member.objects.filter(pk=member.pk).exists()
    # The choice the member made is still selected.
    assert (
        'value="keep" id="id_public_posts_1" checked' in response.content.decode()
        or response.context["form"]["public_posts"].value() == "keep"
    )
