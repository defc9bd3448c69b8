"""Group chats: planned with a time window, a trained host and maybe an age group; joined or
signed up for; the host mutes, removes, slows down and pauses; the same socket, pipeline and
masking as a 1:1 chat, with each writer's nickname."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.routing import websocket_urlpatterns
from conftest import log_in
from helle.chat import policies, selectors, services
from helle.chat.models import Message, Room
from helle.core import clock as helle_clock
from helle.core.models import AuditEntry
from helle.core.roles import Role
from helle.core.services import Refused
from helle.identity.models import AgeBand


@pytest.fixture
def host(make_member):
    return make_member("Peer Pia", role=Role.PEER_ADVISER, age_band=AgeBand.AGE_18_25)


@pytest.fixture
def planner(make_member):
    return make_member("Supervisor Sus", role=Role.SUPERVISOR, age_band=AgeBand.OVER_25)


def _room(planner, host, *, opens_in=timedelta(0), hours=1, **fields) -> Room:
    opens = helle_clock.now() + opens_in
    return services.create_room(
        actor=planner,
        title="Tirsdagsgruppe om ensomhed",
        host=host,
        opens_at=opens,
        closes_at=opens + timedelta(hours=hours),
        **fields,
    )


def _as(member, room: Room) -> policies.Participant:
    return policies.participant(member, None, room.conversation)


def _write(member, room: Room, body: str, client_id: str):
    return services.post_message(
        sender=_as(member, room), conversation=room.conversation, client_msg_id=client_id, body=body
    )


@pytest.mark.django_db
def test_a_room_needs_a_trained_host_and_a_sensible_window(clock, planner, make_member):
    untrained = make_member("Almindelig")
    with pytest.raises(Refused) as refused:
        _room(planner, untrained, hours=-1)
    assert set(refused.value.errors) == {"host", "closes_at"}


@pytest.mark.django_db
def test_members_join_and_write_and_everybody_sees_who_wrote(clock, planner, host, member):
    room = _room(planner, host)
    services.join_room(room=room, member=member)
    message, _ = _write(member, room, "Hej alle sammen", "m1")
    assert message.sender_role == "member"
    event = services.event_for(message)
    assert event["author"] == member.nickname and event["role"] == "member"


@pytest.mark.django_db
def test_someone_outside_the_age_group_cannot_join(clock, planner, host, make_member):
    room = _room(planner, host, age_band=AgeBand.AGE_13_15)
    older = make_member("Ældre", age_band=AgeBand.AGE_18_25)
    with pytest.raises(Refused):
        services.join_room(room=room, member=older)
    assert Client().get(f"/rooms/{room.pk}/").status_code == 200  # the page itself is public


@pytest.mark.django_db
def test_a_room_by_sign_up_takes_only_those_who_signed_up_before_it_opened(clock, planner, host, make_member):
    room = _room(planner, host, opens_in=timedelta(hours=2), sign_up_required=True)
    early = make_member("Tidlig")
    services.join_room(room=room, member=early)
    with pytest.raises(Refused):  # not open yet: nobody writes, not even those signed up
        _write(early, room, "Er vi i gang?", "e1")
    clock.advance(hours=2)
    _write(early, room, "Hej!", "e2")
    with pytest.raises(Refused):
        services.join_room(room=room, member=make_member("Sen"))


@pytest.mark.django_db
def test_the_host_mutes_and_slows_down_and_pauses_with_reasons_and_an_audit(clock, planner, host, member):
    room = _room(planner, host)
    services.join_room(room=room, member=member)
    leader = _as(host, room)

    services.lead_room(by=leader, room=room, slow_mode_seconds=30)
    _write(member, room, "Første", "s1")
    with pytest.raises(Refused) as slow:
        _write(member, room, "Anden", "s2")
    assert "30" in str(slow.value.errors)
    clock.advance(seconds=31)
    _write(member, room, "Anden", "s2")

    services.mute(by=leader, room=room, member=member, minutes=10)
    with pytest.raises(Refused):
        _write(member, room, "Må jeg?", "s3")
    clock.advance(minutes=11)
    _write(member, room, "Nu igen", "s3")

    services.lead_room(by=leader, room=room, paused=True)
    with pytest.raises(Refused):
        _write(member, room, "Pause?", "s4")
    _write(host, room, "Vi holder en kort pause.", "h1")  # the host still writes
    assert AuditEntry.objects.filter(action__startswith="chat.").count() >= 4


@pytest.mark.django_db
def test_a_member_cannot_lead_the_room(clock, planner, host, member):
    room = _room(planner, host)
    services.join_room(room=room, member=member)
    with pytest.raises(Refused):
        services.lead_room(by=_as(member, room), room=room, paused=True)


@pytest.mark.django_db
def test_a_removed_member_is_out_at_once_and_cannot_come_back(clock, planner, host, member):
    room = _room(planner, host)
    services.join_room(room=room, member=member)
    services.remove(by=_as(host, room), room=room, member=member)
    assert _as(member, room) is None
    with pytest.raises(Refused):
        services.join_room(room=room, member=member)
    with pytest.raises(Refused):
        services.remove(by=_as(host, room), room=room, member=host)


@pytest.mark.django_db
def test_the_room_pages_for_members_hosts_and_planners(clock, planner, host, member):
    room = _room(planner, host)
    client = Client()
    log_in(client, member)
    assert room.title in client.get("/rooms/").content.decode()
    client.post(f"/rooms/{room.pk}/join/")
    page = client.get(f"/rooms/{room.pk}/").content.decode()
    assert "data-chat-form" in page and "Lead the group chat" not in page and "Led gruppechatten" not in page
    leader = Client()
    log_in(leader, host)
    assert member.nickname in leader.get(f"/rooms/{room.pk}/").content.decode()  # the host sees who is here
    leader.post(f"/rooms/{room.pk}/members/{member.pk}/mute/", {"minutes": "5"})
    assert room.members.get(member=member).muted_until is not None
    assert client.post(f"/rooms/{room.pk}/members/{host.pk}/remove/").status_code == 404  # not the host
    staff = Client()
    log_in(staff, planner, second_factor=True)
    assert room.title in staff.get("/staff/rooms/").content.decode()
    # Someone who is not in the room reads nothing of it over the chat's own pages either.
    assert client.get(f"/chat/{room.pk}/").url == f"/rooms/{room.pk}/"


@pytest.mark.django_db
def test_planning_a_room_in_the_staff_area(clock, planner, host):
    staff = Client()
    log_in(staff, planner, second_factor=True)
    response = staff.post(
        "/staff/rooms/new/",
        {
            "title": "Eksamensangst",
            "description": "Vi snakker om at være nervøs.",
            "host": host.pk,
            "opens_at": "2026-03-03T19:00",
            "closes_at": "2026-03-03T20:00",
            "age_band": "16-17",
        },
    )
    assert response.status_code == 302
    room = Room.objects.get()
    assert (room.title, room.host, room.age_band) == ("Eksamensangst", host, "16-17")
    wrong = staff.post("/staff/rooms/new/", {"title": "", "host": host.pk, "opens_at": "x", "closes_at": "y"})
    assert wrong.status_code == 400 and Room.objects.count() == 1


@pytest.mark.django_db
def test_a_room_past_its_window_ends_and_its_transcript_counts_down(clock, settings, planner, host, member):
    settings.CHAT_KEEP_DAYS = 30
    room = _room(planner, host)
    services.join_room(room=room, member=member)
    _write(member, room, "Hej", "x")
    clock.advance(hours=2)
    services.delete_old_chats()
    room.conversation.refresh_from_db()
    assert room.conversation.state == "ended"
    clock.advance(days=31)
    services.delete_old_chats()
    assert not Message.objects.exists()
    assert selectors.rooms_for(member) == []


@pytest.mark.django_db(transaction=True)
def test_over_the_socket_members_see_nicknames_masked_contact_details_and_removal(planner, host, make_member):
    room = _room(planner, host)
    alma, bo = make_member("Alma", age_band=AgeBand.AGE_16_17), make_member("Bo", age_band=AgeBand.AGE_16_17)
    for member in (alma, bo):
        services.join_room(room=room, member=member)
    app = URLRouter(websocket_urlpatterns)

    async def connect(user):
        socket = WebsocketCommunicator(app, f"/ws/chat/{room.pk}/")
        socket.scope["user"], socket.scope["session"] = user, {}
        assert (await socket.connect())[0]
        await socket.send_json_to({"type": "hello", "after": 0})
        assert (await socket.receive_json_from(timeout=3))["type"] == "ready"
        return socket

    async def scenario():
        alma_socket, bo_socket, host_socket = await connect(alma), await connect(bo), await connect(host)
        await alma_socket.send_json_to(
            {"type": "send", "client_msg_id": "a1", "body": "Skriv til mig på 22 33 44 55"}
        )
        frames = {}
        for name, socket in (("bo", bo_socket), ("host", host_socket)):
            frames[name] = await socket.receive_json_from(timeout=3)
        own = {(await alma_socket.receive_json_from(timeout=3))["type"] for _ in range(2)}
        assert own == {"ack", "message"}
        await bo_socket.send_json_to({"type": "typing"})
        no_typing = await alma_socket.receive_nothing(timeout=0.3)
        await sync_to_async(services.remove)(by=_as(host, room), room=room, member=bo)
        closed = await bo_socket.receive_output(timeout=3)
        for socket in (alma_socket, host_socket):
            await socket.disconnect()
        return frames, no_typing, closed

    frames, no_typing, closed = async_to_sync(scenario)()
    assert frames["bo"]["author"] == "Alma" and "22 33 44 55" not in frames["bo"]["body"]
    assert "22 33 44 55" in frames["host"]["body"]  # the host sees what was written, to act on it
    assert no_typing  # no typing marks in a group
    assert closed == {"type": "websocket.close", "code": 4404}


@pytest.mark.django_db
def test_hosting_a_room_takes_no_place_of_a_counsellors_chats(clock, planner, make_member):
    counsellor = make_member("Rådgiver Rolf", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    room = _room(planner, counsellor)
    assert selectors.active_count(counsellor) == 0 and selectors.active_of(counsellor) == []
    assert room.conversation not in selectors.all_open()
    staff = Client()
    log_in(staff, counsellor, second_factor=True)
    assert f'data-chat="{room.pk}"' not in staff.get("/counselling/").content.decode()


@pytest.mark.django_db
def test_members_report_someone_elses_message_and_nobody_outside_reads_it_by_its_number(
    clock, planner, host, make_member
):
    room = _room(planner, host)
    alma, bo = make_member("Alma"), make_member("Bo")
    for member in (alma, bo):
        services.join_room(room=room, member=member)
    message, _ = _write(alma, room, "Du er så dum", "a1")
    bo_client, alma_client, outsider = Client(), Client(), Client()
    log_in(bo_client, bo)
    log_in(alma_client, alma)
    log_in(outsider, make_member("Udenfor"))
    url = f"/report/chat.message/{message.pk}/"
    assert "Du er så dum" in bo_client.get(url).content.decode()
    bo_client.post(url, {"category": "harassment", "note": ""})
    from helle.safety.models import Report

    assert Report.objects.filter(reporter=bo).exists()
    assert alma_client.get(url).status_code == 404  # not one's own
    assert outsider.get(url).status_code == 404  # nor a chat one is not in


@pytest.mark.django_db
def test_a_letter_cannot_be_reported_or_read_through_the_report_page(clock, member, make_member):
    from helle.letters import services as letter_services
    from helle.letters.models import Topic

    letter = letter_services.send_letter(writer=member, topic=Topic.objects.first(), body="Mit private brev")
    other = Client()
    log_in(other, make_member("Nysgerrig"))
    assert other.get(f"/report/letters.letter/{letter.pk}/").status_code == 404
