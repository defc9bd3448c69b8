"""The chat protocol (docs/chat-protocol.md): acknowledged only after commit, retries never
duplicate, numbers in order, and a reconnecting client gets everything it missed, once."""

import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from config.routing import websocket_urlpatterns
from helle.chat import policies, services
from helle.chat.models import Message
from helle.core.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)
APP = URLRouter(websocket_urlpatterns)


@pytest.fixture
def visitor(make_member):
    return make_member("Ung Ulla")


@pytest.fixture
def counsellor(make_member):
    return make_member("Rådgiver Rolf", role=Role.COUNSELLOR)


@pytest.fixture
def conversation(visitor, counsellor):
    return services.take(counsellor=counsellor, conversation=services.start_conversation(visitor=visitor))


def _as_visitor(member):
    return policies.Participant(member, policies.VISITOR)


def _as_counsellor(member):
    return policies.Participant(member, policies.COUNSELLOR)


async def _connect(user, conversation_id: int, after: int | None = 0):
    socket = WebsocketCommunicator(APP, f"/ws/chat/{conversation_id}/")
    socket.scope["user"] = user
    connected, code = await socket.connect()
    assert connected, code
    if after is not None:
        await socket.send_json_to({"type": "hello", "after": after})
    return socket


async def _until(socket, kind: str) -> list[dict]:
    """Frames up to and including the first of `kind`."""
    frames = []
    while True:
        frame = await socket.receive_json_from(timeout=3)
        frames.append(frame)
        if frame["type"] == kind:
            return frames


def _send(client_msg_id: str, body: str) -> dict:
    return {"type": "send", "client_msg_id": client_msg_id, "body": body}


def test_a_message_is_acknowledged_after_it_is_stored_and_reaches_the_other_side(
    visitor, counsellor, conversation
):
    async def scenario():
        young = await _connect(visitor, conversation.pk)
        adult = await _connect(counsellor, conversation.pk)
        await _until(young, "ready"), await _until(adult, "ready")
        await young.send_json_to(_send("a1", "Hej, er der nogen?"))
        frames = await _until(young, "ack")
        stored = await sync_to_async(Message.objects.filter(conversation=conversation).count)()
        heard = await adult.receive_json_from(timeout=3)
        await young.disconnect(), await adult.disconnect()
        return frames, stored, heard

    frames, stored, heard = async_to_sync(scenario)()
    assert frames[-1] == {"type": "ack", "client_msg_id": "a1", "seq": 1}
    assert stored == 1
    assert (heard["type"], heard["seq"], heard["body"], heard["mine"]) == (
        "message",
        1,
        "Hej, er der nogen?",
        False,
    )


def test_a_retry_with_the_same_id_is_not_stored_twice(visitor, conversation):
    async def scenario():
        young = await _connect(visitor, conversation.pk)
        await _until(young, "ready")
        await young.send_json_to(_send("same", "Er du der?"))
        first = (await _until(young, "ack"))[-1]
        await young.send_json_to(_send("same", "Er du der?"))
        second = (await _until(young, "ack"))[-1]
        await young.disconnect()
        return first, second

    first, second = async_to_sync(scenario)()
    assert first == second == {"type": "ack", "client_msg_id": "same", "seq": 1}
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_a_client_that_reconnects_gets_what_it_missed_with_no_gap_and_no_duplicate(
    visitor, counsellor, conversation
):
    for n in range(1, 4):
        services.post_message(
            sender=_as_visitor(visitor), conversation=conversation, client_msg_id=f"v{n}", body=f"besked {n}"
        )

    async def scenario():
        # The counsellor had seen up to 1; while away, two more came, and one arrives as they say hello.
        adult = await _connect(counsellor, conversation.pk, after=None)
        await sync_to_async(services.post_message)(
            sender=_as_visitor(visitor), conversation=conversation, client_msg_id="v4", body="besked 4"
        )
        await adult.send_json_to({"type": "hello", "after": 1})
        frames = await _until(adult, "ready")
        await sync_to_async(services.post_message)(
            sender=_as_visitor(visitor), conversation=conversation, client_msg_id="v5", body="besked 5"
        )
        live = await adult.receive_json_from(timeout=3)
        nothing_more = await adult.receive_nothing(timeout=0.3)
        await adult.disconnect()
        return frames, live, nothing_more

    frames, live, nothing_more = async_to_sync(scenario)()
    assert [f["seq"] for f in frames if f["type"] == "message"] == [2, 3, 4]
    assert frames[-1] == {"type": "ready", "last_seq": 4}
    assert live["seq"] == 5 and nothing_more


def test_a_hole_in_the_live_news_is_filled_from_the_database(visitor, counsellor, conversation):
    """The channel layer drops news for a socket whose buffer is full; the numbers show the hole."""

    async def scenario():
        adult = await _connect(counsellor, conversation.pk)
        await _until(adult, "ready")
        # Message 1 is heard; message 2 is stored but its news never comes; message 3 is heard.
        await sync_to_async(services.post_message)(
            sender=_as_visitor(visitor), conversation=conversation, client_msg_id="x1", body="først"
        )
        frames = [await adult.receive_json_from(timeout=3)]
        assert frames[0]["seq"] == 1
        await sync_to_async(Message.objects.create)(
            conversation=conversation,
            seq=2,
            sender=visitor,
            from_visitor=True,
            client_msg_id="x2",
            body="tabt nyhed",
        )
        await sync_to_async(type(conversation).objects.filter(pk=conversation.pk).update)(last_seq=2)
        await sync_to_async(services.post_message)(
            sender=_as_visitor(visitor), conversation=conversation, client_msg_id="x3", body="tredje"
        )
        frames += [await adult.receive_json_from(timeout=3), await adult.receive_json_from(timeout=3)]
        await adult.disconnect()
        return frames

    frames = async_to_sync(scenario)()
    assert [(f["seq"], f["body"]) for f in frames] == [(1, "først"), (2, "tabt nyhed"), (3, "tredje")]


