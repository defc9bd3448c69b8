"""Who may open the pages of one chat, as a matrix of readers × pages. The chat belongs to an
anonymous young person (known by the key in their session) and was taken by one counsellor.
Anybody else is told it does not exist (404); a supervisor follows it silently."""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import log_in
from helle.chat import policies, services
from helle.core.roles import Role
from helle.identity.models import AgeBand

pytestmark = pytest.mark.django_db
KEY = "den-unges-nøgle"

READERS = [
    "young person",
    "stranger",
    "member",
    "peer adviser",
    "counsellor",
    "colleague",
    "supervisor",
    "admin",
]
ROLES = {
    "member": Role.MEMBER,
    "peer adviser": Role.PEER_ADVISER,
    "colleague": Role.COUNSELLOR,
    "supervisor": Role.SUPERVISOR,
    "admin": Role.ADMIN,
}
# page -> reader -> status. Left out: 404.
EXPECTED = {
    "chat:conversation": {"young person": 200, "counsellor": 302, "supervisor": 302},  # staff: to observe
    "chat:status": {"young person": 200, "counsellor": 200, "supervisor": 200},
    "chat:observe": {"young person": 302, "counsellor": 200, "supervisor": 200},
    "chat:record": {"counsellor": 200},
    "chat:notes": {"counsellor": 200, "supervisor": 200},
    "chat:transfer": {"counsellor": 200, "supervisor": 200},
    "chat:handover": {},  # nothing to take along in this chat: 404 for everyone
}


@pytest.fixture
def chat(make_member):
    counsellor = make_member("Rådgiver Rolf", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    conversation = services.join_queue(visitor_key=KEY, first_message="Hej")
    services.set_availability(counsellor=counsellor, availability="available")
    services.take_next(counsellor=counsellor)
    return conversation, counsellor


def _client_for(reader: str, counsellor, make_member) -> Client:
    client = Client()
    if reader == "young person":
        session = client.session
        session[policies.VISITOR_KEY] = KEY
        session.save()
    elif reader == "counsellor":
        log_in(client, counsellor, second_factor=True)
    elif reader in ROLES:
        role = ROLES[reader]
        person = make_member(f"Læser {reader}", role=role, age_band=AgeBand.OVER_25)
        log_in(client, person, second_factor=role not in (Role.MEMBER, Role.PEER_ADVISER))
    return client


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("page", EXPECTED)
def test_who_may_open_the_pages_of_a_chat(chat, make_member, reader, page):
    conversation, counsellor = chat
    client = _client_for(reader, counsellor, make_member)
    response = client.get(reverse(page, args=[conversation.pk]))
    assert response.status_code == EXPECTED[page].get(reader, 404), f"{reader} on {page}"


@pytest.mark.parametrize("reader", READERS)
def test_only_a_supervisor_may_take_a_chat_over(chat, make_member, reader):
    conversation, counsellor = chat
    client = _client_for(reader, counsellor, make_member)
    response = client.post(reverse("chat:take_over", args=[conversation.pk]))
    conversation.refresh_from_db()
    if reader == "supervisor":
        assert response.status_code == 302 and conversation.counsellor.nickname == "Læser supervisor"
    else:
        assert response.status_code == 404 and conversation.counsellor == counsellor


@pytest.mark.parametrize("reader", READERS)
def test_only_the_two_in_the_chat_may_end_it(chat, make_member, reader):
    conversation, counsellor = chat
    client = _client_for(reader, counsellor, make_member)
    response = client.post(reverse("chat:end", args=[conversation.pk]))
    conversation.refresh_from_db()
    if reader in ("young person", "counsellor"):
        assert response.status_code == 302 and conversation.state == "ended"
    else:
        assert response.status_code == 404 and conversation.state == "active"
