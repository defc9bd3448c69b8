"""Browser journeys in real Chromium (Debian's package) driven by Playwright's sync API.

Every test here runs against pytest-django's live server (a transactional database) in a
fresh browser context. The tests are skipped, with a clear reason, where Chromium is not
installed; CI installs it (`apt-get install chromium`).
"""

import importlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from conftest import log_in
from helle.identity.models import Member

CHROMIUM = Path(os.environ.get("HELLE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a slow CI machine, short enough that a broken page fails quickly.
TIMEOUT_MS = 10_000

MISSING_CHROMIUM = (
    f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); the browser tests need it."
)

_HERE = Path(__file__).parent.resolve()


def pytest_configure(config):
    # pytest-xdist declares this marker; declare it too for runs with `-p no:xdist`.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder as a browser test and keep them on one xdist worker."""
    for item in items:
        if _HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=MISSING_CHROMIUM))


# Package scope, not session: one Chromium for all tests in this folder, stopped as soon
# as the last of them has run. While Playwright runs, its event loop counts as running in
# this thread, and tests that run after it in the same process (a Channels test calling
# async_to_sync, say) would fail with "You cannot use AsyncToSync in the same thread as
# an async event loop". The xdist group keeps these tests together on one worker.
@pytest.fixture(scope="package")
def browser(django_db_setup, django_db_blocker):
    """One Chromium for all browser tests.

    While Playwright runs, Django would refuse ORM calls from the test code
    ("SynchronousOnlyOperation"), so that check is switched off while the browser is up,
    and restored after. And asgiref then keeps Django's connections per context, so the
    test code gets a second set of connection objects; they are closed before the browser
    stops, or PostgreSQL would refuse to drop the test database while they are open.
    """
    if not CHROMIUM.exists():
        pytest.skip(MISSING_CHROMIUM)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        with django_db_blocker.unblock():
            connections.close_all()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _browser_database(transactional_db, live_server):
    """Every browser test gets the live server and the content a fresh install has.

    The live server needs a transactional database, which is emptied after each test
    (the role groups come back by themselves, from post_migrate). The first house rules,
    the help lines and the letter box's topics come from data migrations, so their seed
    functions put them back.
    """
    from django.apps import apps

    from helle.core.models import HelpLine
    from helle.identity import selectors

    if not HelpLine.objects.exists():
        importlib.import_module("helle.core.migrations.0002_seed_help_lines").seed(apps, None)
    # Adds the first house rules only where there are none.
    importlib.import_module("helle.identity.migrations.0002_first_house_rules").seed(apps, None)
    selectors.forget_current_rules_version()
    # Adds the letter box's first topics only where they are missing.
    importlib.import_module("helle.letters.migrations.0002_default_topics").add_topics(apps, None)


@pytest.fixture
def new_context(browser, live_server) -> Iterator[Callable]:
    """Make browser contexts; all of them are closed when the test ends."""
    contexts = []

    def make(
        *,
        locale: str = "da-DK",
        language: str | None = None,
        width: int = 390,
        height: int = 844,
        color_scheme: str = "light",
    ):
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport={"width": width, "height": height},
            color_scheme=color_scheme,
            reduced_motion="reduce",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        # No internet here, and helle loads nothing from other sites: fail anything that tries.
        context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
        # The live server speaks HTTP only; a logged-in page's live connection gets a
        # quiet stand-in instead of a 404 and endless reconnects.
        context.route_web_socket(re.compile(r"/ws/"), lambda ws: None)
        if language:
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
            )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh Danish context (as most visitors will see the site)."""
    return new_context().new_page()


SIGNUP_PASSWORD = "en lang og hemmelig sætning"


@pytest.fixture
def fill_signup() -> Callable:
    """Fill in and send the join form (found by field names, whatever the language)."""

    def fill(page, *, nickname: str, age_band: str, password: str = SIGNUP_PASSWORD) -> None:
        page.fill("#id_nickname", nickname)
        page.fill("#id_new_password1", password)
        page.fill("#id_new_password2", password)
        page.check(f"input[name='age_band'][value='{age_band}']")
        page.check("#id_accept_rules")
        page.locator("main form button[type='submit']").click()
        page.wait_for_load_state()

    return fill


@pytest.fixture
def log_in_browser(live_server) -> Callable:
    """Log a member into a browser context without typing: borrow the test client's session."""

    def do(context, member: Member, *, second_factor: bool = False) -> None:
        client = Client()
        log_in(client, member, second_factor=second_factor)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return do


@pytest.fixture
def asgi_server(live_server) -> Iterator[str]:
    """The whole site (HTTP and WebSockets) served by uvicorn in a thread of this process, on the
    live server's database: the chat needs WebSockets, which the live server does not speak.
    Yields the base URL. The channel layer is the in-memory one, shared within this process."""
    import socket
    import threading
    import time

    import uvicorn

    from config.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="asgi-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start for the browser test")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def asgi_context(browser, asgi_server) -> Iterator[Callable]:
    """Browser contexts on the ASGI server, with real WebSockets; log in with `member=`."""
    contexts = []

    def make(
        *, member: Member | None = None, second_factor: bool = False, width: int = 390, height: int = 844
    ):
        context = browser.new_context(
            base_url=asgi_server,
            locale="da-DK",
            viewport={"width": width, "height": height},
            reduced_motion="reduce",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.route(lambda url: not url.startswith(asgi_server), lambda route: route.abort())
        if member is not None:
            client = Client()
            log_in(client, member, second_factor=second_factor)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": asgi_server}]
            )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
