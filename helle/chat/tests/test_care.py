"""Never a dead end (a full queue, closing time, a letter instead that keeps the words), looking
after volunteers (debrief after a heavy chat, a long-shift warning), keeping and deleting
(retention), data protection, and chat messages in the review queue kept private."""

from datetime import time
from unittest import mock

import pytest
from django.test import Client

from conftest import log_in
from helle.chat import policies, selectors, services
from helle.chat.models import Conversation, Message, StaffNote
from helle.core.models import OpeningHours
from helle.core.roles import Role
from helle.identity import gdpr as data_protection
from helle.identity import services as identity_services
from helle.identity.models import AgeBand

pytestmark = pytest.mark.django_db
CRISIS = "Jeg vil ikke leve mere. Jeg tager mit eget liv i aften."


@pytest.fixture
def counsellor(make_member):
    member = make_member("Rådgiver Rolf", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    services.set_availability(counsellor=member, availability="available", capacity=5)
    return member


def _young_client(key: str) -> Client:
    client = Client()
    session = client.session
    session[policies.VISITOR_KEY] = key
    session.save()
    return client


# --- Never a dead end ---


def test_a_full_queue_offers_a_letter_with_the_typed_words_and_says_when_there_is_room(
    clock, settings, counsellor
):
    settings.CHAT_QUEUE_LIMIT = 2
    for n in range(2):
        services.join_queue(visitor_key=f"ung{n}")
    page = Client().post("/chat/", {"first_message": "Jeg er så ked af det."}).content.decode()
    assert "Køen er fuld" in page and 'value="Jeg er så ked af det."' in page
    assert Conversation.objects.count() == 2  # nobody was queued beyond the limit
    assert "Stadig fuldt" in Client().get("/chat/room/").content.decode()
    services.take_next(counsellor=counsellor)
    room = Client().get("/chat/room/").content.decode()
    assert 'role="alert"' in room and 'href="/chat/"' in room


def test_a_letter_instead_carries_what_the_young_person_wrote_and_ends_the_waiting_chat(clock, member):
    client = Client()
    log_in(client, member)
    client.post("/chat/", {"first_message": "Min far drikker."})
    conversation = Conversation.objects.get()
    response = client.post(
        "/chat/letter/", {"conversation": conversation.pk, "text": "Jeg tør ikke sige det til nogen."}
    )
    assert response.url == "/letters/write/"
    conversation.refresh_from_db()
    assert conversation.state == "ended"
    form = client.get("/letters/write/").content.decode()
    assert "Min far drikker." in form and "Jeg tør ikke sige det til nogen." in form
    assert "Min far drikker." not in client.get("/letters/write/").content.decode()  # offered once


def test_an_anonymous_young_persons_words_wait_for_them_through_log_in(clock, member):
    client = Client()
    client.post("/chat/", {"first_message": "Hej, jeg har brug for hjælp."})
    response = client.post("/chat/letter/", {"conversation": Conversation.objects.get().pk, "text": ""})
    assert client.get(response.url).url.startswith("/login/")
    log_in(client, member)
    assert "Hej, jeg har brug for hjælp." in client.get("/letters/write/").content.decode()


def test_someone_elses_chat_cannot_be_carried_into_a_letter(clock, member):
    services.join_queue(visitor_key="en-anden", first_message="Mine ord")
    client = Client()
    log_in(client, member)
    client.post("/chat/letter/", {"conversation": Conversation.objects.get().pk, "text": ""})
    assert Conversation.objects.get().state == "waiting"
    assert "Mine ord" not in client.get("/letters/write/").content.decode()


def test_close_to_closing_time_the_chat_says_so_and_offers_a_letter(clock, counsellor):
    # 2026-03-02 10:00 UTC is 11:00 in Copenhagen: the Monday shift closes at 11:15.
    OpeningHours.objects.create(weekday=0, opens=time(8), closes=time(11, 15))
    page = Client().get("/chat/").content.decode()
    assert "11:15" in page and "/letters/write/" in page
    # With an hour-long chat ahead in the queue, the waiting one is told it may not be reached.
    first = services.join_queue(visitor_key="først")
    services.take_next(counsellor=counsellor)
    clock.advance(minutes=60)
    services.end_conversation(conversation=first)
    clock.advance(minutes=-62)
    services.set_availability(counsellor=counsellor, availability="available", capacity=1)
    services.join_queue(visitor_key="optager")
    services.take_next(counsellor=counsellor)
    client = _young_client("sidst")
    services.join_queue(visitor_key="sidst")
    status = client.get(f"/chat/{Conversation.objects.get(visitor_key='sidst').pk}/status/").content.decode()
    assert "11:15" in status and "ikke nå" in status


# --- Looking after volunteers ---


def test_ending_a_heavy_chat_offers_a_debrief_and_tells_the_supervisors(clock, counsellor, supervisor_member):
    services.join_queue(visitor_key="krise", first_message=CRISIS)
    conversation = services.take_next(counsellor=counsellor)
    with mock.patch("helle.chat.services.send_to_member_on_commit") as told:
        services.end_conversation(conversation=conversation)
    assert told.call_args.args == (
        supervisor_member.pk,
        {"type": "chat.debrief", "conversation": conversation.pk},
    )
    client = Client()
    log_in(client, counsellor, second_factor=True)
    assert "debriefing" in client.get(f"/counselling/{conversation.pk}/record/").content.decode()


def test_a_calm_chat_ends_without_alarming_anyone(clock, counsellor, supervisor_member):
    services.join_queue(visitor_key="rolig", first_message="Hej")
    conversation = services.take_next(counsellor=counsellor)
    with mock.patch("helle.chat.services.send_to_member_on_commit") as told:
        services.end_conversation(conversation=conversation)
    told.assert_not_called()


def test_a_long_shift_is_pointed_out(clock, settings, counsellor):
    settings.CHAT_LONG_SHIFT_HOURS = 4
    status = services.status_of(counsellor)
    assert not selectors.on_a_long_shift(status)
    clock.advance(hours=4, minutes=1)
    assert selectors.on_a_long_shift(status)
    services.set_availability(counsellor=counsellor, availability="pause")
    assert not selectors.on_a_long_shift(services.status_of(counsellor))


# --- Keeping and deleting ---


def test_transcripts_and_notes_are_deleted_after_their_periods_but_the_figures_stay(
    clock, settings, counsellor
):
    settings.CHAT_KEEP_DAYS, settings.CHAT_NOTES_KEEP_DAYS = 30, 60
    services.join_queue(visitor_key="gammel", first_message="Gamle ord")
    old = services.take_next(counsellor=counsellor)
    services.add_note(
        author=policies.Participant(counsellor, policies.COUNSELLOR), conversation=old, body="Note"
    )
    services.keep_record(conversation=old, summary="Opsummering", topic_codes=["family"], high_risk=False)
    services.end_conversation(conversation=old)
    services.answer_survey(conversation=old, helped=4, feedback="Tak")
    clock.advance(days=31)
    services.join_queue(visitor_key="ny", first_message="Nye ord")
    new = services.take_next(counsellor=counsellor)
    services.end_conversation(conversation=new)

    done = services.delete_old_chats()
    old.refresh_from_db()
    assert done.transcripts == 1 and list(Message.objects.values_list("body", flat=True)) == ["Nye ord"]
    assert (old.feedback, old.helped, old.topic_codes, old.summary) == ("", 4, ["family"], "Opsummering")
    assert StaffNote.objects.count() == 1  # notes have their own, longer period

    clock.advance(days=30)
    done = services.delete_old_chats()
    old.refresh_from_db()
    assert done.notes == 1 and not StaffNote.objects.exists() and old.summary == ""


def test_a_waiting_chat_whose_young_person_left_long_ago_ends(clock):
    left = services.join_queue(visitor_key="væk")
    services.leave_queue(conversation=left)
    services.join_queue(visitor_key="her")
    clock.advance(minutes=services.REJOIN_MINUTES + 1)
    assert services.delete_old_chats().abandoned == 1
    assert list(Conversation.objects.order_by("pk").values_list("visitor_key", "state")) == [
        ("væk", "ended"),
        ("her", "waiting"),
    ]


def test_the_nightly_command_reports_what_it_did(clock, capsys):
    from django.core.management import call_command

    call_command("delete_old_chats")
    assert "deleted the transcripts of 0 chats" in capsys.readouterr().out


# --- Data protection and privacy ---


def test_a_members_chats_are_in_their_export_and_go_with_their_account(clock, member, counsellor):
    services.join_queue(visitor_key="k", member=member, first_message="Mit spørgsmål")
    conversation = services.take_next(counsellor=counsellor)
    services.post_message(
        sender=policies.Participant(counsellor, policies.COUNSELLOR),
        conversation=conversation,
        client_msg_id="svar",
        body="Mit svar",
    )
    exported = identity_services.export_member_data(member=member).data["chat"]["chats"][0]["messages"]
    assert [(m["from"], m["text"]) for m in exported] == [
        ("you", "Mit spørgsmål"),
        ("counsellor", "Mit svar"),
    ]
    section = next(s for s in data_protection.sections() if s.name == "chat")
    section.erase(member, True)
    assert not Conversation.objects.exists() and not Message.objects.exists()


def test_a_chat_message_in_the_review_queue_is_read_only_by_its_counsellor_and_supervisors(
    clock, counsellor, make_member, supervisor_member
):
    from helle.safety import reviewables

    services.join_queue(visitor_key="k", first_message=CRISIS)
    services.take_next(counsellor=counsellor)
    message = Message.objects.get()
    other = make_member("Anden Rådgiver", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    key = ("chat.message", str(message.pk))
    assert reviewables.may_read(counsellor, *key) and reviewables.may_read(supervisor_member, *key)
    assert not reviewables.may_read(other, *key)
