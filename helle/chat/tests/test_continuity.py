"""Continuity and booking: the same counsellor again, earlier notes with consent, booked times,
words to take along to another service; and saved replies in the console."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import log_in
from helle.chat import policies, selectors, services
from helle.chat.models import Booking, Conversation, SavedReply
from helle.core import clock as helle_clock
from helle.core.roles import Role
from helle.core.services import Refused
from helle.identity.models import AgeBand

pytestmark = pytest.mark.django_db


@pytest.fixture
def rolf(make_member):
    member = make_member("Rådgiver Rolf", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    services.set_availability(counsellor=member, availability="available", capacity=3)
    return member


@pytest.fixture
def kim(make_member):
    member = make_member("Kollega Kim", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    services.set_availability(counsellor=member, availability="available", capacity=3)
    return member


def _staff(member) -> Client:
    client = Client()
    log_in(client, member, second_factor=True)
    return client


def _earlier_chat(member, counsellor, *, summary="Talte om skolen."):
    services.join_queue(visitor_key=f"k{member.pk}", member=member, first_message="Hej")
    conversation = services.take(
        counsellor=counsellor, conversation=Conversation.objects.get(state="waiting")
    )
    services.add_note(
        author=policies.Participant(counsellor, policies.COUNSELLOR),
        conversation=conversation,
        body="Mor er syg.",
    )
    services.keep_record(conversation=conversation, summary=summary, topic_codes=[], high_risk=False)
    services.end_conversation(conversation=conversation)
    return conversation


def test_a_member_asks_for_the_same_counsellor_who_gets_the_chat_first(clock, member, rolf, kim):
    _earlier_chat(member, rolf)
    client = Client()
    log_in(client, member)
    page = client.get("/chat/").content.decode()
    assert "Rådgiver Rolf" in page  # offered as before
    services.join_queue(visitor_key="tidligere", first_message="Jeg var her først")
    client.post("/chat/", {"wanted_counsellor": str(rolf.pk), "share_history": "on"})
    wanting = Conversation.objects.get(visitor=member, state="waiting")
    assert wanting.wanted_counsellor == rolf and wanting.share_history
    # Kim takes the one who came first; the one asking for Rolf waits for Rolf.
    assert services.take_next(counsellor=kim).visitor_key == "tidligere"
    assert services.take_next(counsellor=kim) is None
    assert services.take_next(counsellor=rolf) == wanting
    console = _staff(rolf).get("/counselling/").content.decode()
    assert "Talte om skolen." in console and "Mor er syg." in console  # shared with consent


def test_nobody_waits_for_one_counsellor_more_than_ten_minutes(clock, member, rolf, kim):
    _earlier_chat(member, rolf)
    services.join_queue(visitor_key="v", member=member, wanted_counsellor=rolf)
    assert services.take_next(counsellor=kim) is None
    clock.advance(minutes=selectors.WANTED_WAIT_MINUTES)
    assert services.take_next(counsellor=kim).wanted_counsellor == rolf


def test_without_consent_earlier_notes_stay_with_the_earlier_chat(clock, member, rolf):
    _earlier_chat(member, rolf)
    conversation = services.join_queue(visitor_key="v", member=member, wanted_counsellor=rolf)
    assert selectors.shared_history(conversation) == []


def test_a_member_books_a_time_and_their_chat_goes_to_that_counsellor(
    clock, settings, member, rolf, make_member
):
    starts = helle_clock.now() + timedelta(hours=2)
    rolf_client = _staff(rolf)
    local = timezone.localtime(starts).strftime("%Y-%m-%dT%H:%M")  # the form speaks the site's time
    rolf_client.post("/counselling/times/", {"starts_at": local, "minutes": "45"})
    booking = Booking.objects.get()
    client = Client()
    log_in(client, member)
    assert "Rådgiver Rolf" in client.get("/chat/book/").content.decode()
    client.post(f"/chat/book/{booking.pk}/")
    booking.refresh_from_db()
    assert booking.member == member
    other = make_member("Anden")
    with pytest.raises(Refused):
        services.book(member=other, booking=booking)
    with pytest.raises(Refused):  # a booked time is not taken back under the member's feet
        services.withdraw_time(counsellor=rolf, booking=booking)
    # At the time, even with a full queue, the member's chat goes to Rolf first.
    settings.CHAT_QUEUE_LIMIT = 0
    clock.advance(hours=2)
    assert "Rådgiver Rolf" in client.get("/chat/").content.decode()
    client.post("/chat/", {"first_message": "Hej Rolf"})
    conversation = Conversation.objects.get(visitor=member)
    assert conversation.wanted_counsellor == rolf


def test_offered_times_must_be_sensible(clock, rolf):
    now = helle_clock.now()
    with pytest.raises(Refused):
        services.offer_time(counsellor=rolf, starts_at=now - timedelta(hours=1), ends_at=now)
    services.offer_time(counsellor=rolf, starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))
    with pytest.raises(Refused):  # overlapping
        services.offer_time(
            counsellor=rolf, starts_at=now + timedelta(hours=1, minutes=30), ends_at=now + timedelta(hours=2)
        )


def test_words_to_take_along_reach_only_the_young_person(clock, rolf):
    young = Client()
    young.post("/chat/", {"first_message": "Jeg vil gerne tale med nogen om at flytte hjemmefra."})
    conversation = services.take_next(counsellor=rolf)
    rolf_client = _staff(rolf)
    rolf_client.post(
        f"/counselling/{conversation.pk}/record/",
        {"summary": "", "handover": "Ung på 17 der vil flytte hjemmefra; har brug for råd om bolig."},
    )
    young.post(f"/chat/{conversation.pk}/end/")
    assert "brug for råd om bolig" in young.get(f"/chat/{conversation.pk}/survey/").content.decode()
    download = young.get(f"/chat/{conversation.pk}/handover.txt")
    assert download["Content-Disposition"].startswith("attachment") and b"bolig" in download.content
    assert Client().get(f"/chat/{conversation.pk}/handover.txt").status_code == 404


def test_saved_replies_own_and_shared(clock, rolf, kim, supervisor_member):
    _staff(rolf).post("/counselling/replies/", {"title": "Hej", "body": "Hej, jeg hedder Rolf."})
    sup = _staff(supervisor_member)
    sup.post("/counselling/replies/", {"title": "Afslutning", "body": "Tak for snakken.", "shared": "on"})
    own, shared = SavedReply.objects.get(owner=rolf), SavedReply.objects.get(owner=None)
    assert [r.title for r in selectors.replies_for(rolf)] == ["Afslutning", "Hej"]
    assert [r.title for r in selectors.replies_for(kim)] == ["Afslutning"]
    # A counsellor neither shares nor changes shared replies, nor a colleague's.
    _staff(kim).post("/counselling/replies/", {"title": "X", "body": "Y", "shared": "on"})
    assert SavedReply.objects.get(title="X").owner == kim
    assert _staff(kim).get(f"/counselling/replies/{shared.pk}/").status_code == 404
    assert _staff(kim).get(f"/counselling/replies/{own.pk}/").status_code == 404
    services.join_queue(visitor_key="v", first_message="Hej")
    services.take_next(counsellor=rolf)
    assert "Hej, jeg hedder Rolf." in _staff(rolf).get("/counselling/").content.decode()
