"""The forum in real Chromium: a young person joins, starts a conversation, gets a reply,
gives support with a reaction, opens a post behind a content warning, and loses nothing
they were typing when the page is reloaded.

The other member's replies are written through the services on a thread of their own:
a reply tells the followers with a live event after commit, and that must not happen on
the thread that runs Playwright's event loop (see test_accessibility.py).

The texts on the pages are translated (Danish first), so the tests find things by ids,
names, addresses and ARIA state, not by the words shown.
"""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from playwright.sync_api import expect

from helle.forum import services
from helle.forum.models import ContentWarning, Draft, ModerationMode, Post, Reaction, Thread
from helle.identity.models import AgeBand, Member

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NICKNAME = "Havørn Blå"
TITLE = "Min bedste ven er flyttet"
OPENING = "Han er flyttet til Aarhus, og vi ses næsten aldrig mere. Hvordan holder man fast i et venskab?"
REPLY = "Det har jeg også prøvet. Vi aftalte at ringe sammen hver søndag, og det hjalp faktisk."
WARNED = "Min morfar døde sidste år, og jeg savnede ham meget. Det blev lettere med tiden."
DRAFT = "Tak for jeres svar, jeg prøver at ringe til ham på søndag"
TIMEOUT_MS = 10_000  # as in conftest.py


def _on_a_thread_of_its_own(write):
    """Run a write that sends live events after commit away from Playwright's event loop."""

    def run():
        try:
            return write()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _replies_from(other: Member, thread: Thread) -> tuple[Post, Post]:
    def write():
        plain = services.post_reply(author=other, thread=thread, body=REPLY)
        warned = services.post_reply(
            author=other, thread=thread, body=WARNED, content_warning=ContentWarning.GRIEF
        )
        return plain, warned

    return _on_a_thread_of_its_own(write)


@pytest.fixture
def section():
    """A section where posts are shown at once and moderated afterwards."""
    return services.create_category(
        actor=None,
        name="Venner og familie",
        description="Når det driller med venner, kærester eller derhjemme.",
        moderation_mode=ModerationMode.POST,
    )


