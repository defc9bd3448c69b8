"""Take screenshots of helle's main pages for the docs (`make screenshots`).

The script starts a throw-away site of its own: a new SQLite database in a temporary
data folder, the demo accounts from `manage.py seed_demo`, and `manage.py serve` on a
free port. It then opens the pages in Debian's Chromium through Playwright, in Danish,
on a 390 × 844 phone screen (and the front page once on a 1280 px wide desktop), and
writes PNG files to docs/screenshots/. The server is stopped at the end, also on error.

The demo forum gets a little more than seed_demo gives it (FORUM_EXTRAS): support
reactions and a reply behind a content warning, so the thread page shows them.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "docs" / "screenshots"
CHROMIUM = Path(os.environ.get("HELLE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
NEW_MEMBER = ("Solsikke", "en lang og hemmelig sætning")
STEPS = 20
DEMO_THREAD = "Min bedste veninde er flyttet"  # from helle/forum/demo.py

# Run with `manage.py shell` after seed_demo: reactions on the peer adviser's reply and a
# reply behind a content warning from one more member (trusted, so not pre-moderated).
FORUM_EXTRAS = f"""
import secrets
from helle.forum import services
from helle.forum.models import ContentWarning, Reaction, Thread
from helle.identity import selectors, services as identity_services
from helle.identity.models import AgeBand, Member, TrustLevel

thread = Thread.objects.get(title={DEMO_THREAD!r})
peer_reply = thread.posts.get(by_peer_adviser=True, is_opening=False)
writer, _codes = identity_services.sign_up(
    nickname="Mågen", password=secrets.token_urlsafe(16), age_band=AgeBand.AGE_16_17,
    language="da", rules_version=selectors.current_rules_version(),
)
Member.objects.filter(pk=writer.pk).update(trust_level=TrustLevel.MEMBER)
writer.refresh_from_db()
for nickname, kind in [
    ("Demo Medlem", Reaction.Kind.HUG),
    ("Demo Raadgiver", Reaction.Kind.SAME),
    ("Mågen", Reaction.Kind.THANKS),
]:
    services.toggle_reaction(member=selectors.member_by_nickname(nickname), post=peer_reply, kind=kind)
services.post_reply(
    author=writer,
    thread=thread,
    body="Min bedste ven flyttede ikke – hun døde i en ulykke sidste år. Jeg savner hende hver dag, "
    "men det hjælper at skrive til hende i en notesbog. Måske kan du også skrive ting ned, "
    "du vil fortælle din veninde, og så ringe, når du har meget at sige?",
    content_warning=ContentWarning.GRIEF,
)
print("forum extras: 3 reactions, 1 reply behind a content warning")
"""


def main() -> int:
    if not CHROMIUM.exists():
        print(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium).", file=sys.stderr)
        return 1
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="helle-screenshots-") as data_dir:
        env = site_environment(Path(data_dir))
        print("Preparing a demo site in a temporary folder ...")
        manage(env, "migrate", "--noinput")
        passwords = demo_passwords(manage(env, "seed_demo"))
        manage(env, "shell", "--no-imports", "-c", FORUM_EXTRAS)
        port = free_port()
        log_path = Path(data_dir) / "server.log"
        with log_path.open("w") as log:
            server = subprocess.Popen(  # noqa: S603 - our own manage.py, no shell
                [sys.executable, "manage.py", "serve", "--port", str(port), "--no-task-worker"],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                url = f"http://127.0.0.1:{port}"
                wait_until_up(url, server)
                take_screenshots(url, env, passwords)
            except Exception:
                print(f"Failed. The server said:\n{log_path.read_text()[-3000:]}", file=sys.stderr)
                raise
            finally:
                stop(server)
    print(f"Done: the screenshots are in {OUT_DIR.relative_to(BASE_DIR)}/")
    return 0


def site_environment(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "HELLE_SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(HELLE_DATA_DIR=str(data_dir), HELLE_DEBUG="1", PYTHONUNBUFFERED="1")
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own manage.py, no shell
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def demo_passwords(seed_output: str) -> dict[str, str]:
    """seed_demo prints 'role  nickname  password: …' lines when HELLE_DEBUG is on."""
    found = dict(re.findall(r"(Demo \w+)\s+password: (\S+)", seed_output))
    for nickname in ("Demo Admin", "Demo Medlem"):
        if nickname not in found:
            raise RuntimeError(f"seed_demo printed no password for {nickname!r}:\n{seed_output}")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped at once (exit code {server.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer at {url} within {timeout:.0f} seconds")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def current_totp(env: dict[str, str], nickname: str) -> str:
    """The demo admin's two-factor code, with a few seconds left to use it."""
    while True:
        output = manage(env, "demo_totp", nickname)
        match = re.search(r"(\d{6})\s+\(valid for (\d+) more seconds\)", output)
        if not match:
            raise RuntimeError(f"demo_totp printed no code:\n{output}")
        if int(match.group(2)) >= 5:
            return match.group(1)
        time.sleep(int(match.group(2)) + 1)


