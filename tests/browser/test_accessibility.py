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
from helle.chat import policies as chat_policies
from helle.chat import services as chat_services
from helle.core import clock
from helle.core import services as core_services
from helle.core.models import HelpLine
from helle.core.roles import Role
from helle.forum import services as forum_services
from helle.forum.models import ContentWarning, ModerationMode, Reaction, Thread
from helle.identity import services as identity_services
from helle.identity.models import AgeBand, Member
from helle.letters import services as letter_services
from helle.letters.models import Letter, Snippet, Topic
from helle.safety import services as safety_services
from helle.safety.models import WatchedWord

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AXE = Axe()
BLOCKING_IMPACTS = {"serious", "critical"}
PHONE = {"width": 360, "height": 800}


@dataclass(frozen=True)
class Visit:
    name: str
    # anonymous | member | peer | staff (admin, two-factor passed) | staff-new | staff-unverified
    # | supervisor | editor (both two-factor passed: they answer, review and publish letters)
    who: str
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


def chat_closed(page, env):
    """Outside opening hours: when it opens next, and where else to turn."""
    from helle.core.models import OpeningHours

    another_day = (clock.now().astimezone().weekday() + 3) % 7
    OpeningHours.objects.create(weekday=another_day, opens="10:00", closes="11:00")
    path("/chat/")(page, env)
    assert page.locator("main a[href='/letters/write/']").count() == 1


def chat_full(page, env):
    """The queue is full: a letter instead, or wait here to be told when there is room."""
    from django.test import override_settings

    with override_settings(CHAT_QUEUE_LIMIT=0):
        path("/chat/")(page, env)
    assert page.locator("main #chat-room[role='status']").count() == 1


def new_room_with_mistakes(page, env):
    path("/staff/rooms/new/")(page, env)
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    assert page.locator("main [aria-invalid='true']").count() >= 3  # title, opens, closes


def _join_chat(page) -> None:
    page.goto("/chat/")
    page.fill("#id_first_message", "Hej, jeg har det skidt.")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()


def chat_waiting(page, env):
    _join_chat(page)
    assert page.locator("#chat-status").count() == 1 and page.locator("[data-chat-form]").count() == 1


def chat_left(page, env):
    _join_chat(page)
    with page.expect_navigation():
        page.locator("main form[action$='/leave/'] button").click()
    assert page.locator("main a[href='/chat/']").count() == 1


def chat_survey(page, env):
    _join_chat(page)
    with page.expect_navigation():
        page.locator("main form[action$='/end/'] button").click()
    assert urlsplit(page.url).path.endswith("/survey/")


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


EXAM_LETTER = (
    "Hej. Jeg er så nervøs for eksamen i næste uge, at jeg ikke kan sove. Min mor siger, at det nok "
    "går, men jeg tænker på det hele tiden. Hvad kan jeg gøre?"
)
CRISIS_LETTER = (
    "Jeg orker ikke mere. Jeg har tænkt på at tage mit eget liv, og jeg har skrevet et afskedsbrev."
)


def _fill_letter(page, env, body: str) -> None:
    page.select_option("#id_topic", str(env.topic_pk))
    page.fill("#id_body", body)


def _submit(page, button: str = "main form button[type='submit']") -> None:
    with page.expect_navigation():
        page.locator(button).click()


def write_and_see_similar_answers(page, env):
    """The second step of writing: published answers to letters like this one come first."""
    path("/letters/write/")(page, env)
    _fill_letter(page, env, EXAM_LETTER)
    page.check("#id_may_publish")
    _submit(page)
    assert urlsplit(page.url).path == "/letters/write/"
    assert page.locator(f"#similar a[href='/letters/archive/{env.publication_pk}/']").count() == 1
    assert page.locator("main form button[name='send']").count() == 1


def write_with_mistakes(page, env):
    path("/letters/write/")(page, env)
    _submit(page)
    assert urlsplit(page.url).path == "/letters/write/"
    assert page.locator("main .errorlist").count() >= 2  # a topic and a text are needed
    assert page.locator("main [aria-invalid='true']").count() >= 2