def test_a_new_member_starts_a_conversation_gets_a_reply_and_gives_support(
    page, live_server, fill_signup, make_member, section
):
    # Join through the real sign-up form and put the recovery codes away.
    page.goto("/join/")
    fill_signup(page, nickname=NICKNAME, age_band=AgeBand.AGE_16_17)
    expect(page).to_have_url(f"{live_server.url}/account/recovery-codes/")
    page.locator("main form button[type='submit']").click()
    expect(page).to_have_url(f"{live_server.url}/")
    me = Member.objects.get(nickname=NICKNAME)

    # The forum, the section, the form for a new conversation.
    page.locator(".site-nav a[href='/forum/']").click()
    expect(page).to_have_url(f"{live_server.url}/forum/")
    page.locator(f"main a[href='/forum/{section.slug}/']").click()
    expect(page).to_have_url(f"{live_server.url}/forum/{section.slug}/")
    page.locator(f"main a[href='/forum/{section.slug}/new/']").click()
    expect(page).to_have_url(f"{live_server.url}/forum/{section.slug}/new/")

    page.fill("#id_title", TITLE)
    page.fill("#id_body", OPENING)
    page.locator("main form button[type='submit']:not([name])").click()

    # The conversation is shown at once (a "post" section), to its writer with a kind word.
    expect(page).to_have_url(re.compile(r"/forum/thread/\d+/$"))
    thread = Thread.objects.get(title=TITLE)
    assert thread.author == me
    assert thread.state == Thread.State.VISIBLE
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator("main .messages .message--success")).to_have_count(1)
    opening = page.locator(f"#post-{thread.posts.get().pk}")
    expect(opening.locator(".post__body")).to_contain_text(OPENING)
    expect(opening.locator(".pill--new")).to_have_count(0)  # your own post is never "new" to you
    # Nobody reacts to their own words.
    expect(opening.locator(".reactions button")).to_have_count(0)

    # Another member answers: once plainly, once behind a content warning.
    other = make_member("Solsikke", age_band=AgeBand.AGE_18_25)
    reply, warned = _replies_from(other, thread)
    assert reply.state == warned.state == Post.State.VISIBLE

    page.reload()
    shown = page.locator(f"#post-{reply.pk}")
    expect(shown.locator(".post__body")).to_contain_text(REPLY)
    expect(shown.locator(".pill--new")).to_have_count(1)
    expect(page.locator(f"main a[href='#post-{reply.pk}']")).to_have_count(1)  # "first new post"

    # A hug for the reply: htmx swaps the reactions in place, the page stays.
    page.evaluate("window.stayedOnThePage = true")
    hug = shown.locator(f"button[formaction='/forum/post/{reply.pk}/react/hug/']")
    expect(hug).to_have_attribute("aria-pressed", "false")
    expect(hug.locator(".reaction__count")).to_have_count(0)
    hug.focus()
    page.keyboard.press("Enter")
    expect(hug).to_have_attribute("aria-pressed", "true")
    expect(hug.locator(".reaction__count")).to_have_text("1")
    # The swapped-in button has the keyboard focus again, so nobody loses their place.
    expect(hug).to_be_focused()
    assert page.evaluate("window.stayedOnThePage === true")
    assert Reaction.objects.filter(post=reply, member=me, kind=Reaction.Kind.HUG).count() == 1

    # The words behind a content warning stay folded until the reader chooses to open them.
    behind = page.locator(f"#post-{warned.pk} details.content-warning")
    expect(behind).not_to_have_attribute("open", re.compile(".*"))
    expect(behind.locator(".post__body")).to_be_hidden()
    behind.locator("summary").click()
    expect(behind).to_have_attribute("open", "")
    expect(behind.locator(".post__body")).to_be_visible()
    expect(behind.locator(".post__body")).to_contain_text(WARNED)

    # What is typed in the reply box is saved as a draft, and is there after a reload.
    box = page.locator("#id_body")
    box.click()
    box.press_sequentially(DRAFT)
    # "Draft saved at 14:32 …", some 1.5 seconds after the last key.
    expect(page.locator("#draft-status")).to_have_text(re.compile(r"\d{1,2}[:.]\d{2}"), timeout=8_000)
    assert Draft.objects.get(member=me, key=f"thread:{thread.pk}").body == DRAFT
    page.reload()
    expect(page.locator("#id_body")).to_have_value(DRAFT)
    # The hug is still there after the reload, and the replies are no longer new.
    expect(hug).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#post-{reply.pk} .pill--new")).to_have_count(0)


@pytest.fixture
def page_without_javascript(browser, live_server):
    """A Danish phone page with JavaScript switched off (the forum must work without it)."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="da-DK",
        viewport={"width": 390, "height": 844},
        java_script_enabled=False,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    yield context.new_page()
    context.close()


def test_a_reaction_works_without_javascript(page_without_javascript, log_in_browser, make_member, section):
    page = page_without_javascript
    asker = make_member("Spørger")
    helper = make_member("Hjælper")
    thread = services.start_thread(author=asker, category=section, title=TITLE, body=OPENING).thread
    reply, _warned = _replies_from(helper, thread)
    log_in_browser(page.context, asker)

    page.goto(f"/forum/thread/{thread.pk}/")
    thanks = page.locator(f"button[formaction='/forum/post/{reply.pk}/react/thanks/']")
    expect(thanks).to_have_attribute("aria-pressed", "false")
    thanks.click()
    page.wait_for_load_state()
    # The form's own POST, then a redirect back to the post on a fresh page.
    expect(page).to_have_url(re.compile(rf"/forum/thread/{thread.pk}/#post-{reply.pk}$"))
    expect(thanks).to_have_attribute("aria-pressed", "true")
    expect(thanks.locator(".reaction__count")).to_have_text("1")
    # The page is scrolled to the post, and its first line is not hidden by the sticky header.
    header_bottom = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom")
    post_top = page.evaluate(f"document.getElementById('post-{reply.pk}').getBoundingClientRect().top")
    assert page.evaluate("window.scrollY") > 0
    assert post_top >= header_bottom, f"the post starts at {post_top}px, under the header ({header_bottom}px)"
    assert Reaction.objects.filter(post=reply, member=asker, kind=Reaction.Kind.THANKS).count() == 1