def take_screenshots(url: str, env: dict[str, str], passwords: dict[str, str]) -> None:
    step = iter(range(1, STEPS + 1))

    def shot(page, name: str, label: str) -> None:
        print(f"{next(step)}/{STEPS} {label} ...", flush=True)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT_DIR / f"{name}.png")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:

            def new_page(viewport=PHONE):
                context = browser.new_context(
                    base_url=url,
                    locale="da-DK",
                    viewport=viewport,
                    color_scheme="light",
                    reduced_motion="reduce",
                )
                context.add_cookies([{"name": "django_language", "value": "da", "url": url}])
                context.set_default_timeout(15_000)
                return context.new_page()

            page = new_page()
            page.goto("/")
            shot(page, "01-front-page", "front page")

            page.goto("/join/")
            shot(page, "02-join", "join")

            nickname, password = NEW_MEMBER
            page.fill("#id_nickname", nickname)
            page.fill("#id_new_password1", password)
            page.fill("#id_new_password2", password)
            page.check("input[name='age_band'][value='16-17']")
            page.check("#id_accept_rules")
            page.locator("main form button[type='submit']").click()
            page.wait_for_url("**/account/recovery-codes/")
            shot(page, "03-recovery-codes", "recovery codes after joining")

            page.goto("/help/")
            shot(page, "04-help", "help page")

            # The new member (Solsikke) in the forum.
            page.goto("/forum/")
            shot(page, "10-forum", "forum: sections and the peer adviser's prompt")
            page.locator("main .category-list a").first.click()
            page.get_by_role("link", name=DEMO_THREAD).click()
            page.wait_for_url("**/forum/thread/*/")
            peer_reply = page.locator(".post:has(.pill--peer)").last
            peer_reply.locator("button[formaction$='/react/hug/']").click()  # htmx swaps the reactions
            peer_reply.locator("button[formaction$='/react/hug/'][aria-pressed='true']").wait_for()
            peer_reply.evaluate("post => post.scrollIntoView({block: 'start'})")
            shot(page, "11-forum-thread", "a conversation: peer adviser's badge, support, a content warning")
            page.go_back()
            page.locator("main a[href$='/new/']").click()
            page.fill("#id_title", "Hvordan siger man til sine forældre, at man er ked af det?")
            page.fill("#id_body", "Jeg har haft det skidt længe, men jeg ved ikke, hvordan jeg skal sige det")
            page.locator("#draft-status").filter(has_text=re.compile(r"\d")).wait_for()  # saved as a draft
            shot(page, "12-forum-new-thread", "starting a conversation (the draft is saved as you type)")

            # The new member writes a letter and is shown a published answer to a similar one.
            page.goto("/letters/")
            shot(page, "13-letters", "letter box: write, the estimate, published answers")
            page.goto("/letters/write/")
            page.select_option("#id_topic", label="Skole og fremtid")
            page.fill(
                "#id_body", "Jeg får så ondt i maven før prøver, at jeg næsten ikke kan sove. Hvad gør jeg?"
            )
            page.locator("main form button[type='submit']").click()
            page.locator("#similar").wait_for()
            page.locator("#similar").evaluate("box => box.scrollIntoView({block: 'start'})")
            shot(page, "14-letters-write", "before sending: answers to similar letters")

            # A young person without an account starts a chat and waits with a place and an estimate.
            page = new_page()
            page.goto("/chat/")
            shot(page, "17-chat-start", "chat: the short, optional form before the chat")
            page.select_option("#id_topic", "school")
            page.fill("#id_first_message", "Hej. Jeg er så nervøs for min eksamen i morgen.")
            page.locator("main form button[type='submit']").click()
            page.locator("[data-chat-log] [data-seq='1']").wait_for()
            shot(page, "18-chat-waiting", "chat: waiting with a place in the queue, writing already")

            page = new_page()
            log_in(page, "Demo Medlem", passwords["Demo Medlem"])
            page.goto("/account/")
            shot(page, "05-account", "account page")
            page.goto("/rooms/")
            page.locator("main .room-list a").first.click()
            page.locator("main form[action$='/join/'] button").click()
            page.wait_for_load_state()
            page.locator("[data-chat-form] textarea").fill("Hej alle, jeg er også tit alene i weekenden.")
            page.locator("[data-chat-form] button[type='submit']").click()
            page.locator("[data-chat-log] [data-seq='1']").wait_for()
            shot(page, "20-group-chat", "a group chat with a host, nicknames and the house rules")
            page.goto("/letters/mine/")
            page.locator("main .thread-list a").last.click()  # the oldest letter: answered
            page.locator("#answer").evaluate("answer => answer.scrollIntoView({block: 'start'})")
            shot(page, "15-letters-answer", "the answer in the writer's private letter box")

            page = new_page()
            log_in(page, "Demo Raadgiver", passwords["Demo Raadgiver"])
            page.wait_for_url("**/login/two-factor/**")
            page.fill("#id_token", current_totp(env, "Demo Raadgiver"))
            page.locator("main form button[type='submit']").click()
            page.wait_for_url(f"{url}/staff/")
            page.goto("/answering/")
            shot(page, "16-letters-queue", "counsellor: the letters to answer (no text before the claim)")
            page.set_viewport_size(DESKTOP)
            page.goto("/counselling/")
            page.locator("[data-chat] [data-chat-log] [data-seq='3']").first.wait_for()
            shot(page, "19-chat-console", "the counsellor's console: the queue, chats, notes, saved replies")

            page = new_page()
            log_in(page, "Demo Admin", passwords["Demo Admin"])
            page.wait_for_url("**/login/two-factor/**")
            page.fill("#id_token", current_totp(env, "Demo Admin"))
            page.locator("main form button[type='submit']").click()
            page.wait_for_url(f"{url}/staff/")
            shot(page, "06-staff", "staff home (Demo Admin, after two-factor log-in)")
            page.goto("/moderation/")
            shot(page, "08-review-queue", "review queue with the demo reports, most urgent first")
            page.goto("/staff/watched-words/")
            shot(page, "09-watched-words", "watched words with the try-it box")

            page = new_page(DESKTOP)
            page.goto("/")
            shot(page, "07-front-page-desktop", "front page on a desktop")
        finally:
            browser.close()


def log_in(page, nickname: str, password: str) -> None:
    page.goto("/login/")
    page.fill("#id_nickname", nickname)
    page.fill("#id_password", password)
    page.locator("main form button[type='submit']").click()
    page.wait_for_load_state()


if __name__ == "__main__":
    sys.exit(main())
