"""The chat's pages: the closed page, the pre-chat form, waiting and talking, leaving, ending
and the survey, the counsellor's console (availability, capacity, take next, the record) and
the supervisor's overview."""

from datetime import time, timedelta
from unittest import mock

import pytest
from django.test import Client

from conftest import log_in
from helle.chat import selectors, services
from helle.chat.models import Conversation, CounsellorStatus
from helle.core.models import OpeningHours
from helle.core.roles import Role
from helle.identity.models import AgeBand

pytestmark = pytest.mark.django_db


@pytest.fixture
def counsellor(make_member):
    return make_member("Rådgiver Rolf", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)


@pytest.fixture
def counsellor_client(counsellor):
    client = Client()
    log_in(client, counsellor, second_factor=True)
    return client


def _start(client, **form) -> Conversation:
    response = client.post("/chat/", form)
    assert response.status_code == 302, response.content.decode()[:500]
    return Conversation.objects.get(pk=int(response.url.strip("/").split("/")[-1]))


def test_outside_opening_hours_the_page_says_when_it_opens_and_where_else_to_turn(clock, client):
    # 2026-03-02 is a Monday; 10:00 UTC is 11:00 in Copenhagen, before the evening shift.
    OpeningHours.objects.create(weekday=0, opens=time(18), closes=time(22))
    page = client.get("/chat/").content.decode()
    assert "18:00" in page and "/letters/write/" in page and "/forum/" in page and "/help/" in page
    assert client.post("/chat/", {"first_message": "Hej"}).status_code == 200  # not queued while closed
    assert not Conversation.objects.exists()


def test_an_anonymous_visitor_joins_the_queue_and_nobody_else_can_open_their_chat(clock, client, db):
    conversation = _start(
        client, age_band="16-17", topic="family", mood="2", first_message="Hej, er der nogen?"
    )
    assert conversation.visitor is None and conversation.alias.startswith("Anonym")
    assert (conversation.age_band, conversation.topic, conversation.mood) == ("16-17", "family", 2)
    page = client.get(f"/chat/{conversation.pk}/").content.decode()
    assert "nummer 1 i køen" in page
    assert conversation.messages.get().from_visitor
    assert Client().get(f"/chat/{conversation.pk}/").status_code == 404
    # Coming back to /chat/ goes on with the same chat instead of a second place in the queue.
    assert client.get("/chat/").url == f"/chat/{conversation.pk}/"


def test_a_first_message_that_is_too_long_comes_back_with_the_words_kept(clock, client, db):
    words = "Jeg har brug for at snakke. " * 100
    response = client.post("/chat/", {"first_message": words})
    assert response.status_code == 400
    assert "Jeg har brug for at snakke." in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_logged_in_member_is_known_by_account_and_nickname(clock, member_client, member):
    conversation = _start(member_client)
    assert conversation.visitor == member and conversation.alias == member.nickname


def test_taking_a_chat_needs_availability_and_respects_capacity(clock, client, counsellor, counsellor_client):
    for n in range(3):
        _start(Client(), first_message=f"Hej {n}")
    counsellor_client.post("/counselling/take/")
    assert selectors.active_count(counsellor) == 0  # on a break: nothing taken
    counsellor_client.post("/counselling/availability/", {"availability": "available", "capacity": "2"})
    counsellor_client.post("/counselling/take/")
    counsellor_client.post("/counselling/take/")
    response = counsellor_client.post("/counselling/take/", follow=True)
    assert selectors.active_count(counsellor) == 2
    assert "2 samtaler" in response.content.decode()  # told why the third was not taken
    console = counsellor_client.get("/counselling/").content.decode()
    assert console.count("data-chat=") == 2 and "Hej 2" not in console  # the queue shows no words


def test_a_capacity_above_the_limit_is_refused_with_a_reason(counsellor, counsellor_client):
    response = counsellor_client.post(
        "/counselling/availability/", {"availability": "available", "capacity": "12"}, follow=True
    )
    assert services.status_of(counsellor).availability == CounsellorStatus.Availability.PAUSE
    assert "5" in response.content.decode()


def test_the_young_person_sees_who_took_the_chat(clock, client, counsellor):
    conversation = _start(client)
    services.set_availability(counsellor=counsellor, availability="available")
    services.take_next(counsellor=counsellor)
    status = client.get(f"/chat/{conversation.pk}/status/").content.decode()
    assert "Rådgiver Rolf" in status


def test_leaving_the_queue_keeps_the_place_for_a_few_minutes(clock, client):
    conversation = _start(client)
    page = client.post(f"/chat/{conversation.pk}/leave/").content.decode()
    assert "5 minutter" in page
    conversation.refresh_from_db()
    assert conversation.left_at is not None
    client.post("/chat/", {})  # back within the minutes: the same place
    conversation.refresh_from_db()
    assert conversation.left_at is None and Conversation.objects.count() == 1