def letter_sent_in_a_crisis(page, env):
    """A letter the safety check reads as a crisis: the writer is shown help at once."""
    path("/letters/write/")(page, env)
    _fill_letter(page, env, CRISIS_LETTER)
    _submit(page)
    _submit(page, "main form button[name='send']")
    sent = Letter.objects.get(writer=env.member, crisis=True)
    assert urlsplit(page.url).path == f"/letters/{sent.pk}/"
    assert page.locator("main #help").count() == 1


def my_letters(page, env):
    path("/letters/mine/")(page, env)
    main = page.locator("main")
    assert main.locator(f"a[href='/letters/{env.answered_pk}/']").count() == 1
    assert main.locator(f"a[href='/letters/{env.held_letter_pk}/']").count() == 1
    assert main.locator(".pill--new").count() == 1  # the answer not yet read
    assert page.locator("#letters-count:not([hidden])").count() == 1  # and the menu says so


def answered_letter(page, env):
    """The writer's letter with everything it can show: the answer, "did it help?", the one
    follow-up they may write, and the published version they may take down."""
    path("/letters/{answered_pk}/")(page, env)
    main = page.locator("main")
    assert main.locator("#answer").count() == 1
    assert main.locator("button[name='helped']").count() == 2
    assert main.locator("#draft-status[role='status']").count() == 1
    assert main.locator(f"a[href='/letters/archive/{env.publication_pk}/']").count() == 1


def letters_queue(page, env):
    path("/answering/")(page, env)
    main = page.locator("main")
    assert main.locator("tbody tr").count() >= 3  # two waiting, and the one the supervisor holds
    assert main.locator(f"a[href='/answering/{env.held_letter_pk}/']").count() == 1
    assert main.locator("tbody .pill--new").count() >= 1  # overdue
    assert main.locator("form[action$='/claim/'] button").count() >= 2


def held_letter(page, env):
    """The letter the supervisor holds: the answer being written, snippets, earlier letters."""
    path("/answering/{held_letter_pk}/")(page, env)
    main = page.locator("main")
    assert main.locator("form[action$='/answer/'] #id_body").count() == 1
    assert main.locator("details [data-snippet]").count() == 2
    assert main.locator("#earlier-heading ~ details").count() == 1  # the answered letter


def answer_to_review(page, env):
    path("/answering/{in_review_pk}/review/")(page, env)
    main = page.locator("main")
    assert main.locator("#id_body").count() == 1
    assert main.locator("#reviews-heading").count() == 1  # returned once, with a comment


