import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from config.asgi import application
from helle.core.consumers import MemberEventsConsumer
from helle.identity import services


def communicator_for(user):
    communicator = WebsocketCommunicator(MemberEventsConsumer.as_asgi(), "/ws/events/")
    communicator.scope["user"] = user
    return communicator


@pytest.mark.django_db
def test_an_anonymous_socket_is_closed():
    async def scenario():
        connected, code = await communicator_for(AnonymousUser()).connect()
        return connected, code

    assert async_to_sync(scenario)() == (False, 4401)


@pytest.mark.django_db(transaction=True)
def test_open_pages_are_told_when_the_member_logs_out_everywhere(member):
    async def scenario():
        communicator = communicator_for(member)
        connected, _ = await communicator.connect()
        assert connected
        await communicator.send_json_to({"type": "ping"})
        pong = await communicator.receive_json_from()
        # The event is sent only once the change is committed.
        await sync_to_async(services.log_out_everywhere)(member=member)
        event = await communicator.receive_json_from(timeout=2)
        await communicator.disconnect()
        return pong, event

    assert async_to_sync(scenario)() == ({"type": "pong"}, {"type": "session.ended"})


@pytest.mark.django_db
def test_the_asgi_app_refuses_sockets_from_other_sites():
    async def scenario():
        communicator = WebsocketCommunicator(
            application, "/ws/events/", headers=[(b"origin", b"https://evil.example")]
        )
        connected, _ = await communicator.connect()
        return connected

    assert async_to_sync(scenario)() is False
