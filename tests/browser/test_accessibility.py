"""Every page of the site passes axe-core with no serious or critical violations,
in light and in dark mode, on a 360 px wide phone.

Each visit checks that it really reached the page it is named after (the right address
and status), so a redirect cannot make a page "pass" by showing another one. A failure
lists every violation with its rule id, impact, the elements and how to fix it.
"""

import contextlib
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connection
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import add_totp_device
from helle.core import clock
from helle.core import services as core_services
from helle.core.models import HelpLine
from helle.core.roles import Role
from helle.forum import services as forum_services
from helle.forum.models import ContentWarning, ModerationMode, Reaction, Thread
from helle.identity import services as identity_services
from helle.identity.models import AgeBand, Member
from helle.safety import services as safety_services
from helle.safety.models import WatchedWord

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AXE = Axe()
BLOCKING_IMPACTS = {"serious", "critical"}
PHONE = {"width": 360, "height": 800}


@dataclass(frozen=True)
class Visit:
    name: str
    who: str  # anonymous | member | peer | staff (admin, two-factor passed) | staff-new | staff-unverified
    go: Callable[[object, SimpleNamespace], None]
    covers: str = ""  # the URL name of the page, where `go` is not a plain path()


def path(url_path: str, *, status: int = 200, lands_on: str | None = None):
    """Open a page and make sure it is the page we meant (no redirect elsewhere)."""

    def go(page, env):
        response = page.goto(url_path.format(**vars(env)))
        assert response is not None
        assert response.status == status, f"{url_path} answered {response.status}"
        expected = (lands_on or url_path).format(**vars(env))
        actual = urlsplit(page.url)
        actual = actual.path + (f"?{actual.query}" if "?" in expected else "")
        assert actual == expected, f"{url_path} ended on {page.url}"

    go.url_path = url_path
    return go


def under_13(page, env):
    page.goto("/join/")
    env.fill_signup(page, nickname="Lillebror", age_band="under-13")
    assert page.locator("main a[href='tel:116111']").count() == 1


def join_with_mistakes(page, env):
    page.goto("/join/")
    page.fill("#id_nickname", "Nogen")
    page.fill("#id_new_password1", "kort")
    page.fill("#id_new_password2", "anderledes")
    page.locator("main form button[type='submit']").click()
    page.wait_for_load_state()
    assert page.locator("main [role='alert']").count() == 1
    assert page.locator("[aria-invalid='true']").count() >= 1


def login_with_mistakes(page, env):
    page.goto("/login/")
    page.fill("#id_nickname", "Nogen")
    page.fill("#id_password", "forkert-kodeord")
    page.locator("main form button[type='submit']").click()
    page.wait_for_load_state()
    assert page.locator("main [role='alert']").count() == 1


def codes_after_sign_up(page, env):
    page.goto("/join/")
    env.fill_signup(page, nickname="Nyt Medlem", age_band=AgeBand.AGE_13_15)
    page.wait_for_url("**/account/recovery-codes/")
    assert page.locator("ul.codes > li").count() == 10


def new_house_rules(page, env):
    identity_services.publish_house_rules(
        actor=env.admin,
        change_summary="Regel 9 er ny: vi siger hej, når vi kommer ind.",
        texts={
            "da": "## Husregler\n\n1. Vær venlig.\n2. Sig hej.",
            "en": "## House rules\n\n1. Be kind.\n2. Say hello.",
        },
    )
    page.goto("/account/")
    page.wait_for_url(
        lambda url: (
            urlsplit(url).path == "/rules/accept/"
            and parse_qs(urlsplit(url).query).get("next") == ["/account/"]
        )
    )
    assert page.locator("#id_accept").count() == 1


def forum_thread(page, env):
    """The conversation as its member sees it: every kind of post and badge is on the page."""
    path("/forum/thread/{thread_pk}/")(page, env)
    main = page.locator("main")
    assert main.locator(".pill--peer").count() >= 1  # the peer adviser's opening post
    assert main.locator("details.content-warning:not([open])").count() == 1
    assert main.locator(f"#post-{env.held_pk}.post--held").count() == 1  # their own, waiting
    assert main.locator(".post--helpful .pill--helpful").count() == 1
    assert main.locator(".pill--new").count() >= 1
    assert main.locator(".reaction[aria-pressed='true'] .reaction__count").count() >= 1
    assert main.locator("#draft-status[role='status']").count() == 1


def new_thread_with_mistakes(page, env):
    page.goto(f"/forum/{env.category_slug}/new/")
    page.locator("main form button[type='submit']:not([name])").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == f"/forum/{env.category_slug}/new/"
    assert page.locator("main .errorlist").count() >= 2  # a heading and a text are needed
    assert page.locator("main [aria-invalid='true']").count() >= 2


