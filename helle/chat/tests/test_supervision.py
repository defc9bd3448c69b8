"""Staff notes, a supervisor's whisper, handing a chat to a colleague, and a supervisor taking a
chat over: the young person sees none of the notes, and the new counsellor's name at once."""

from unittest import mock

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from config.routing import websocket_urlpatterns
from conftest import log_in
from helle.chat import policies, selectors, services
from helle.chat.models import StaffNote
from helle.core.roles import Role
from helle.core.services import Refused
from helle.identity.models import AgeBand

KEY = "ung-nøgle"


@pytest.fixture
def counsellor(make_member):
    member = make_member("Rådgiver Rolf", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    services.set_availability(counsellor=member, availability="available")
    return member


@pytest.fixture
def colleague(make_member):
    member = make_member("Kollega Kim", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    services.set_availability(counsellor=member, availability="available")
    return member


@pytest.fixture
def supervisor(make_member):
    return make_member("Supervisor Sus", role=Role.SUPERVISOR, age_band=AgeBand.OVER_25)


@pytest.fixture
def chat(counsellor):
    services.join_queue(visitor_key=KEY, first_message="Hej")
    return services.take_next(counsellor=counsellor)


def _staff_client(member) -> Client:
    client = Client()
    log_in(client, member, second_factor=True)
    return client


@pytest.mark.django_db
def test_a_note_is_for_staff_and_a_supervisors_note_is_a_whisper(chat, counsellor, supervisor):
    _staff_client(counsellor).post(f"/counselling/{chat.pk}/notes/", {"body": "Virker presset."})
    _staff_client(supervisor).post(f"/counselling/{chat.pk}/notes/", {"body": "Spørg til skolen."})
    assert list(StaffNote.objects.values_list("kind", "body")) == [
        ("note", "Virker presset."),
        ("whisper", "Spørg til skolen."),
    ]
    young = Client()
    session = young.session
    session[policies.VISITOR_KEY] = KEY
    session.save()
    assert young.get(f"/counselling/{chat.pk}/notes/").status_code == 404
    assert "Spørg til skolen." not in young.get(f"/chat/{chat.pk}/").content.decode()
    assert "Spørg til skolen." in _staff_client(counsellor).get("/counselling/").content.decode()


@pytest.mark.django_db
def test_an_empty_note_is_refused_and_a_young_person_cannot_write_one(chat):
    with pytest.raises(Refused):
        services.add_note(author=policies.Participant(None, policies.COUNSELLOR), conversation=chat, body=" ")
    with pytest.raises(Refused):
        services.add_note(author=policies.Participant(None, policies.VISITOR), conversation=chat, body="Hej")


@pytest.mark.django_db
def test_handing_a_chat_on_moves_it_with_a_note_and_tells_the_colleague(chat, counsellor, colleague):
    client = _staff_client(counsellor)
    form = client.get(f"/counselling/{chat.pk}/transfer/").content.decode()
    assert "Kollega Kim" in form and "Rådgiver Rolf" not in form.split("<select")[1].split("</select>")[0]
    with mock.patch("helle.chat.services.send_to_member_on_commit") as told:
        response = client.post(
            f"/counselling/{chat.pk}/transfer/", {"to": colleague.pk, "note": "Hun er 14."}
        )
    assert response.status_code == 302
    chat.refresh_from_db()
    assert chat.counsellor == colleague
    assert told.call_args.args == (colleague.pk, {"type": "chat.transferred", "conversation": chat.pk})
    assert StaffNote.objects.get(kind="transfer").body == "Hun er 14."
    # The first counsellor no longer has the chat; the colleague has it in the console.
    assert client.get(f"/counselling/{chat.pk}/").status_code == 404
    assert f'data-chat="{chat.pk}"' in _staff_client(colleague).get("/counselling/").content.decode()


@pytest.mark.django_db
def test_a_chat_cannot_be_handed_to_someone_who_does_not_take_chats(chat, counsellor, make_member):
    member = make_member("Almindelig")
    with pytest.raises(Refused):
        services.transfer(
            by=policies.Participant(counsellor, policies.COUNSELLOR), conversation=chat, to=member, note=""
        )


@pytest.mark.django_db
def test_a_supervisor_takes_a_chat_over_from_the_counsellor(chat, counsellor, supervisor):
    response = _staff_client(supervisor).post(f"/counselling/{chat.pk}/take-over/")
    assert response.status_code == 302
    chat.refresh_from_db()
    assert chat.counsellor == supervisor
    assert StaffNote.objects.get(kind="transfer").author == supervisor
    # Neither the counsellor nor the young person may take a chat over.
    assert _staff_client(counsellor).post(f"/counselling/{chat.pk}/take-over/").status_code == 404


@pytest.mark.django_db
def test_a_supervisor_can_take_a_waiting_chat_straight_from_the_queue(supervisor):
    waiting = services.join_queue(visitor_key="venter", first_message="Hej?")
    _staff_client(supervisor).post(f"/counselling/{waiting.pk}/take-over/")
    waiting.refresh_from_db()
    assert waiting.state == "active" and waiting.counsellor == supervisor
    assert selectors.queue() == []


@pytest.mark.django_db(transaction=True)
def test_the_young_person_hears_of_the_transfer_and_the_old_counsellors_socket_closes(
    chat, counsellor, colleague
):
    app = URLRouter(websocket_urlpatterns)

    async def connect(user, key=None):
        socket = WebsocketCommunicator(app, f"/ws/chat/{chat.pk}/")
        socket.scope["user"] = user
        socket.scope["session"] = {policies.VISITOR_KEY: key} if key else {}
        assert (await socket.connect())[0]
        await socket.send_json_to({"type": "hello", "after": 1})
        assert (await socket.receive_json_from(timeout=3))["type"] == "ready"
        return socket

    async def scenario():
        young = await connect(AnonymousUser(), KEY)
        old = await connect(counsellor)
        await sync_to_async(services.transfer)(
            by=policies.Participant(counsellor, policies.COUNSELLOR), conversation=chat, to=colleague, note=""
        )
        heard = await young.receive_json_from(timeout=3)
        closed = await old.receive_output(timeout=3)
        await young.disconnect()
        return heard, closed

    heard, closed = async_to_sync(scenario)()
    assert heard == {"type": "state", "state": "active"}
    assert closed == {"type": "websocket.close", "code": 4404}
