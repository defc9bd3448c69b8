"""The letter box in real Chromium: a young person logs in, writes a letter, sees published
answers to letters like theirs before sending it, and finds it under "My letters". A
counsellor takes it and answers it, a supervisor approves the answer (each in a browser of
their own), and the writer sees the new answer in the menu, reads it and says it helped.

The published answer the writer is shown comes from the services, on a thread of its own: an
approved answer tells its writer with a live event after commit, and that must not happen on
the thread that runs Playwright's event loop (see test_accessibility.py).

The texts on the pages are translated (Danish first), so the tests find things by ids,
names, addresses and ARIA state, not by the words shown.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from playwright.sync_api import expect

from conftest import PASSWORD
from helle.core.roles import Role
from helle.identity.models import AgeBand
from helle.letters import services
from helle.letters.models import Answer, Letter, Publication, Topic
from tests.browser.test_accessibility import blocking_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NICKNAME = "Havørn Blå"
LETTER = (
    "Hej. Jeg er så nervøs for eksamen i næste uge, at jeg ikke kan sove. Min mor siger, at det nok "
    "går, men jeg tænker på det hele tiden. Hvad kan jeg gøre?"
)
ANSWER = (
    "Kære dig. Tak fordi du skrev. Det er helt almindeligt at være nervøs før en eksamen. "
    "Prøv at trække vejret roligt: ind i fire sekunder, hold i fire, ud i seks."
)
PUBLISHED_TITLE = "Eksamensnerver"


def _on_a_thread_of_its_own(write):
    """Run a write that sends live events after commit away from Playwright's event loop."""

    def run():
        try:
            return write()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def topic() -> Topic:
    return Topic.objects.get(slug="skole")  # put back for each test by conftest


@pytest.fixture
def staff(make_member):
    return {
        Role.COUNSELLOR: make_member("Rådgiver Rita", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25),
        Role.SUPERVISOR: make_member("Supervisor Sif", role=Role.SUPERVISOR, age_band=AgeBand.OVER_25),
        Role.EDITOR: make_member("Redaktør Erik", role=Role.EDITOR, age_band=AgeBand.OVER_25),
    }


@pytest.fixture
def published(make_member, topic, staff) -> Publication:
    """An earlier letter about exams, answered and published in the archive."""
    earlier_writer = make_member("Tidligere")
    counsellor, supervisor, editor = staff[Role.COUNSELLOR], staff[Role.SUPERVISOR], staff[Role.EDITOR]

    def write():
        letter = services.send_letter(writer=earlier_writer, topic=topic, body=LETTER, may_publish=True)
        services.claim(counsellor=counsellor, letter=letter)
        letter.refresh_from_db()
        services.submit_answer(counsellor=counsellor, letter=letter, body=ANSWER)
        letter.refresh_from_db()
        services.review_answer(reviewer=supervisor, answer=letter.answer, approve=True)
        letter.refresh_from_db()
        publication = services.save_publication(
            editor=editor,
            letter=letter,
            title=PUBLISHED_TITLE,
            question="Jeg er nervøs for eksamen og kan ikke sove.",
            answer="Det er almindeligt at være nervøs. Prøv at trække vejret roligt.",
            submit=True,
        )
        return services.review_publication(reviewer=supervisor, publication=publication, approve=True)

    return _on_a_thread_of_its_own(write)


def _no_serious_accessibility_problems(page, what: str) -> None:
    violations = blocking_violations(page)
    assert not violations, f"{what} at {page.url}:{describe(violations)}"


def _submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