def letter_to_anonymise(page, env):
    path("/staff/letters/publish/{to_anonymise_pk}/")(page, env)
    assert page.locator("main .secret mark").count() >= 2  # the e-mail address and the street


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
    # The letter box: the public archive, and a member's own letters.
    Visit("letters", "anonymous", path("/letters/")),
    Visit("letters-logged-in", "member", path("/letters/")),
    Visit("letters-archive", "anonymous", path("/letters/archive/")),
    Visit("letters-archive-topic", "anonymous", path("/letters/archive/?topic=skole")),
    Visit("letters-archive-search", "anonymous", path("/letters/archive/?q=eksamen+sove")),
    Visit("letters-archive-nothing-found", "anonymous", path("/letters/archive/?q=giraf")),
    Visit("letters-published", "anonymous", path("/letters/archive/{publication_pk}/")),
    Visit("letters-write", "member", path("/letters/write/")),
    Visit("letters-write-similar-answers", "member", write_and_see_similar_answers, "letters:write"),
    Visit("letters-write-with-mistakes", "member", write_with_mistakes, "letters:write"),
    Visit("letters-mine", "member", my_letters, "letters:inbox"),
    Visit("letters-letter-answered", "member", answered_letter, "letters:letter"),
    Visit("letters-letter-waiting", "member", path("/letters/{held_letter_pk}/")),
    Visit("letters-letter-in-a-crisis", "member", letter_sent_in_a_crisis, "letters:letter"),
    Visit("letters-answering-for-a-member", "member", path("/answering/", status=404)),
    # The letter box: answering and the second pair of eyes.
    Visit("letters-queue", "supervisor", letters_queue, "letters:queue"),
    Visit("letters-staff-letter-held", "supervisor", held_letter, "letters:staff_letter"),
    Visit("letters-staff-letter-in-review", "supervisor", path("/answering/{in_review_pk}/")),
    Visit("letters-staff-letter-answered", "supervisor", path("/answering/{answered_pk}/")),
    Visit("letters-reviews", "supervisor", path("/answering/review/")),
    Visit("letters-review", "supervisor", answer_to_review, "letters:review"),
    Visit("letters-snippets", "supervisor", path("/answering/snippets/")),
    Visit("letters-snippet", "supervisor", path("/answering/snippets/{snippet_pk}/")),
    # The letter box: publishing, figures and topics.
    Visit("letters-publications-editor", "editor", path("/staff/letters/publish/")),
    Visit("letters-publications-supervisor", "supervisor", path("/staff/letters/publish/")),
    Visit("letters-publication-edit", "editor", letter_to_anonymise, "letters:publication_edit"),
    Visit(
        "letters-publication-review",
        "supervisor",
        path("/staff/letters/publication/{publication_in_review_pk}/review/"),
    ),
    Visit("letters-statistics", "staff", path("/staff/letters/figures/")),
    Visit("letters-topics", "staff", path("/staff/letters/topics/")),
    Visit("letters-topic-edit", "staff", path("/staff/letters/topics/{topic_pk}/")),
    Visit("chat-start", "anonymous", path("/chat/")),
    Visit("chat-closed", "anonymous", chat_closed, "chat:start"),
    Visit("chat-full", "anonymous", chat_full, "chat:start"),
    Visit("chat-waiting", "anonymous", chat_waiting, "chat:conversation"),
    Visit("chat-left", "anonymous", chat_left, "chat:leave"),
    Visit("chat-survey", "anonymous", chat_survey, "chat:survey"),
    Visit("chat-console", "supervisor", path("/counselling/")),
    Visit("chat-record", "supervisor", path("/counselling/{supervisor_chat_pk}/record/")),
    Visit("chat-overview", "supervisor", path("/counselling/all/")),
    Visit("chat-observe", "supervisor", path("/counselling/{observed_chat_pk}/")),
    Visit("chat-transfer", "supervisor", path("/counselling/{supervisor_chat_pk}/transfer/")),
    Visit("chat-replies", "supervisor", path("/counselling/replies/")),
    Visit("chat-reply", "supervisor", path("/counselling/replies/{reply_pk}/")),
    Visit("chat-times", "supervisor", path("/counselling/times/")),
    Visit("chat-book", "member", path("/chat/book/")),
    Visit("rooms", "anonymous", path("/rooms/")),
    Visit("room-anonymous", "anonymous", path("/rooms/{room_pk}/")),
    Visit("room-member", "member", path("/rooms/{room_pk}/")),
    Visit("room-host", "peer", path("/rooms/{room_pk}/")),
    Visit("staff-rooms", "supervisor", path("/staff/rooms/")),
    Visit("staff-room-new-with-mistakes", "supervisor", new_room_with_mistakes, "chat:staff_room_new"),
    Visit("staff-room", "supervisor", path("/staff/rooms/{room_pk}/")),
]


