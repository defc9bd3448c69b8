import pytest

from helle.core.roles import Role
from helle.forum import services
from helle.forum.models import ModerationMode
from helle.identity.models import AgeBand, Member
from helle.safety import pipeline

HARMLESS = "Jeg har det svært med min lillebror for tiden. Har nogen gode råd?"
REPLY = "Det kender jeg godt. Prøv at sige det til ham, når I er alene."


@pytest.fixture(autouse=True)
def _fresh_safety_settings():
    pipeline.settings_changed()
    yield
    pipeline.settings_changed()


@pytest.fixture
def make_category(db):
    def make(
        name: str = "Venner",
        *,
        mode: str = ModerationMode.POST,
        age_bands=(),
        peer_advisers=(),
    ):
        category = services.create_category(actor=None, name=name, age_bands=age_bands, moderation_mode=mode)
        category.peer_advisers.set(peer_advisers)
        return category

    return make


@pytest.fixture
def trusted(make_member):
    """A member of trust level 2 (not pre-moderated as a new member)."""

    def make(nickname: str | None = None, **kwargs) -> Member:
        member = make_member(nickname, **kwargs)
        Member.objects.filter(pk=member.pk).update(trust_level=2)
        member.refresh_from_db()
        return member

    return make


@pytest.fixture
def asker(trusted):
    return trusted("Spørger")


@pytest.fixture
def helper(trusted):
    return trusted("Hjælper")


@pytest.fixture
def open_category(make_category):
    return make_category("Skole")


@pytest.fixture
def open_thread(asker, open_category):
    return services.start_thread(
        author=asker, category=open_category, title="Min lillebror", body=HARMLESS
    ).thread


@pytest.fixture
def peer_adviser(make_member):
    return make_member("Peer Pia", role=Role.PEER_ADVISER, age_band=AgeBand.AGE_18_25)


@pytest.fixture
def counsellor(make_member):
    return make_member("Rådgiver Rikke", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
