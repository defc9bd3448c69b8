"""The answer queue: crises first, then severity, then age; claims that run out; peers only
where the organisation allows it, and never on a crisis."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from helle.core.models import AuditEntry
from helle.letters import selectors, services
from helle.letters.models import Letter
from helle.letters.tests.conftest import CRISIS, LETTER


def test_a_crisis_letter_jumps_the_queue_and_alerts_staff(writer, make_member, topic, counsellor):
    from unittest import mock

    first = services.send_letter(writer=writer, topic=topic, body=LETTER)
    with mock.patch("helle.safety.services.send_to_group_on_commit") as alert:
        crisis = services.send_letter(writer=make_member("Sidste"), topic=topic, body=CRISIS)
    assert crisis.crisis
    alert.assert_called_once()
    assert alert.call_args.args[1]["type"] == "crisis.alert"
    assert [e.letter for e in selectors.queue(counsellor)] == [crisis, first]


def test_the_queue_puts_the_oldest_first_and_marks_letters_past_the_service_level(
    writer, make_member, topic, counsellor, clock, settings
):
    settings.LETTER_ANSWER_DAYS = 5
    old = services.send_letter(writer=writer, topic=topic, body=LETTER)
    clock.advance(days=4)
    new = services.send_letter(writer=make_member("Ny"), topic=topic, body=LETTER)
    clock.advance(days=2)
    entries = selectors.queue(counsellor)
    assert [e.letter for e in entries] == [old, new]
    assert [e.overdue for e in entries] == [True, False]


def test_the_queue_filters_by_topic_and_age(writer, make_member, topic, counsellor):
    from helle.letters.models import Topic

    other_topic = Topic.objects.get(slug="familie")
    mine = services.send_letter(writer=writer, topic=topic, body=LETTER)
    services.send_letter(writer=make_member("Anden", age_band="18-25"), topic=other_topic, body=LETTER)
    assert [e.letter for e in selectors.queue(counsellor, topic=topic)] == [mine]
    assert [e.letter for e in selectors.queue(counsellor, age_band="13-15")] == [mine]


def test_a_claim_runs_out_and_another_counsellor_takes_over_with_the_draft(
    clock, letter, counsellor, colleague, settings
):
    settings.LETTER_CLAIM_HOURS = 4
    services.claim(counsellor=counsellor, letter=letter)
    letter.refresh_from_db()
    services.save_answer(counsellor=counsellor, letter=letter, body="Halvt svar")
    with pytest.raises(PermissionDenied):
        services.claim(counsellor=colleague, letter=letter)
    clock.advance(hours=4, minutes=1)
    assert letter in [e.letter for e in selectors.queue(colleague)]
    with pytest.raises(PermissionDenied):  # the first holder's claim is over
        services.save_answer(counsellor=counsellor, letter=letter, body="for sent")
    services.claim(counsellor=colleague, letter=letter)
    letter.refresh_from_db()
    assert letter.claimed_by == colleague and letter.answer.body == "Halvt svar"
    assert letter.answer.author == colleague


def test_saving_the_answer_keeps_the_claim_alive(clock, letter, counsellor, settings):
    settings.LETTER_CLAIM_HOURS = 4
    services.claim(counsellor=counsellor, letter=letter)
    clock.advance(hours=3)
    letter.refresh_from_db()
    services.save_answer(counsellor=counsellor, letter=letter, body="Udkast")
    clock.advance(hours=3)
    letter.refresh_from_db()
    services.submit_answer(counsellor=counsellor, letter=letter, body="Udkast, færdigt")
    letter.refresh_from_db()
    assert letter.state == Letter.State.IN_REVIEW


def test_a_released_letter_goes_back_to_the_queue(letter, counsellor, colleague):
    services.claim(counsellor=counsellor, letter=letter)
    letter.refresh_from_db()
    services.release(counsellor=counsellor, letter=letter)
    letter.refresh_from_db()
    assert letter.state == Letter.State.WAITING and letter.claimed_by is None
    services.claim(counsellor=colleague, letter=letter)


def test_nobody_answers_their_own_letter(make_member, topic):
    from helle.core.roles import Role

    counsellor_who_writes = make_member("Skriver Selv", role=Role.COUNSELLOR)
    own = services.send_letter(writer=counsellor_who_writes, topic=topic, body=LETTER)
    with pytest.raises(PermissionDenied):
        services.claim(counsellor=counsellor_who_writes, letter=own)


def test_peer_advisers_answer_only_where_the_organisation_allows_it_and_never_a_crisis(
    writer, make_member, topic, peer, settings
):
    ordinary = services.send_letter(writer=writer, topic=topic, body=LETTER)
    crisis = services.send_letter(writer=make_member("Krise"), topic=topic, body=CRISIS)
    settings.LETTER_PEERS_ANSWER = False
    with pytest.raises(PermissionDenied):
        services.claim(counsellor=peer, letter=ordinary)
    settings.LETTER_PEERS_ANSWER = True
    assert [e.letter for e in selectors.queue(peer)] == [ordinary]
    with pytest.raises(PermissionDenied):
        services.claim(counsellor=peer, letter=crisis)
    services.claim(counsellor=peer, letter=ordinary)
    ordinary.refresh_from_db()
    assert ordinary.answer.by_peer


def test_a_peer_answer_is_reviewed_by_a_supervisor_or_a_peer_allowed_to_review(
    letter, peer, make_member, supervisor, settings
):
    from django.contrib.auth.models import Permission

    from helle.core.roles import Role

    settings.LETTER_PEERS_ANSWER = True
    services.claim(counsellor=peer, letter=letter)
    letter.refresh_from_db()
    services.submit_answer(counsellor=peer, letter=letter, body="Jeg kender det godt ...")
    letter.refresh_from_db()
    certified = make_member("Erfaren Peer", role=Role.PEER_ADVISER)
    assert letter.answer not in selectors.answers_to_review(certified)
    certified.user_permissions.add(Permission.objects.get(codename="review_peer_answers"))
    certified = type(certified).objects.get(pk=certified.pk)  # permissions are cached per object
    assert selectors.answers_to_review(certified) == [letter.answer]
    assert selectors.answers_to_review(supervisor) == [letter.answer]
    services.review_answer(reviewer=certified, answer=letter.answer, approve=True)
    letter.refresh_from_db()
    assert letter.state == Letter.State.ANSWERED


def test_the_queue_shows_no_letter_text(as_, letter, counsellor):
    page = as_(counsellor).get(reverse("letters:queue")).content.decode()
    assert "eksamen" not in page and letter.topic.name in page


def test_every_reading_of_a_letter_by_staff_is_audited(as_, letter, counsellor, supervisor):
    services.claim(counsellor=counsellor, letter=letter)
    as_(counsellor).get(reverse("letters:staff_letter", args=[letter.pk]))
    as_(supervisor).get(reverse("letters:staff_letter", args=[letter.pk]))
    readers = set(
        AuditEntry.objects.filter(action="letters.read", target_id=str(letter.pk)).values_list(
            "actor_id", flat=True
        )
    )
    assert readers == {counsellor.pk, supervisor.pk}


def test_the_holder_sees_the_writers_earlier_letters_with_their_answers(
    writer, topic, counsellor, colleague, supervisor, as_
):
    from helle.letters.tests.conftest import answered

    earlier = answered(
        services.send_letter(writer=writer, topic=topic, body="Mit første brev om min lillebror"),
        colleague,
        supervisor,
        body="Svar om lillebror",
    )
    now = services.send_letter(writer=writer, topic=topic, body=LETTER)
    services.claim(counsellor=counsellor, letter=now)
    page = as_(counsellor).get(reverse("letters:staff_letter", args=[now.pk])).content.decode()
    assert "Mit første brev om min lillebror" in page and "Svar om lillebror" in page
    assert earlier.pk != now.pk
