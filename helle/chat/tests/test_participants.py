"""Who reads a chat over the socket: an anonymous young person by the key in their session, the
counsellor, and a supervisor who follows silently; typing and read marks; state changes."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from config.routing import websocket_urlpatterns
from helle.chat import policies, services
from helle.chat.models import Message
from helle.core.roles import Role
from helle.identity.models import AgeBand

pytestmark = pytest.mark.django_db(transaction=True)
APP = URLRouter(websocket_urlpatterns)
KEY = "nøgle-til-en-anonym-ung"


@pytest.fixture
def counsellor(make_member):
    member = make_member("Rådgiver Rolf", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    services.set_availability(counsellor=member, availability="available")
    return member


@pytest.fixture
def waiting():
    return services.join_queue(visitor_key=KEY, first_message="Hej, er der nogen?")


async def _socket(user, conversation_id: int, *, key: str | None = None, hello: bool = True):
    socket = WebsocketCommunicator(APP, f"/ws/chat/{conversation_id}/")
    socket.scope["user"] = user
    socket.scope["session"] = {policies.VISITOR_KEY: key} if key else {}
    connected, code = await socket.connect()
    if connected and hello:
        await socket.send_json_to({"type": "hello", "after": 0})
        while (await socket.receive_json_from(timeout=3))["type"] != "ready":
            pass
    return socket, connected, code


def test_an_anonymous_young_person_is_known_by_the_key_in_their_session_and_nobody_else(waiting):
    async def scenario():
        own, connected, _ = await _socket(AnonymousUser(), waiting.pk, key=KEY, hello=False)
        await own.send_json_to({"type": "hello", "after": 0})
        first = await own.receive_json_from(timeout=3)
        await own.disconnect()
        _, stranger, code = await _socket(AnonymousUser(), waiting.pk, key="en-anden-nøgle")
        _, keyless, keyless_code = await _socket(AnonymousUser(), waiting.pk)
        return connected, first, (stranger, code), (keyless, keyless_code)

    connected, first, stranger, keyless = async_to_sync(scenario)()
    assert (
        connected and first["mine"] and first["from"] == "visitor" and first["body"] == "Hej, er der nogen?"
    )
    assert stranger == (False, 4404) and keyless == (False, 4404)


def test_taking_the_chat_tells_the_young_person_at_once(waiting, counsellor):
    async def scenario():
        young, _, _ = await _socket(AnonymousUser(), waiting.pk, key=KEY)
        await sync_to_async(services.take_next)(counsellor=counsellor)
        frame = await young.receive_json_from(timeout=3)
        await young.disconnect()
        return frame

    assert async_to_sync(scenario)() == {"type": "state", "state": "active"}


def test_typing_and_read_marks_reach_the_other_side_and_are_never_stored(waiting, counsellor):
    services.take_next(counsellor=counsellor)

    async def scenario():
        young, _, _ = await _socket(AnonymousUser(), waiting.pk, key=KEY)
        adult, _, _ = await _socket(counsellor, waiting.pk)
        await young.send_json_to({"type": "typing"})
        typing = await adult.receive_json_from(timeout=3)
        echo = await young.receive_nothing(timeout=0.2)
        await adult.send_json_to({"type": "read", "seq": 1})
        read = await young.receive_json_from(timeout=3)
        await young.disconnect()
        await adult.disconnect()
        return typing, echo, read

    typing, echo, read = async_to_sync(scenario)()
    assert typing == {"type": "typing", "from": "visitor"} and echo
    assert read == {"type": "read", "seq": 1, "from": "counsellor"}
    assert Message.objects.count() == 1


def test_a_supervisor_follows_silently_and_cannot_write(waiting, counsellor, make_member):
    services.take_next(counsellor=counsellor)
    supervisor = make_member("Supervisor Sus", role=Role.SUPERVISOR, age_band=AgeBand.OVER_25)

    async def scenario():
        watcher, connected, _ = await _socket(supervisor, waiting.pk, hello=False)
        await watcher.send_json_to({"type": "hello", "after": 0})
        backlog = await watcher.receive_json_from(timeout=3)
        await watcher.receive_json_from(timeout=3)  # ready
        await watcher.send_json_to({"type": "send", "client_msg_id": "s1", "body": "Hej fra supervisor"})
        answer = await watcher.receive_json_from(timeout=3)
        young, _, _ = await _socket(AnonymousUser(), waiting.pk, key=KEY)
        await watcher.send_json_to({"type": "typing"})
        nothing = await young.receive_nothing(timeout=0.2)
        await watcher.disconnect()
        await young.disconnect()
        return connected, backlog, answer, nothing

    connected, backlog, answer, nothing = async_to_sync(scenario)()
    assert connected and backlog["body"] == "Hej, er der nogen?" and not backlog["mine"]
    assert answer["type"] == "refused" and nothing
    assert Message.objects.count() == 1


def test_nothing_can_be_written_after_the_chat_ended(waiting, counsellor):
    services.take_next(counsellor=counsellor)
    services.end_conversation(conversation=waiting)

    async def scenario():
        young, _, _ = await _socket(AnonymousUser(), waiting.pk, key=KEY)
        await young.send_json_to({"type": "send", "client_msg_id": "late", "body": "En ting mere"})
        answer = await young.receive_json_from(timeout=3)
        await young.disconnect()
        return answer

    assert async_to_sync(scenario)()["type"] == "refused"
    assert not Message.objects.filter(client_msg_id="late").exists()
