"""The chat queue: first come first served, a crisis first, a visitor who steps away keeps
their place for a few minutes, and counsellors take the next in line."""

from datetime import timedelta
from unittest import mock

import pytest

from helle.chat import selectors, services
from helle.chat.models import Conversation
from helle.core.roles import Role
from helle.core.services import Refused

CRISIS = "Jeg orker ikke mere. Jeg har tænkt på at tage mit eget liv i aften."


@pytest.fixture
def counsellor(make_member):
    member = make_member("Rådgiver Rolf", role=Role.COUNSELLOR)
    services.set_availability(counsellor=member, availability="available", capacity=5)
    return member


def _join(member, **form):
    """A logged-in young person joins the queue (their session's key named after them)."""
    return services.join_queue(visitor_key=f"key-{member.pk}", member=member, **form)


def test_the_queue_serves_the_first_to_come_first(make_member, counsellor):
    first = _join(make_member("Først"), first_message="Hej")
    second = _join(make_member("Anden"), first_message="Hej igen")
    assert selectors.position_in_queue(first) == 1 and selectors.position_in_queue(second) == 2
    assert services.take_next(counsellor=counsellor) == first
    assert selectors.position_in_queue(second) == 1


def test_a_crisis_first_message_goes_to_the_front_and_alerts_staff(make_member, counsellor):
    waiting = _join(make_member("Venter"), first_message="Hej")
    with mock.patch("helle.safety.services.send_to_group_on_commit") as alert:
        crisis = _join(make_member("Krise"), first_message=CRISIS, mood=1)
    assert crisis.crisis and alert.call_args.args[1]["type"] == "crisis.alert"
    assert [c.pk for c in selectors.queue()] == [crisis.pk, waiting.pk]
    assert crisis.messages.get().body == CRISIS  # the first message is kept, never dropped


def test_a_visitor_who_steps_away_keeps_their_place_for_a_few_minutes(clock, make_member):
    early = make_member("Tidlig")
    place = _join(early, first_message="Hej")
    later = _join(make_member("Senere"), first_message="Hej")
    services.leave_queue(conversation=place)
    assert selectors.position_in_queue(place) is None and selectors.position_in_queue(later) == 1
    clock.advance(minutes=services.REJOIN_MINUTES - 1)
    back = _join(early, first_message="Jeg er her igen")
    assert back == place and selectors.position_in_queue(back) == 1


def test_a_visitor_who_stays_away_too_long_starts_again_at_the_back(clock, make_member):
    early = make_member("Tidlig")
    place = _join(early)
    _join(make_member("Senere"))
    services.leave_queue(conversation=place)
    clock.advance(minutes=services.REJOIN_MINUTES + 1)
    again = _join(early)
    assert again != place and selectors.position_in_queue(again) == 2


def test_joining_twice_keeps_one_place(make_member):
    visitor = make_member("Utålmodig")
    assert _join(visitor) == _join(visitor)
    assert Conversation.objects.count() == 1


def test_a_mood_outside_one_to_five_is_refused(make_member):
    with pytest.raises(Refused):
        _join(make_member("Humør"), mood=9)


def test_nobody_waiting_means_nothing_to_take(counsellor, db):
    assert services.take_next(counsellor=counsellor) is None


def test_the_typical_wait_is_the_median_of_recent_chats(clock, make_member, counsellor):
    assert selectors.typical_wait() is None  # no history: the page says it cannot tell yet
    for minutes in (2, 10, 30):
        _join(make_member(f"V{minutes}"))
        clock.advance(minutes=minutes)
        services.take_next(counsellor=counsellor)
    assert selectors.typical_wait() == timedelta(minutes=10)


def test_choosing_thoughts_of_suicide_in_the_form_puts_the_chat_first_and_alerts_staff(make_member):
    waiting = _join(make_member("Venter"), first_message="Hej")
    with mock.patch("helle.chat.services.send_to_group_on_commit") as alert:
        triaged = _join(make_member("Triage"), topic="suicide")
    assert triaged.crisis and alert.call_args.args[1]["type"] == "crisis.alert"
    assert [c.pk for c in selectors.queue()] == [triaged.pk, waiting.pk]
