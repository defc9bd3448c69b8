import pytest

from conftest import log_in
from helle.core.roles import Role
from helle.identity.models import AgeBand
from helle.letters import services
from helle.letters.models import Topic
from helle.safety import pipeline

LETTER = (
    "Hej. Jeg er så nervøs for eksamen i næste uge at jeg ikke kan sove. Min mor siger det nok går, "
    "men jeg tænker på det hele tiden. Hvad kan jeg gøre?"
)
CRISIS = "Jeg orker ikke mere. Jeg har tænkt på at tage mit eget liv, og jeg har skrevet et afskedsbrev."
ANSWER = "Kære dig. Tak fordi du skrev. Det er helt almindeligt at være nervøs før en eksamen ..."


@pytest.fixture(autouse=True)
def _fresh_safety_settings():
    pipeline.settings_changed()
    yield
    pipeline.settings_changed()


@pytest.fixture
def topic(db) -> Topic:
    return Topic.objects.get(slug="skole")  # made by the migration, like every new site's topics


@pytest.fixture
def writer(make_member):
    return make_member("Brevskriver", age_band=AgeBand.AGE_13_15)


@pytest.fixture
def counsellor(make_member):
    return make_member("Rådgiver Rita", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)


@pytest.fixture
def colleague(make_member):
    return make_member("Rådgiver Rasmus", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)


@pytest.fixture
def supervisor(make_member):
    return make_member("Supervisor Sif", role=Role.SUPERVISOR, age_band=AgeBand.OVER_25)


@pytest.fixture
def editor(make_member):
    return make_member("Redaktør Erik", role=Role.EDITOR, age_band=AgeBand.OVER_25)


@pytest.fixture
def peer(make_member):
    return make_member("Peer Pia", role=Role.PEER_ADVISER, age_band=AgeBand.AGE_18_25)


@pytest.fixture
def letter(writer, topic):
    return services.send_letter(writer=writer, topic=topic, body=LETTER, may_publish=True)


def answered(letter, counsellor, supervisor, body: str = ANSWER):
    """The letter taken, answered and approved: what the writer then has."""
    services.claim(counsellor=counsellor, letter=letter)
    letter.refresh_from_db()
    services.submit_answer(counsellor=counsellor, letter=letter, body=body)
    letter.refresh_from_db()
    services.review_answer(reviewer=supervisor, answer=letter.answer, approve=True)
    letter.refresh_from_db()
    return letter


@pytest.fixture
def as_(client):
    """A client logged in as someone (staff with their second factor)."""

    def become(person):
        client.logout()
        if person is not None:
            log_in(client, person, second_factor=True)
        return client

    return become