VISITS = [
    # Everyone
    Visit("front-page", "anonymous", path("/")),
    Visit("help", "anonymous", path("/help/")),
    Visit("privacy", "anonymous", path("/privacy/")),
    Visit("house-rules", "anonymous", path("/rules/")),
    Visit("join", "anonymous", path("/join/")),
    Visit("join-with-mistakes", "anonymous", join_with_mistakes, "identity:signup"),
    Visit("under-13", "anonymous", under_13, "identity:signup"),
    Visit("log-in", "anonymous", path("/login/")),
    Visit("log-in-with-mistakes", "anonymous", login_with_mistakes, "identity:login"),
    Visit("recover", "anonymous", path("/login/recover/")),
    Visit("not-found", "anonymous", path("/no-such-page/", status=404)),
    # Members
    Visit("recovery-codes-after-sign-up", "anonymous", codes_after_sign_up, "identity:recovery_codes_new"),
    Visit("front-page-logged-in", "member", path("/")),
    Visit("account", "member", path("/account/")),
    Visit("change-password", "member", path("/account/password/")),
    Visit("your-data", "member", path("/account/privacy/")),
    Visit("delete-account", "member", path("/account/privacy/delete/")),
    Visit("new-recovery-codes", "member", path("/account/recovery-codes/new/")),
    Visit("accept-new-house-rules", "member", new_house_rules, "identity:rules_accept"),
    Visit("staff-page-for-a-member", "member", path("/staff/", status=404)),
    # Staff
    Visit("two-factor-setup", "staff-new", path("/login/two-factor/")),
    Visit("two-factor-code", "staff-unverified", path("/login/two-factor/")),
    Visit("staff-home", "staff", path("/staff/")),
    Visit("staff-people", "staff", path("/staff/people/")),
    Visit("staff-person", "staff", path("/staff/people/{person_pk}/")),
    Visit("staff-trust", "staff", path("/staff/trust/")),
    Visit("staff-rules", "staff", path("/staff/rules/")),
    Visit("staff-help-lines", "staff", path("/staff/help-lines/")),
    Visit("staff-help-line-new", "staff", path("/staff/help-lines/new/")),
    Visit("staff-help-line-edit", "staff", path("/staff/help-lines/{help_line_pk}/")),
    Visit("staff-opening-hours", "staff", path("/staff/opening-hours/")),
    Visit("staff-audit-log", "staff", path("/staff/audit/")),
    # Safety: reporting, decisions about you, moderation.
    Visit("report", "member", path("/report/identity.member/{troll_pk}/")),
    Visit("decisions-about-you", "member", path("/account/decisions/")),
    Visit("statement-of-reasons", "member", path("/account/decisions/{statement_pk}/")),
    Visit("review-queue", "staff", path("/moderation/")),
    Visit("review-item", "staff", path("/moderation/{item_pk}/")),
    Visit("appeals", "staff", path("/staff/appeals/")),
    Visit("appeal-decide", "staff", path("/staff/appeals/{appeal_pk}/")),
    Visit("watched-words", "staff", path("/staff/watched-words/")),
    Visit(
        "watched-words-try-it",
        "staff",
        path("/staff/watched-words/?text=ring+p%C3%A5+20+30+40+50&surface=forum&trust_level=0"),
        "safety:watched_words",
    ),
    Visit("watched-word-edit", "staff", path("/staff/watched-words/{word_pk}/")),
    Visit("safety-policy", "staff", path("/staff/safety-policy/")),
    # Forum
    Visit("forum", "anonymous", path("/forum/")),
    Visit("forum-logged-in", "member", path("/forum/")),
    Visit("forum-for-a-peer-adviser", "peer", path("/forum/")),
    Visit("forum-category", "member", path("/forum/{category_slug}/")),
    Visit("forum-category-anonymous", "anonymous", path("/forum/{category_slug}/")),
    Visit("forum-thread", "member", forum_thread, "forum:thread"),
    Visit("forum-thread-anonymous", "anonymous", path("/forum/thread/{thread_pk}/")),
    Visit("forum-thread-moderator", "staff", path("/forum/thread/{thread_pk}/")),
    Visit("forum-new-thread", "member", path("/forum/{category_slug}/new/")),
    Visit("forum-new-thread-with-mistakes", "member", new_thread_with_mistakes, "forum:new_thread"),
    Visit("forum-edit", "member", path("/forum/post/{held_pk}/edit/")),
    Visit("forum-delete", "member", path("/forum/post/{held_pk}/delete/")),
    Visit("forum-notifications", "member", path("/forum/notifications/")),
    Visit("forum-bookmarks", "member", path("/forum/bookmarks/")),
    Visit("forum-search", "member", path("/forum/search/?q=ringe")),
    Visit("forum-search-nothing-found", "member", path("/forum/search/?q=giraf")),
    Visit("forum-leave", "anonymous", path("/forum/leave/?to=https://www.example.org/")),
    Visit("forum-leave-not-a-web-page", "anonymous", path("/forum/leave/?to=javascript:alert(1)")),
    Visit("forum-waiting", "peer", path("/forum/waiting/")),
    Visit("forum-moderate-post", "staff", path("/forum/post/{held_pk}/moderate/")),
    Visit("forum-moderate-thread", "staff", path("/forum/thread/{thread_pk}/moderate/")),
    Visit("forum-staff-categories", "staff", path("/staff/forum/")),
    Visit("forum-staff-category-new", "staff", path("/staff/forum/new/")),
    Visit("forum-staff-category-edit", "staff", path("/staff/forum/{category_pk}/")),
    Visit("forum-new-prompt", "staff", path("/forum/{category_slug}/prompt/")),
]


