"""Reports, the review queue, decisions, sanctions with statements of reasons, appeals."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from conftest import log_in
from helle.core.models import AuditEntry
from helle.core.roles import Role
from helle.identity.models import AgeBand
from helle.safety import selectors, services
from helle.safety.models import Appeal, Decision, Report, ReviewItem, Sanction, TrainingExample
from helle.safety.pipeline import assess
from helle.safety.policy import Surface


@pytest.fixture
def counsellor(make_member):
    return make_member("Raadgiver Rita", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)


@pytest.fixture
def supervisor(make_member):
    return make_member("Supervisor Sus", role=Role.SUPERVISOR, age_band=AgeBand.OVER_25)


@pytest.fixture
def other_supervisor(make_member):
    return make_member("Supervisor Bo", role=Role.SUPERVISOR, age_band=AgeBand.OVER_25)


@pytest.fixture
def peer(make_member):
    return make_member("Peer Pia", role=Role.PEER_ADVISER, age_band=AgeBand.AGE_18_25)


@pytest.mark.django_db
def test_a_report_opens_one_review_item_and_more_reports_raise_it(member, make_member):
    troll = make_member("Trolden")
    first = services.report(reporter=member, target=troll, category=Report.Category.HARASSMENT, note="grimt")
    item = first.item
    assert item.reason == ReviewItem.Reason.REPORTED
    assert item.severity == 2
    for name in ("Anden", "Tredje", "Fjerde"):
        services.report(reporter=make_member(name), target=troll, category=Report.Category.HARASSMENT)
    item.refresh_from_db()
    assert ReviewItem.objects.count() == 1
    assert item.reports.count() == 4
    assert item.report_weight == 4.0
    assert item.severity == 3
    assert AuditEntry.objects.filter(action="safety.reported").count() == 4


@pytest.mark.django_db
def test_reports_from_more_trusted_members_weigh_more(member, make_member):
    trusted = make_member("Stamgaest")
    trusted.trust_level = 3
    trusted.save()
    troll = make_member("Trolden")
    assert services.report(reporter=member, target=troll, category="spam").weight == 1.0
    assert services.report(reporter=trusted, target=troll, category="spam").weight == 3.0


@pytest.mark.django_db
def test_reporting_the_same_thing_twice_counts_once(member, make_member):
    troll = make_member("Trolden")
    services.report(reporter=member, target=troll, category="spam")
    services.report(reporter=member, target=troll, category="spam")
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_the_queue_puts_crisis_first_then_the_most_severe_then_the_oldest(counsellor, make_member, clock):
    old_flag = services.report(reporter=make_member("A1"), target=make_member("T1"), category="spam").item
    clock.advance(minutes=5)
    newer_flag = services.report(reporter=make_member("A2"), target=make_member("T2"), category="spam").item
    clock.advance(minutes=5)
    danger = services.report(reporter=make_member("A3"), target=make_member("T3"), category="self_harm").item
    crisis_text = assess("jeg vil ikke leve mere, jeg har samlet piller til i aften", surface=Surface.FORUM)
    writer = make_member("Skribent")
    crisis_item = services.record(crisis_text, target=writer, author=writer)
    queue = services.review_queue(counsellor)
    assert queue[0] == crisis_item
    assert queue.index(danger) < queue.index(old_flag) < queue.index(newer_flag)


@pytest.mark.django_db
def test_a_claim_keeps_others_away_until_it_expires(counsellor, supervisor, member, make_member, clock):
    item = services.report(reporter=member, target=make_member("Trolden"), category="spam").item
    services.claim(moderator=counsellor, item=item)
    with pytest.raises(services.ClaimedByAnother):
        services.claim(moderator=supervisor, item=item)
    clock.advance(minutes=services.CLAIM_MINUTES + 1)
    assert services.claim(moderator=supervisor, item=item).claimed_by == supervisor


@pytest.mark.django_db
def test_a_decision_needs_a_reason_is_audited_and_becomes_a_training_example(counsellor, member):
    flagged = assess("du er så dum og grim, ingen gider dig", surface=Surface.FORUM, author=member)
    item = services.record(flagged, target=member, author=member)
    decision = services.decide(
        moderator=counsellor,
        item=item,
        outcome=Decision.Outcome.HIDE,
        reason="Regel 2: vær venlig",
        house_rule=2,
    )
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.DECIDED
    assert decision.reason == "Regel 2: vær venlig"
    assert AuditEntry.objects.filter(action="safety.decided_hide", reason="Regel 2: vær venlig").exists()
    example = TrainingExample.objects.get()
    assert example.text == item.excerpt and example.label == "harassment"


@pytest.mark.django_db
def test_peer_advisers_only_see_the_low_risk_part_of_the_queue(peer, member, make_member):
    spam_item = services.report(reporter=member, target=make_member("Spammer"), category="spam").item
    writer = make_member("Skribent")
    crisis_item = services.record(
        assess("jeg vil slå mig selv ihjel i nat", surface=Surface.FORUM), target=writer, author=writer
    )
    queue = services.review_queue(peer)
    assert spam_item in queue and crisis_item not in queue
    with pytest.raises(Http404):
        services.claim(moderator=peer, item=crisis_item)


@pytest.mark.django_db
def test_members_cannot_review(member, make_member):
    item = services.report(reporter=make_member("Anden"), target=make_member("Trolden"), category="spam").item
    assert services.review_queue(member) == []
    with pytest.raises(Http404):
        services.decide(moderator=member, item=item, outcome="hide", reason="nej")


@pytest.mark.django_db
def test_a_sanction_sends_a_statement_of_reasons(supervisor, member, clock):
    item = services.report(reporter=supervisor, target=member, category="harassment").item
    given = services.sanction(
        moderator=supervisor,
        member=member,
        kind=Sanction.Kind.SILENCE,
        reason="Du skrev grimme ting til en anden.",
        house_rule=2,
        item=item,
    )
    statement = given.statement
    assert statement.member == member
    assert statement.facts == "Du skrev grimme ting til en anden."
    assert statement.house_rule == 2 and "venlig" in statement.house_rule_text.lower()
    assert statement.content_excerpt == "Solsikke"
    assert statement.automated_decision is False and statement.automated_detection is False
    assert given.ends_at == clock() + timedelta(days=3)
    assert selectors.is_silenced(member)
    clock.advance(days=4)
    assert not selectors.is_silenced(member)


@pytest.mark.django_db
def test_an_appeal_goes_to_a_different_moderator(supervisor, other_supervisor, member):
    given = services.sanction(
        moderator=supervisor, member=member, kind=Sanction.Kind.SUSPEND, reason="Trusler"
    )
    appeal = services.appeal(member=member, statement=given.statement, text="Det var en misforståelse.")
    assert appeal not in selectors.open_appeals_for(supervisor)
    assert appeal in selectors.open_appeals_for(other_supervisor)
    with pytest.raises(PermissionDenied):
        services.decide_appeal(moderator=supervisor, appeal=appeal, overturn=True, reason="egen sag")
    services.decide_appeal(moderator=other_supervisor, appeal=appeal, overturn=True, reason="Misforståelse")
    given.refresh_from_db()
    assert given.lifted_at is not None
    assert Appeal.objects.get().status == Appeal.Status.OVERTURNED
    assert not selectors.is_locked_out(member)


@pytest.mark.django_db
def test_a_member_appeals_once_and_only_their_own_statement(supervisor, member, make_member):
    given = services.sanction(moderator=supervisor, member=member, kind=Sanction.Kind.WARN, reason="Advarsel")
    with pytest.raises(Http404):
        services.appeal(member=make_member("Fremmed"), statement=given.statement, text="nej")
    services.appeal(member=member, statement=given.statement, text="Jeg er uenig")
    given.statement.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.appeal(member=member, statement=given.statement, text="igen")


@pytest.mark.django_db
def test_a_suspended_member_can_only_read_why_appeal_and_get_help(client, supervisor, member):
    services.sanction(moderator=supervisor, member=member, kind=Sanction.Kind.SUSPEND, reason="Trusler")
    log_in(client, member)
    assert client.get("/account/").url == "/account/decisions/"
    assert client.get("/account/decisions/").status_code == 200
    assert client.get("/help/").status_code == 200


@pytest.mark.django_db
def test_moderators_cannot_sanction_themselves_and_counsellors_cannot_sanction(
    supervisor, counsellor, member
):
    with pytest.raises(PermissionDenied):
        services.sanction(moderator=supervisor, member=supervisor, kind="warn", reason="test")
    with pytest.raises(Http404):
        services.sanction(moderator=counsellor, member=member, kind="warn", reason="test")


@pytest.mark.django_db
def test_a_statement_of_reasons_reads_in_the_members_language_whatever_the_moderators(supervisor, member):
    from django.utils import translation

    with translation.override("en"):  # an English-speaking moderator
        given = services.sanction(
            moderator=supervisor, member=member, kind="silence", reason="Insults in a thread", house_rule=2
        )
    statement = given.statement
    assert statement.decision_text.startswith("You cannot write")  # the record, as sent
    with translation.override("da"):
        assert statement.decision().startswith("Du er sat på pause fra at skrive")
        assert "2026" in statement.decision()
        assert "venlig" in statement.house_rule_wording().lower()
    with translation.override("en"):
        assert statement.decision().startswith("You cannot write")