def test_ending_leads_the_young_person_to_the_survey_and_the_counsellor_to_the_record(
    clock, client, counsellor, counsellor_client
):
    conversation = _start(client)
    services.set_availability(counsellor=counsellor, availability="available")
    services.take_next(counsellor=counsellor)
    response = client.post(f"/chat/{conversation.pk}/end/")
    assert response.url == f"/chat/{conversation.pk}/survey/"
    client.post(response.url, {"helped": "4", "feedback": "Tak for snakken"})
    conversation.refresh_from_db()
    assert (conversation.state, conversation.helped, conversation.feedback) == ("ended", 4, "Tak for snakken")
    # The counsellor cannot fill in the young person's survey, nor end it twice into a new state.
    assert counsellor_client.get(f"/chat/{conversation.pk}/survey/").status_code == 404
    console = counsellor_client.get("/counselling/").content.decode()
    assert f"/counselling/{conversation.pk}/record/" in console  # summary still to write


def test_the_record_keeps_topic_codes_and_a_high_risk_mark_tells_the_supervisors(
    clock, client, counsellor, counsellor_client, supervisor_member
):
    conversation = _start(client)
    services.set_availability(counsellor=counsellor, availability="available")
    services.take_next(counsellor=counsellor)
    with mock.patch("helle.chat.services.send_to_member_on_commit") as told:
        response = counsellor_client.post(
            f"/counselling/{conversation.pk}/record/",
            {"high_risk": "on", "topic_codes": ["family", "self_harm"], "summary": "Svært hjemme."},
        )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.topic_codes == ["family", "self_harm"] and conversation.high_risk
    assert [c.args for c in told.call_args_list] == [
        (supervisor_member.pk, {"type": "chat.high_risk", "conversation": conversation.pk})
    ]
    refused = counsellor_client.post(
        f"/counselling/{conversation.pk}/record/", {"topic_codes": ["astrology"]}
    )
    assert refused.status_code == 200 and "astrology" in refused.content.decode()


def test_only_the_counsellor_of_a_chat_keeps_its_record(clock, client, counsellor, make_member):
    conversation = _start(client)
    services.set_availability(counsellor=counsellor, availability="available")
    services.take_next(counsellor=counsellor)
    colleague = Client()
    log_in(
        colleague,
        make_member("Kollega Kim", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25),
        second_factor=True,
    )
    assert colleague.get(f"/counselling/{conversation.pk}/record/").status_code == 404
    assert client.get(f"/counselling/{conversation.pk}/record/").status_code == 404  # the young person


def test_the_supervisor_sees_every_open_chat_crises_first(clock, supervisor_member):
    calm = _start(Client(), first_message="Hej")
    clock.advance(minutes=1)
    crisis = _start(
        Client(), first_message="Jeg vil ikke leve mere. Jeg har tænkt på at tage mit eget liv i aften."
    )
    supervisor = Client()
    log_in(supervisor, supervisor_member, second_factor=True)
    page = supervisor.get("/counselling/all/").content.decode()
    assert page.index(crisis.alias) < page.index(calm.alias)
    follow = supervisor.get(f"/counselling/{calm.pk}/").content.decode()
    assert "neither side sees you" in follow or "Ingen af jer" in follow or "data-chat=" in follow
    assert "data-chat-form" not in follow  # observing, not writing


def test_staff_read_a_chat_only_after_two_factor_log_in(clock, client, counsellor):
    conversation = _start(client)
    services.set_availability(counsellor=counsellor, availability="available")
    services.take_next(counsellor=counsellor)
    half = Client()
    log_in(half, counsellor)
    assert "/two-factor/" in half.get(f"/counselling/{conversation.pk}/").url


def test_the_estimate_shares_the_queue_among_the_counsellors_on_duty(clock, make_member, counsellor):
    # History: chats of 20, 30 and 40 minutes (median 30). Now one counsellor with one place, busy.
    for minutes in (20, 30, 40):
        ended = services.join_queue(visitor_key=f"old{minutes}")
        services.set_availability(counsellor=counsellor, availability="available", capacity=1)
        services.take_next(counsellor=counsellor)
        clock.advance(minutes=minutes)
        services.end_conversation(conversation=ended)
    services.join_queue(visitor_key="now")
    services.take_next(counsellor=counsellor)
    assert selectors.free_places() == 0
    assert selectors.estimated_wait(1) == timedelta(minutes=30)
    assert selectors.estimated_wait(2) == timedelta(minutes=60)
    services.set_availability(counsellor=counsellor, availability="available", capacity=2)
    assert selectors.estimated_wait(1) == timedelta(0)  # a free place: nearly no wait