# URL names that are not pages to look at: actions that only take a POST, downloads,
# the fragment the join form fetches, and the health check.
NOT_PAGES = {
    "core:healthz",
    "core:staff_help_line_delete",
    "core:staff_opening_hours_delete",
    "forum:bookmark",
    "forum:draft",
    "forum:follow",
    "forum:helpful",
    "forum:react",
    "forum:reply",
    "forum:warning",
    "identity:export",
    "identity:logout",
    "identity:logout_everywhere",
    "identity:nickname_check",
    "identity:recovery_codes_download",
    "identity:set_language",
}


def _url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern.url_patterns, inner)
        elif pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_page_of_the_site_is_checked():
    """A new page must join VISITS (or NOT_PAGES, if it is no page) to be checked too."""
    covered = set()
    for visit in VISITS:
        if visit.covers:
            covered.add(visit.covers)
        else:
            with contextlib.suppress(Resolver404):  # the "page not found" visit
                url_path = urlsplit(visit.go.url_path.format_map(defaultdict(lambda: 1))).path
                covered.add(resolve(url_path).view_name)
    missing = _url_names(get_resolver().url_patterns) - covered - NOT_PAGES
    assert not missing, f"Pages without an accessibility check: {sorted(missing)}"


def blocking_violations(page) -> list[dict]:
    results = AXE.run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"\n{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"  - {target}\n      {node['html'][:200]}\n      {summary}")
    return "\n".join(lines)


def make_forum(*, admin, member, supervisor, troll, peer, helper) -> SimpleNamespace:
    """A forum with every kind of post a page can show. Replies tell their followers with
    live events after commit, so this runs on a thread of its own too (see below)."""
    friends = forum_services.create_category(
        actor=admin,
        name="Venner og familie",
        description="Når det driller med venner, kærester eller derhjemme.",
        moderation_mode=ModerationMode.PRE_NEW,
    )
    forum_services.save_category(actor=admin, category=friends, peer_advisers=[peer])
    school = forum_services.create_category(
        actor=admin,
        name="Skole og fremtid",
        description="Lektier, eksamen og alt det, der skal ske bagefter.",
        moderation_mode=ModerationMode.POST,
    )
    forum_services.create_category(
        actor=admin, name="Kun for 13-17 år", age_bands=[AgeBand.AGE_13_15, AgeBand.AGE_16_17]
    )
    thread = forum_services.start_thread(
        author=peer,
        category=friends,
        title="Min bedste veninde er flyttet",
        body="Hun er flyttet til Aarhus, og vi ses næsten aldrig. Hvordan holder man fast i et venskab?",
    ).thread
    # The member's first reply waits for a moderator (a new member in a "pre_new" section);
    # they changed it once, so the moderators see an earlier version too.
    held = forum_services.post_reply(
        author=member, thread=thread, body="Jeg kender det godt, min ven flyttede også."
    )
    forum_services.edit_post(
        author=member, post=held, body="Jeg kender det godt. Min bedste ven flyttede også sidste år."
    )
    helpful = forum_services.post_reply(
        author=helper,
        thread=thread,
        body="Vi aftalte at ringe sammen hver søndag, og det hjalp **faktisk** meget.",
    )
    forum_services.post_reply(
        author=supervisor,
        thread=thread,
        body="Det er helt normalt at savne nogen så meget, at det gør ondt.",
        content_warning=ContentWarning.GRIEF,
    )
    forum_services.mark_helpful(member=peer, post=helpful)
    for reader, kind in (
        (member, Reaction.Kind.HUG),
        (troll, Reaction.Kind.HUG),
        (admin, Reaction.Kind.SAME),
    ):
        forum_services.toggle_reaction(member=reader, post=helpful, kind=kind)
    forum_services.toggle_bookmark(member=member, post=helpful)
    forum_services.start_thread(
        author=admin,
        category=friends,
        title="Ugens spørgsmål: Hvad gør du, når du er ked af det?",
        body="Nogle går en tur, andre hører musik. Hvad hjælper dig?",
        prompt=True,
        featured=True,
    )
    waiting = forum_services.start_thread(
        author=helper,
        category=school,
        title="Hvordan får man styr på lektierne?",
        body="Jeg kommer hele tiden bagud og ved ikke, hvor jeg skal starte.",
    ).thread
    Thread.objects.filter(pk=waiting.pk).update(publish_at=clock.now() - timedelta(hours=8))
    return SimpleNamespace(
        category_pk=friends.pk, category_slug=friends.slug, thread_pk=thread.pk, held_pk=held.pk
    )