def test_a_member_writes_a_letter_and_reads_the_answer(
    page, live_server, make_member, new_context, log_in_browser, topic, staff, published
):
    me = make_member(NICKNAME, age_band=AgeBand.AGE_13_15)

    # Log in through the real form, and open the letter box from the menu.
    page.goto("/login/?next=/")
    page.fill("#id_nickname", NICKNAME)
    page.fill("#id_password", PASSWORD)
    _submit(page, page.locator("main form button[type='submit']"))
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("#letters-count")).to_be_hidden()  # no answers yet
    page.locator(".site-nav a[href='/letters/']").click()
    expect(page).to_have_url(f"{live_server.url}/letters/")
    page.locator("main a[href='/letters/write/']").first.click()
    expect(page).to_have_url(f"{live_server.url}/letters/write/")

    # Choose a topic, write, say yes to an anonymised version, and go on.
    page.select_option("#id_topic", str(topic.pk))
    page.fill("#id_body", LETTER)
    page.check("#id_may_publish")
    expect(page.locator("main form button[name='send']")).to_have_count(0)  # not before the next step
    _submit(page, page.locator("main form button[type='submit']"))

    # Published answers to letters like this one come first; nothing is sent yet.
    expect(page).to_have_url(f"{live_server.url}/letters/write/")
    similar = page.locator("#similar")
    expect(similar).to_be_visible()
    expect(similar.locator(f"a[href='/letters/archive/{published.pk}/']")).to_have_text(PUBLISHED_TITLE)
    expect(page.locator("#id_body")).to_have_value(LETTER)  # what was typed is all there
    expect(page.locator("#id_may_publish")).to_be_checked()
    assert not Letter.objects.filter(writer=me).exists()
    _no_serious_accessibility_problems(page, "the write page with similar answers")

    # Send it: the letter's own page, with a kind word.
    _submit(page, page.locator("main form button[name='send']"))
    letter = Letter.objects.get(writer=me)
    expect(page).to_have_url(f"{live_server.url}/letters/{letter.pk}/")
    expect(page.locator("main .messages .message--success")).to_have_count(1)
    assert letter.state == Letter.State.WAITING
    assert letter.topic == topic and letter.may_publish and letter.age_band == AgeBand.AGE_13_15
    expect(page.locator("main #answer")).to_have_count(0)
    expect(page.locator("main #estimate")).to_be_visible()  # when to expect an answer

    # "My letters" lists it.
    page.locator("main a[href='/letters/mine/']").click()
    expect(page).to_have_url(f"{live_server.url}/letters/mine/")
    mine = page.locator(f"main a[href='/letters/{letter.pk}/']")
    expect(mine).to_have_count(1)
    expect(page.locator("main .pill--new")).to_have_count(0)

    # A counsellor takes the letter from the queue and sends an answer for review ...
    counsellor = new_context().new_page()
    log_in_browser(counsellor.context, staff[Role.COUNSELLOR], second_factor=True)
    counsellor.goto("/answering/")
    _submit(counsellor, counsellor.locator(f"form[action='/answering/{letter.pk}/claim/'] button"))
    expect(counsellor).to_have_url(f"{live_server.url}/answering/{letter.pk}/")
    expect(counsellor.locator("main section[aria-label]")).to_contain_text("nervøs for eksamen")
    counsellor.fill("#id_body", ANSWER)
    _submit(counsellor, counsellor.locator("main button[name='action'][value='submit']"))
    expect(counsellor).to_have_url(f"{live_server.url}/answering/")
    letter.refresh_from_db()
    assert letter.state == Letter.State.IN_REVIEW

    # ... which the writer does not see before a second person approved it.
    page.reload()
    expect(page.locator("main .pill--new")).to_have_count(0)
    expect(page.locator("#letters-count")).to_be_hidden()

    # A supervisor reads it and approves it.
    supervisor = new_context().new_page()
    log_in_browser(supervisor.context, staff[Role.SUPERVISOR], second_factor=True)
    supervisor.goto("/answering/review/")
    supervisor.locator(f"main a[href='/answering/{letter.pk}/review/']").click()
    expect(supervisor).to_have_url(f"{live_server.url}/answering/{letter.pk}/review/")
    expect(supervisor.locator("#id_body")).to_have_value(ANSWER)
    _submit(supervisor, supervisor.locator("main button[name='action'][value='approve']"))
    expect(supervisor).to_have_url(f"{live_server.url}/answering/review/")
    letter.refresh_from_db()
    assert letter.state == Letter.State.ANSWERED
    assert letter.answer.state == Answer.State.APPROVED

    # The writer reloads: the menu and the list say a new answer is there.
    page.reload()
    expect(page.locator("#letters-count")).to_be_visible()
    expect(page.locator("#letters-count")).to_have_text("1")
    expect(page.locator(f"main li:has(a[href='/letters/{letter.pk}/']) .pill--new")).to_have_count(1)

    # They open the letter and read the answer; it is no longer new.
    mine.click()
    expect(page).to_have_url(f"{live_server.url}/letters/{letter.pk}/")
    expect(page.locator("main #answer")).to_contain_text("Det er helt almindeligt at være nervøs")
    expect(page.locator("#letters-count")).to_be_hidden()
    letter.refresh_from_db()
    assert letter.answer_read_at is not None
    _no_serious_accessibility_problems(page, "the letter with its answer")

    # "Did it help?" Yes.
    helped = page.locator("main button[name='helped'][value='yes']")
    expect(helped).to_have_attribute("aria-pressed", "false")
    _submit(page, helped)
    expect(page).to_have_url(f"{live_server.url}/letters/{letter.pk}/")
    expect(page.locator("main button[name='helped'][value='yes']")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("main button[name='helped'][value='no']")).to_have_attribute("aria-pressed", "false")
    letter.refresh_from_db()
    assert letter.helped is True and letter.helped_at is not None
