"""The safety pages: who may open them, and what they do."""

import pytest
from django.urls import reverse

from conftest import log_in
from helle.core.roles import Role
from helle.identity.models import AgeBand
from helle.safety import services
from helle.safety.models import Appeal, Report, ReviewItem, WatchedWord

ANONYMOUS = "anonymous"
STAFF = {Role.COUNSELLOR, Role.SUPERVISOR, Role.EDITOR, Role.RESEARCHER, Role.ADMIN}
# page -> roles that may open it
MAY_OPEN = {
    "safety:queue": {Role.PEER_ADVISER, Role.COUNSELLOR, Role.SUPERVISOR, Role.ADMIN},
    "safety:appeals": {Role.SUPERVISOR, Role.ADMIN},
    "safety:watched_words": {Role.SUPERVISOR, Role.ADMIN},
    "safety:policy": {Role.SUPERVISOR, Role.ADMIN},
}


def expected_status(role, page) -> int:
    if role in MAY_OPEN[page]:
        return 200
    if page == "safety:queue" or role not in STAFF:
        return 404  # nobody learns the page exists
    return 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ANONYMOUS, *Role], ids=str)
@pytest.mark.parametrize("page", list(MAY_OPEN))
def test_who_may_open_the_safety_pages(client, make_member, role, page):
    if role != ANONYMOUS:
        log_in(client, make_member("Rolle", role=role, age_band=AgeBand.OVER_25), second_factor=role in STAFF)
    assert client.get(reverse(page)).status_code == expected_status(role, page)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ANONYMOUS, *Role], ids=str)
def test_the_menu_links_to_the_queue_for_exactly_those_who_may_open_it(client, make_member, role):
    if role != ANONYMOUS:
        log_in(client, make_member("Rolle", role=role, age_band=AgeBand.OVER_25), second_factor=role in STAFF)
    page = client.get(reverse("core:help")).content.decode()
    menu = page.split('class="site-nav"', 1)[1].split("</nav>")[0]
    assert (f'href="{reverse("safety:queue")}"' in menu) == (role in MAY_OPEN["safety:queue"])


@pytest.mark.django_db
def test_a_member_reports_another_member_and_gets_a_thank_you(member_client, make_member):
    troll = make_member("Trolden")
    url = reverse("safety:report", args=["identity.member", troll.pk])
    empty = member_client.post(url, {"note": "han er led"})
    assert "category" in empty.context["form"].errors
    assert "han er led" in empty.content.decode()
    thanks = member_client.post(url, {"category": "harassment", "note": "han er led"})
    assert thanks.status_code == 200
    assert Report.objects.get().note == "han er led"


@pytest.mark.django_db
def test_you_cannot_report_yourself_or_unknown_things(member_client, member):
    assert member_client.get(reverse("safety:report", args=["identity.member", member.pk])).status_code == 404
    assert member_client.get(reverse("safety:report", args=["identity.member", 99999])).status_code == 404
    assert member_client.get(reverse("safety:report", args=["auth.group", 1])).status_code == 404


@pytest.mark.django_db
def test_a_moderator_claims_and_decides_from_the_review_page(client, make_member, member):
    counsellor = make_member("Raadgiver", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    item = services.report(reporter=member, target=make_member("Trolden"), category="spam").item
    log_in(client, counsellor, second_factor=True)
    url = reverse("safety:review", args=[item.pk])
    client.post(url, {"action": "claim"})
    item.refresh_from_db()
    assert item.claimed_by == counsellor
    missing_reason = client.post(url, {"action": "decide", "decide-outcome": "approve", "decide-reason": ""})
    assert "reason" in missing_reason.context["decide_form"].errors
    client.post(url, {"action": "decide", "decide-outcome": "approve", "decide-reason": "Ikke spam"})
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.DECIDED


@pytest.mark.django_db
def test_a_sanctioned_member_reads_the_statement_and_appeals(client, member, supervisor_member):
    given = services.sanction(
        moderator=supervisor_member, member=member, kind="warn", reason="Du skrev noget grimt.", house_rule=2
    )
    log_in(client, member)
    listing = client.get(reverse("safety:my_decisions"))
    assert "advarsel" in listing.content.decode().lower() or "warning" in listing.content.decode().lower()
    page = client.get(reverse("safety:statement", args=[given.statement.pk]))
    assert "Du skrev noget grimt." in page.content.decode()
    client.post(reverse("safety:statement", args=[given.statement.pk]), {"text": "Det var for sjov"})
    assert Appeal.objects.get().text == "Det var for sjov"


@pytest.mark.django_db
def test_another_members_statement_is_not_found(client, member, make_member, supervisor_member):
    given = services.sanction(
        moderator=supervisor_member, member=make_member("Anden"), kind="warn", reason="x"
    )
    log_in(client, member)
    assert client.get(reverse("safety:statement", args=[given.statement.pk])).status_code == 404


@pytest.mark.django_db
def test_the_moderator_who_decided_cannot_decide_the_appeal(client, member, supervisor_member):
    given = services.sanction(moderator=supervisor_member, member=member, kind="warn", reason="x")
    appeal = services.appeal(member=member, statement=given.statement, text="uenig")
    log_in(client, supervisor_member, second_factor=True)
    assert client.get(reverse("safety:appeal_decide", args=[appeal.pk])).status_code == 403


@pytest.mark.django_db
def test_supervisors_add_watched_words_and_try_a_text(client, supervisor_member):
    log_in(client, supervisor_member, second_factor=True)
    url = reverse("safety:watched_words")
    bad = client.post(url, {"pattern": "(", "match_type": "regex", "label": "harassment", "action": "hold"})
    assert "pattern" in bad.context["form"].errors
    client.post(
        url,
        {
            "pattern": "skolefjols",
            "match_type": "word",
            "label": "harassment",
            "action": "hold",
            "is_active": "on",
        },
    )
    assert WatchedWord.objects.get().pattern == "skolefjols"
    tried = client.get(url, {"text": "du er en SK0LEFJ0LS", "surface": "forum", "trust_level": "3"})
    assessment = tried.context["assessment"]
    assert assessment.action.value == "hold"
    assert "SK0LEFJ0LS" in tried.content.decode()


@pytest.mark.django_db
def test_counsellors_may_read_but_not_change_the_policy(client, make_member):
    counsellor = make_member("Raadgiver", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    log_in(client, counsellor, second_factor=True)
    assert client.get(reverse("safety:policy")).status_code == 403