@pytest.fixture
def env(make_member, live_server, fill_signup) -> SimpleNamespace:
    admin = make_member("Admin Anker", role=Role.ADMIN, age_band=AgeBand.OVER_25)
    member = make_member("Solsikke")
    help_line = HelpLine.objects.order_by("pk").first() or core_services.save_help_line(
        actor=admin,
        help_line=HelpLine(country="DK", name="Børnetelefonen", phone="116 111"),
        texts={"da": {"description": "Gratis og anonym rådgivning.", "hours": "Hele døgnet"}},
    )
    troll = make_member("Trolden")
    supervisor = make_member("Supervisor Sus", role=Role.SUPERVISOR, age_band=AgeBand.OVER_25)
    peer = make_member("Peer Pia", role=Role.PEER_ADVISER, age_band=AgeBand.AGE_18_25)
    helper = make_member("Hjælper")
    Member.objects.filter(pk=helper.pk).update(trust_level=2)  # not pre-moderated any more
    helper.refresh_from_db()

    def moderation_history():
        # Sanctions send live events after commit; that must not happen on the thread that
        # runs Playwright's event loop, so the history is made on a thread of its own.
        item = safety_services.report(reporter=member, target=troll, category="harassment", note="Han er led")
        given = safety_services.sanction(
            moderator=supervisor,
            member=member,
            kind="warn",
            house_rule=2,
            reason="Du skrev noget grimt til en anden.",
        )
        appeal = safety_services.appeal(
            member=member, statement=given.statement, text="Det var en misforståelse."
        )
        word = safety_services.save_watched_word(
            actor=admin, word=WatchedWord(pattern="skolefjols", label="harassment", action="hold")
        )
        forum = make_forum(
            admin=admin, member=member, supervisor=supervisor, troll=troll, peer=peer, helper=helper
        )
        connection.close()
        return item, given, appeal, word, forum

    with ThreadPoolExecutor(max_workers=1) as pool:
        item, given, appeal, word, forum = pool.submit(moderation_history).result()
    return SimpleNamespace(
        admin=admin,
        member=member,
        person_pk=member.pk,
        help_line_pk=help_line.pk,
        fill_signup=fill_signup,
        troll_pk=troll.pk,
        item_pk=item.item.pk,
        statement_pk=given.statement.pk,
        appeal_pk=appeal.pk,
        word_pk=word.pk,
        peer=peer,
        **vars(forum),
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("visit", VISITS, ids=[v.name for v in VISITS])
def test_the_page_has_no_serious_accessibility_problems(
    visit, scheme, env, new_context, log_in_browser, make_member
):
    context = new_context(width=PHONE["width"], height=PHONE["height"], color_scheme=scheme)
    if visit.who == "member":
        log_in_browser(context, env.member)
    elif visit.who == "peer":
        log_in_browser(context, env.peer)
    elif visit.who == "staff":
        log_in_browser(context, env.admin, second_factor=True)
    elif visit.who == "staff-new":
        counsellor = make_member("Rådgiver Rolf", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
        log_in_browser(context, counsellor)
    elif visit.who == "staff-unverified":
        add_totp_device(env.admin)
        log_in_browser(context, env.admin)
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)

    visit.go(page, env)

    if visit.who == "staff-new":
        assert page.locator(".qr svg").count() == 1
        assert TOTPDevice.objects.filter(user__nickname="Rådgiver Rolf", confirmed=False).exists()
    if visit.who == "staff-unverified":
        assert page.locator(".qr").count() == 0
    violations = blocking_violations(page)
    assert not violations, f"{visit.name} ({scheme}) at {page.url}:{describe(violations)}"
