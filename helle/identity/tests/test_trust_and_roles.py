import pytest
from django.urls import reverse

from conftest import log_in
from helle.core.models import AuditEntry
from helle.core.roles import Role, roles_of
from helle.identity import services
from helle.identity.models import Member, TrustLevel, TrustSettings


def visit_on_days(client, member, clock, days: int) -> None:
    for _ in range(days):
        client.get(reverse("core:home"))
        clock.advance(days=1)
    member.refresh_from_db()


@pytest.mark.django_db
def test_a_new_member_starts_at_trust_level_new(member):
    assert member.trust_level == TrustLevel.NEW


@pytest.mark.django_db
def test_trust_is_earned_from_time_visits_and_contributions(client, clock, make_member):
    member = make_member("Nykommer")
    log_in(client, member)
    visit_on_days(client, member, clock, 2)
    assert member.trust_level == TrustLevel.BASIC

    visit_on_days(client, member, clock, 13)
    assert member.trust_level == TrustLevel.BASIC  # enough days, but no contributions yet
    for _ in range(3):
        services.record_contribution(member=member)
    assert member.trust_level == TrustLevel.MEMBER
    assert (
        AuditEntry.objects.filter(action="identity.trust_level_earned", target_id=str(member.pk)).count() == 2
    )


@pytest.mark.django_db
def test_a_visit_counts_once_a_day(client, clock, member):
    log_in(client, member)
    for _ in range(5):
        client.get(reverse("core:home"))
    member.refresh_from_db()
    assert member.days_visited == 1


@pytest.mark.django_db
def test_admins_change_the_thresholds(admin_client, clock, make_member):
    response = admin_client.post(
        reverse("identity:staff_trust"),
        {
            "level1_days": 0,
            "level1_visits": 1,
            "level1_contributions": 0,
            "level2_days": 0,
            "level2_visits": 1,
            "level2_contributions": 0,
            "level3_days": 90,
            "level3_visits": 40,
            "level3_contributions": 30,
        },
    )
    assert response.status_code == 302
    member = make_member("Hurtig")
    services.record_visit(member=member)
    assert member.trust_level == TrustLevel.MEMBER
    assert TrustSettings.current().level3_days == 90


@pytest.mark.django_db
def test_thresholds_must_grow_with_the_level(admin_client):
    response = admin_client.post(
        reverse("identity:staff_trust"),
        {
            "level1_days": 10,
            "level1_visits": 1,
            "level1_contributions": 0,
            "level2_days": 5,
            "level2_visits": 2,
            "level2_contributions": 1,
            "level3_days": 1,
            "level3_visits": 3,
            "level3_contributions": 2,
        },
    )
    assert "level3_days" in response.context["form"].errors
    assert TrustSettings.current().level1_days == 1
    assert 'value="10"' in response.content.decode()


@pytest.mark.django_db
def test_a_level_set_by_hand_is_not_changed_automatically(admin_client, clock, member):
    admin_client.post(
        reverse("identity:staff_person", args=[member.pk]),
        {"action": "trust", "trust-trust_level": "3", "trust-locked": "on", "trust-reason": "Erfaren"},
    )
    member.refresh_from_db()
    assert member.trust_level == TrustLevel.REGULAR and member.trust_level_locked
    services.record_visit(member=member)
    assert member.trust_level == TrustLevel.REGULAR


@pytest.mark.django_db
def test_an_admin_gives_roles_with_a_reason_that_is_audited(admin_client, admin_member, member):
    response = admin_client.post(
        reverse("identity:staff_person", args=[member.pk]),
        {"action": "roles", "roles-roles": ["peer_adviser", "counsellor"], "roles-reason": "Bestået kursus"},
    )
    assert response.status_code == 302
    member = Member.objects.get(pk=member.pk)
    assert roles_of(member) == {Role.MEMBER, Role.PEER_ADVISER, Role.COUNSELLOR}
    entry = AuditEntry.objects.get(action="identity.roles_changed", target_id=str(member.pk))
    assert entry.actor_id == admin_member.pk
    assert entry.actor_role == "admin"
    assert entry.reason == "Bestået kursus"
    assert entry.data == {"before": [], "after": ["counsellor", "peer_adviser"]}


@pytest.mark.django_db
def test_a_role_change_without_a_reason_is_refused(admin_client, member):
    response = admin_client.post(
        reverse("identity:staff_person", args=[member.pk]),
        {"action": "roles", "roles-roles": ["admin"], "roles-reason": ""},
    )
    assert "reason" in response.context["roles_form"].errors
    assert roles_of(Member.objects.get(pk=member.pk)) == {Role.MEMBER}


@pytest.mark.django_db
def test_people_can_be_found_by_nickname_and_role(admin_client, make_member):
    make_member("Peer Pia", role=Role.PEER_ADVISER)
    make_member("Solstraale")
    found = admin_client.get(reverse("identity:staff_people"), {"q": "PEER"}).context["page"].object_list
    assert [p.nickname for p in found] == ["Peer Pia"]
    by_role = admin_client.get(reverse("identity:staff_people"), {"role": "peer_adviser"}).context["page"]
    assert [p.nickname for p in by_role.object_list] == ["Peer Pia"]
