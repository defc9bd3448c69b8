"""A young person's first visit, in real Chromium: join, save the codes, log out and in,
leave at once with quick exit; and the kind "come back when you are 13" page.

The texts on the pages are translated (Danish first), so the tests find things by ids,
names, URLs and roles, not by the words shown.
"""

import re

import pytest
from playwright.sync_api import expect

from helle.identity.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NICKNAME = "Havørn Blå"
PASSWORD = "en lang og hemmelig sætning"
NEUTRAL_SITE = "https://www.dmi.dk/"


def test_a_young_person_joins_saves_their_codes_logs_out_and_back_in(page, live_server, fill_signup):
    page.goto("/")
    page.locator(".site-nav a[href='/join/']").click()
    expect(page).to_have_url(f"{live_server.url}/join/")

    fill_signup(page, nickname=NICKNAME, age_band="16-17", password=PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/account/recovery-codes/")
    codes = page.locator("ul.codes > li")
    expect(codes).to_have_count(10)
    shown = codes.all_inner_texts()
    assert len(set(shown)) == 10
    assert all(re.fullmatch(r"[a-z0-9]{4}(-[a-z0-9]{4}){2}", code.strip()) for code in shown), shown
    member = Member.objects.get(nickname=NICKNAME)
    assert member.age_band == "16-17"
    assert member.recovery_codes.filter(used_at=None).count() == 10

    page.locator("main form button[type='submit']").click()  # "I have saved my codes"
    expect(page).to_have_url(f"{live_server.url}/")
    # The codes are shown once only.
    page.goto("/account/recovery-codes/")
    expect(page).to_have_url(f"{live_server.url}/account/")

    page.locator("form[action='/logout/'] button[type='submit']").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("form[action='/logout/']")).to_have_count(0)
    page.goto("/account/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/account/$"))

    page.fill("#id_nickname", NICKNAME)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type='submit']").click()
    expect(page).to_have_url(f"{live_server.url}/account/")
    expect(page.locator("main dl dd").first).to_have_text(NICKNAME)
    expect(page.locator("form[action='/logout/']")).to_have_count(1)


def test_a_wrong_password_does_not_log_in(page, live_server, make_member):
    make_member(NICKNAME)
    page.goto("/login/")
    page.fill("#id_nickname", NICKNAME)
    page.fill("#id_password", "not the password")
    page.locator("main form button[type='submit']").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.locator("main [role='alert']")).to_be_visible()
    expect(page.locator("form[action='/logout/']")).to_have_count(0)


@pytest.fixture
def neutral_site(page):
    """There is no internet here: the neutral site answers from the test instead."""
    page.route(
        f"{NEUTRAL_SITE}**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Vejret</title>neutral"
        ),
    )
    return page


def _history_length(page) -> int:
    return page.evaluate("history.length")


def _assert_left_without_a_trace(page, live_server, length_before: int) -> None:
    expect(page).to_have_url(NEUTRAL_SITE)
    expect(page).to_have_title("Vejret")
    # location.replace(): the helle page was swapped for the neutral one, not added to.
    assert _history_length(page) == length_before
    page.go_back()
    # Back goes to the page before (the front page), never to the page they fled from.
    assert page.url != f"{live_server.url}/help/"
    assert page.url == f"{live_server.url}/"


def test_quick_exit_leaves_for_a_neutral_site_and_the_page_is_gone_from_history(neutral_site, live_server):
    page = neutral_site
    page.goto("/")
    page.goto("/help/")
    exit_link = page.locator("#quick-exit")
    expect(exit_link).to_be_visible()
    expect(exit_link).to_have_attribute("href", NEUTRAL_SITE)
    length_before = _history_length(page)

    exit_link.click()

    _assert_left_without_a_trace(page, live_server, length_before)


def test_pressing_escape_twice_is_a_quick_exit_too(neutral_site, live_server):
    page = neutral_site
    page.goto("/")
    page.goto("/help/")
    length_before = _history_length(page)

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")

    _assert_left_without_a_trace(page, live_server, length_before)


def test_a_single_escape_does_not_leave(neutral_site, live_server):
    page = neutral_site
    page.goto("/help/")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.url == f"{live_server.url}/help/"


def test_a_child_under_13_is_kindly_turned_away_and_nothing_is_stored(page, live_server, fill_signup):
    members_before = Member.objects.count()
    page.goto("/join/")

    fill_signup(page, nickname="Lillebror", age_band="under-13")

    # The refusal page: still on /join/, no session, and a way to call Børnetelefonen.
    expect(page).to_have_url(f"{live_server.url}/join/")
    expect(page.locator("main a[href='tel:116111']")).to_be_visible()
    expect(page.locator("main a[href='/help/']")).to_be_visible()
    expect(page.locator("#id_nickname")).to_have_count(0)
    expect(page.locator("form[action='/logout/']")).to_have_count(0)
    assert Member.objects.count() == members_before
    assert not Member.objects.filter(nickname="Lillebror").exists()


def test_an_anonymous_visitor_is_told_the_staff_pages_do_not_exist(page):
    for path in ("/staff/", "/staff/people/", "/staff/audit/"):
        response = page.goto(path)
        assert response is not None
        assert response.status == 404, path


def test_english_is_one_cookie_away(new_context):
    page = new_context(language="en").new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    danish = new_context().new_page()
    danish.goto("/")
    expect(danish.locator("html")).to_have_attribute("lang", "da")
