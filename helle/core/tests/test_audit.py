import pytest
from django.db import transaction
from django.urls import reverse

from helle.core.models import AppendOnlyError, AuditEntry
from helle.core.services import record_audit


@pytest.mark.django_db
def test_an_audit_row_cannot_be_changed_or_deleted_through_the_app(member):
    entry = record_audit(actor=member, action="test.something", target=member, reason="fordi")
    entry.reason = "noget andet"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "fordi"


@pytest.mark.django_db
def test_an_audit_row_is_written_in_the_same_transaction_as_the_change(member):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_audit(actor=member, action="test.rolled_back", target=member)
        raise RuntimeError("the change failed")
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_the_audit_row_names_actor_role_target_and_reason(admin_member, member):
    entry = record_audit(
        actor=admin_member, action="test.decided", target=member, reason="Brud på regel 2", data={"rule": 2}
    )
    assert (entry.actor_id, entry.actor_role) == (admin_member.pk, "admin")
    assert (entry.target_type, entry.target_id) == ("identity.member", str(member.pk))
    assert entry.data == {"rule": 2}


@pytest.mark.django_db
def test_admins_filter_the_audit_log(admin_client, admin_member, member, clock):
    record_audit(actor=member, action="test.first", target=member)
    clock.advance(days=3)
    record_audit(actor=admin_member, action="test.second", target=admin_member, reason="synlig")
    url = reverse("core:staff_audit")

    by_action = admin_client.get(url, {"action": "test.second"}).context["page"].object_list
    assert [e.action for e in by_action] == ["test.second"]
    by_actor = admin_client.get(url, {"actor": member.pk}).context["page"].object_list
    assert {e.action for e in by_actor} >= {"test.first"} and "test.second" not in {
        e.action for e in by_actor
    }
    by_target = admin_client.get(url, {"target": f"identity.member:{admin_member.pk}", "action": "test."})
    assert [e.action for e in by_target.context["page"].object_list] == ["test.second"]
    by_date = admin_client.get(url, {"since": "2026-03-04", "action": "test."}).context["page"].object_list
    assert [e.action for e in by_date] == ["test.second"]


@pytest.mark.django_db
def test_a_bad_audit_filter_says_what_is_wrong_and_keeps_the_input(admin_client):
    response = admin_client.get(
        reverse("core:staff_audit"), {"since": "2026-05-01", "until": "2026-04-01", "action": "identity."}
    )
    assert response.context["form"].errors
    assert 'value="identity."' in response.content.decode()
    assert list(response.context["page"].object_list) == []