# URL names that are not pages to look at: actions that only take a POST, downloads,
# the fragment the join form fetches, and the health check.
NOT_PAGES = {
    "chat:availability",
    "chat:console_queue",
    "chat:end",
    "chat:book_time",
    "chat:cancel_booking",
    "chat:handover",
    "chat:withdraw_time",
    "chat:join_room",
    "chat:lead_room",
    "chat:leave_room",
    "chat:mute_member",
    "chat:remove_member",
    "chat:queue_room",
    "chat:to_letter",
    "chat:notes",
    "chat:take_over",
    "chat:status",
    "chat:take_next",
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
    "letters:answer",
    "letters:claim",
    "letters:consent",
    "letters:draft",
    "letters:follow_up",
    "letters:helped",
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


def _answered(letter, *, counsellor, supervisor, body: str) -> Letter:
    """The letter taken, answered and approved by a second person: the writer has the answer."""
    letter_services.claim(counsellor=counsellor, letter=letter)
    letter.refresh_from_db()
    letter_services.submit_answer(counsellor=counsellor, letter=letter, body=body)
    letter.refresh_from_db()
    letter_services.review_answer(reviewer=supervisor, answer=letter.answer, approve=True)
    letter.refresh_from_db()
    return letter


def make_letters(*, member, helper, troll, counsellor, supervisor, editor) -> SimpleNamespace:
    """A letter box with a letter in every state a page can show. An approved answer tells its
    writer with a live event after commit, so this runs on a thread of its own too."""
    topics = {t.slug: t for t in Topic.objects.all()}  # put back for each test by conftest

    # The member's letter about exams was answered, and its anonymised version is published.
    answered = letter_services.send_letter(
        writer=member, topic=topics["skole"], body=EXAM_LETTER, may_publish=True
    )
    _answered(
        answered,
        counsellor=counsellor,
        supervisor=supervisor,
        body="Kære dig. Tak fordi du skrev. Det er helt almindeligt at være nervøs før en eksamen.",
    )
    publication = letter_services.save_publication(
        editor=editor,
        letter=answered,
        title="Kan ikke sove før eksamen",
        question="Jeg er så nervøs for eksamen, at jeg ikke kan sove. Hvad kan jeg gøre?",
        answer="Det er helt almindeligt at være nervøs før en eksamen. Prøv at trække vejret roligt.",
        submit=True,
    )
    letter_services.review_publication(reviewer=supervisor, publication=publication, approve=True)

    # The member waits for the answer to a second letter: the supervisor holds it, with a draft.
    held = letter_services.send_letter(
        writer=member,
        topic=topics["venner"],
        body="Min vennegruppe har en ny gruppechat, som jeg ikke er med i. Hvad skal jeg gøre?",
    )
    letter_services.claim(counsellor=supervisor, letter=held)
    held.refresh_from_db()
    letter_services.save_answer(counsellor=supervisor, letter=held, body="Kære dig. Det gør ondt at ...")

    # A counsellor's answer waits for review; it was returned with a comment once.
    in_review = letter_services.send_letter(
        writer=helper,
        topic=topics["familie"],
        body="Mine forældre skændes hver aften, og jeg kan høre det hele fra mit værelse.",
    )
    letter_services.claim(counsellor=counsellor, letter=in_review)
    in_review.refresh_from_db()
    letter_services.submit_answer(counsellor=counsellor, letter=in_review, body="Hvor er det svært.")
    in_review.refresh_from_db()
    letter_services.review_answer(
        reviewer=supervisor,
        answer=in_review.answer,
        approve=False,
        comment="Sig mere om, hvem hun kan tale med.",
    )
    in_review.refresh_from_db()
    letter_services.submit_answer(
        counsellor=counsellor,
        letter=in_review,
        body="Hvor er det svært at ligge og lytte til. Du kan tale med en lærer, du stoler på.",
    )

    # Answered with consent: the editor's anonymised version waits for the supervisor's approval.
    to_approve = letter_services.send_letter(
        writer=troll, topic=topics["krop"], body="Jeg er 14 og har ikke fået mens endnu.", may_publish=True
    )
    _answered(to_approve, counsellor=counsellor, supervisor=supervisor, body="Det er helt normalt.")
    publication_in_review = letter_services.save_publication(
        editor=editor,
        letter=to_approve,
        title="Har ikke fået mens endnu",
        question="Jeg har ikke fået mens endnu, selvom mine veninder har.",
        answer="Det er helt normalt. Kroppen har sit eget tempo.",
        submit=True,
    )

    # Answered with consent, not yet anonymised: the personal details are marked for the editor.
    to_anonymise = letter_services.send_letter(
        writer=helper,
        topic=topics["mobning"],
        body="Nogen skriver grimme ting om mig. Min mail er sofie123@example.com og jeg bor på Nørregade 12.",
        may_publish=True,
    )
    _answered(to_anonymise, counsellor=counsellor, supervisor=supervisor, body="Godt, du skriver.")

    # Waiting in the queue, one of them for longer than the service level.
    letter_services.send_letter(writer=troll, topic=topics["andet"], body="Hvordan siger man nej til en ven?")
    overdue = letter_services.send_letter(
        writer=helper, topic=topics["skole"], body="Jeg kommer hele tiden bagud med lektierne."
    )
    Letter.objects.filter(pk=overdue.pk).update(created_at=clock.now() - timedelta(days=9))

    snippet = letter_services.save_snippet(
        actor=supervisor, snippet=Snippet(title="Hilsen", body="Kære dig. Tak fordi du skrev til os.")
    )
    letter_services.save_snippet(
        actor=supervisor,
        snippet=Snippet(title="Mere hjælp", body="Du kan altid ringe til Børnetelefonen på 116 111."),
        shared=True,
    )
    return SimpleNamespace(
        topic_pk=topics["skole"].pk,
        answered_pk=answered.pk,
        publication_pk=publication.pk,
        held_letter_pk=held.pk,
        in_review_pk=in_review.pk,
        publication_in_review_pk=publication_in_review.pk,
        to_anonymise_pk=to_anonymise.pk,
        snippet_pk=snippet.pk,
    )


def make_chats(*, supervisor, counsellor, peer, member) -> SimpleNamespace:
    """A crisis waiting in the queue, a chat with the supervisor and one with a counsellor."""
    chat_services.join_queue(
        visitor_key="a11y-krise", first_message="Jeg vil ikke leve mere. Jeg tager mit eget liv i aften."
    )
    with_supervisor = chat_services.join_queue(visitor_key="a11y-1", age_band="13-15", topic="school", mood=2)
    with_counsellor = chat_services.join_queue(visitor_key="a11y-2", first_message="Hej")
    chat_services.take(counsellor=supervisor, conversation=with_supervisor)
    chat_services.take(counsellor=counsellor, conversation=with_counsellor)
    chat_services.set_availability(counsellor=supervisor, availability="available", capacity=3)
    now = clock.now()
    room = chat_services.create_room(
        actor=supervisor,
        title="Ensomhed",
        description="Vi snakker om at føle sig alene.",
        host=peer,
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(hours=2),
    )
    chat_services.join_room(room=room, member=member)
    reply = chat_services.save_reply(
        actor=supervisor, title="Hilsen", body="Hej, godt du skriver.", shared=True
    )
    chat_services.offer_time(
        counsellor=supervisor, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, minutes=45)
    )
    chat_services.post_message(
        sender=chat_policies.Participant(member, chat_policies.MEMBER),
        conversation=room.conversation,
        client_msg_id="a11y",
        body="Hej alle",
    )
    return SimpleNamespace(
        supervisor_chat_pk=with_supervisor.pk,
        observed_chat_pk=with_counsellor.pk,
        room_pk=room.pk,
        reply_pk=reply.pk,
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
    counsellor = make_member("Rådgiver Rita", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    editor = make_member("Redaktør Erik", role=Role.EDITOR, age_band=AgeBand.OVER_25)

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
        letters = make_letters(
            member=member,
            helper=helper,
            troll=troll,
            counsellor=counsellor,
            supervisor=supervisor,
            editor=editor,
        )
        chats = make_chats(supervisor=supervisor, counsellor=counsellor, peer=peer, member=member)
        connection.close()
        return item, given, appeal, word, forum, letters, chats

    with ThreadPoolExecutor(max_workers=1) as pool:
        item, given, appeal, word, forum, letters, chats = pool.submit(moderation_history).result()
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
        supervisor=supervisor,
        editor=editor,
        **vars(forum),
        **vars(letters),
        **vars(chats),
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
    elif visit.who == "supervisor":
        log_in_browser(context, env.supervisor, second_factor=True)
    elif visit.who == "editor":
        log_in_browser(context, env.editor, second_factor=True)
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