def test_contact_details_are_masked_for_the_other_side_but_not_for_the_writer(
    visitor, counsellor, conversation
):
    async def scenario():
        young = await _connect(visitor, conversation.pk)
        adult = await _connect(counsellor, conversation.pk)
        await _until(young, "ready"), await _until(adult, "ready")
        await adult.send_json_to(_send("c1", "Du kan ringe til mig på 20 30 40 50"))
        own = [f for f in await _until(adult, "ack") if f["type"] == "message"]
        other = await young.receive_json_from(timeout=3)
        await young.disconnect(), await adult.disconnect()
        return own, other

    own, other = async_to_sync(scenario)()
    assert "20 30 40 50" in (own[0]["body"] if own else Message.objects.get().body)
    assert "20 30 40 50" not in other["body"]


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "malformed"),
        (json.dumps({"type": "dance"}), "unknown_type"),
        (json.dumps({"type": "hello", "after": -1}), "bad_after"),
        (json.dumps({"type": "send", "client_msg_id": 5, "body": "x"}), "malformed"),
        ("x" * 20_000, "too_big"),
    ],
)
def test_a_bad_frame_gets_a_clear_error_and_the_connection_stays_usable(visitor, conversation, frame, code):
    async def scenario():
        young = await _connect(visitor, conversation.pk)
        await _until(young, "ready")
        await young.send_to(text_data=frame)
        error = await young.receive_json_from(timeout=3)
        await young.send_json_to({"type": "ping"})
        pong = await young.receive_json_from(timeout=3)
        await young.disconnect()
        return error, pong

    error, pong = async_to_sync(scenario)()
    assert (error["type"], error["code"]) == ("error", code)
    assert pong == {"type": "pong"}


def test_sending_before_hello_is_refused_and_nothing_is_stored(visitor, conversation):
    async def scenario():
        young = await _connect(visitor, conversation.pk, after=None)
        await young.send_json_to(_send("early", "hej"))
        error = await young.receive_json_from(timeout=3)
        await young.disconnect()
        return error

    assert async_to_sync(scenario)()["code"] == "hello_first"
    assert not Message.objects.exists()


def test_an_empty_message_is_refused_with_a_reason(visitor, conversation):
    async def scenario():
        young = await _connect(visitor, conversation.pk)
        await _until(young, "ready")
        await young.send_json_to(_send("e1", "   "))
        refused = await young.receive_json_from(timeout=3)
        await young.disconnect()
        return refused

    refused = async_to_sync(scenario)()
    assert refused["type"] == "refused" and refused["client_msg_id"] == "e1" and refused["reasons"]


def test_someone_outside_the_conversation_is_told_it_does_not_exist(make_member, conversation):
    async def scenario():
        socket = WebsocketCommunicator(APP, f"/ws/chat/{conversation.pk}/")
        socket.scope["user"] = await sync_to_async(make_member)("Udenfor")
        return await socket.connect()

    assert async_to_sync(scenario)() == (False, 4404)


def test_numbers_stay_in_order_when_both_sides_write_at_once(visitor, counsellor, conversation):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip(
            "the SQLite test database is in memory with a shared cache, where a second writer fails at "
            "once instead of waiting; the site's file database waits (busy_timeout, IMMEDIATE transactions)"
        )

    def write(who, prefix):
        try:
            for n in range(10):
                services.post_message(
                    sender=who, conversation=conversation, client_msg_id=f"{prefix}{n}", body=f"{prefix} {n}"
                )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(
            pool.map(
                lambda args: write(*args), [(_as_visitor(visitor), "v"), (_as_counsellor(counsellor), "c")]
            )
        )
    seqs = list(
        Message.objects.filter(conversation=conversation).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, 21))


def test_a_ping_delivers_a_stored_message_whose_news_never_came(visitor, counsellor, conversation):
    """A process that dies between commit and announcement: the next ping fills the gap."""

    async def scenario():
        adult = await _connect(counsellor, conversation.pk)
        await _until(adult, "ready")
        await sync_to_async(Message.objects.create)(
            conversation=conversation,
            seq=1,
            sender=visitor,
            from_visitor=True,
            client_msg_id="unannounced",
            body="gemt, aldrig meldt",
        )
        await sync_to_async(type(conversation).objects.filter(pk=conversation.pk).update)(last_seq=1)
        await adult.send_json_to({"type": "ping"})
        frames = await _until(adult, "pong")
        await adult.disconnect()
        return frames

    frames = async_to_sync(scenario)()
    assert [(f["type"], f.get("seq")) for f in frames] == [("message", 1), ("pong", None)]
