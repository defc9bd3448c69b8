"""Who may read a letter: its writer, the counsellor who holds it, supervisors, and an editor once
it is answered and the writer said yes to publication. Everybody else is told it does not exist."""

import pytest
from django.urls import reverse

from helle.core.roles import Role
from helle.identity.models import AgeBand
from helle.letters import services
from helle.letters.tests.conftest import answered

WRITER, OTHER_MEMBER, ANONYMOUS, HOLDER, COUNSELLOR, PEER, SUPERVISOR, EDITOR, RESEARCHER, ADMIN = (
    "writer",
    "other member",
    "anonymous",
    "counsellor who holds it",
    "another counsellor",
    "peer adviser",
    "supervisor",
    "editor",
    "researcher",
    "admin",
)
PEOPLE = [WRITER, OTHER_MEMBER, ANONYMOUS, HOLDER, COUNSELLOR, PEER, SUPERVISOR, EDITOR, RESEARCHER, ADMIN]

# (the writer's page, the answering page) for a letter a counsellor holds, not yet answered.
WHILE_ANSWERING = {
    WRITER: (200, 404),  # the answering pages are not for members
    OTHER_MEMBER: (404, 404),
    ANONYMOUS: (302, 404),  # to log in; the answering page does not exist for them
    HOLDER: (302, 200),  # the writer's page sends staff to the answering page
    COUNSELLOR: (404, 404),
    PEER: (404, 404),
    SUPERVISOR: (302, 200),
    EDITOR: (404, 404),
    RESEARCHER: (404, 404),
    ADMIN: (404, 404),
}


@pytest.fixture
def people(writer, make_member, counsellor, colleague, supervisor, editor, peer):
    return {
        WRITER: writer,
        OTHER_MEMBER: make_member("Nysgerrig"),
        ANONYMOUS: None,
        HOLDER: counsellor,
        COUNSELLOR: colleague,
        PEER: peer,
        SUPERVISOR: supervisor,
        EDITOR: editor,
        RESEARCHER: make_member("Forsker Frida", role=Role.RESEARCHER, age_band=AgeBand.OVER_25),
        ADMIN: make_member("Admin Adam", role=Role.ADMIN, age_band=AgeBand.OVER_25),
    }


@pytest.mark.parametrize("who", PEOPLE)
def test_a_letter_being_answered_is_read_only_by_its_writer_its_counsellor_and_supervisors(
    who, people, letter, counsellor, as_
):
    services.claim(counsellor=counsellor, letter=letter)
    client = as_(people[who])
    own_page = client.get(reverse("letters:letter", args=[letter.pk])).status_code
    answering_page = client.get(reverse("letters:staff_letter", args=[letter.pk])).status_code
    assert (own_page, answering_page) == WHILE_ANSWERING[who]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("consent", [True, False])
def test_an_editor_reads_an_answered_letter_only_with_the_writers_consent(
    who, consent, people, letter, counsellor, supervisor, as_
):
    answered(letter, counsellor, supervisor)
    services.set_consent(writer=letter.writer, letter=letter, may_publish=consent)
    status = as_(people[who]).get(reverse("letters:publication_edit", args=[letter.pk])).status_code
    if who == EDITOR:
        assert status == (200 if consent else 404)
    elif who in (SUPERVISOR, RESEARCHER, ADMIN, HOLDER, COUNSELLOR):
        assert status == 403  # staff without the right to publish
    else:
        assert status == 404


def test_a_letter_in_the_queue_is_not_readable_before_it_is_claimed(letter, colleague, as_):
    assert as_(colleague).get(reverse("letters:staff_letter", args=[letter.pk])).status_code == 404


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_writer_changes_consent_says_if_it_helped_and_follows_up(
    who, people, letter, counsellor, supervisor, as_
):
    answered(letter, counsellor, supervisor)
    client = as_(people[who])
    responses = [
        client.post(reverse("letters:consent", args=[letter.pk]), {"may_publish": "no"}).status_code,
        client.post(reverse("letters:helped", args=[letter.pk]), {"helped": "yes"}).status_code,
        client.post(reverse("letters:follow_up", args=[letter.pk]), {"body": "Tak"}).status_code,
    ]
    letter.refresh_from_db()
    if who == WRITER:
        assert responses == [302, 302, 302]
        assert not letter.may_publish and letter.helped is True
    else:
        assert all(status in (302, 404) for status in responses)
        assert letter.may_publish and letter.helped is None
        if who != ANONYMOUS:
            assert responses == [404, 404, 404]
