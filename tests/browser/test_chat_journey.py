"""A young person and a counsellor chat in two real Chromium contexts over real WebSockets:
the queue, take next, messages both ways, typing, a dropped connection that loses nothing,
the end and the survey; with an axe-core check of each chat page on the way."""

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from helle.chat.models import Conversation, Message
from helle.core.roles import Role
from helle.identity.models import AgeBand

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AXE = Axe()


def _no_serious_problems(page, name: str) -> None:
    violations = [v for v in AXE.run(page).response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not violations, f"{name}: " + "; ".join(f"{v['id']}: {v['help']}" for v in violations)


def _messages(page) -> list[str]:
    return page.locator("[data-chat-log] .chat-message__body").all_inner_texts()


def test_a_young_person_and_a_counsellor_chat_and_nothing_is_lost(asgi_context, make_member):
    counsellor = make_member("Rådgiver Rita", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    young = asgi_context().new_page()
    adult = asgi_context(member=counsellor, second_factor=True, width=1280, height=900).new_page()

    # The young person, without an account, fills in the short form and waits.
    young.goto("/chat/")
    _no_serious_problems(young, "pre-chat form")
    young.select_option("#id_age_band", "13-15")
    young.select_option("#id_topic", "school")
    young.select_option("#id_mood", "2")
    young.fill("#id_first_message", "Hej. Jeg bliver drillet i skolen.")
    with young.expect_navigation():
        young.get_by_role("button", name="Start chatten").click()
    assert urlsplit(young.url).path.startswith("/chat/")
    young.locator("[data-chat-log] [data-seq='1']").wait_for()
    assert "nummer 1 i køen" in young.locator("#chat-status").inner_text()
    _no_serious_problems(young, "waiting")
    conversation = Conversation.objects.get()

    # The counsellor sees who waits (not what they wrote), becomes available and takes the chat.
    adult.goto("/counselling/")
    assert conversation.alias in adult.locator("#chat-queue").inner_text()
    adult.get_by_label("Ledig").check()
    with adult.expect_navigation():
        adult.get_by_role("button", name="Gem").click()
    with adult.expect_navigation():
        adult.get_by_role("button", name="Tag den næste chat").click()
    pane = adult.locator(f"[data-chat='{conversation.pk}']")
    pane.locator("[data-seq='1']").wait_for()
    assert _messages(pane) == ["Hej. Jeg bliver drillet i skolen."]
    _no_serious_problems(adult, "console")

    # The young person is told at once who is here.
    young.locator("#chat-status", has_text="Rådgiver Rita").wait_for()

    # Messages both ways; typing shows on the other side.
    pane.locator("textarea").fill("Hej, godt du skriver. Hvad sker der?")
    young.locator("[data-chat-typing]", has_text="Skriver").wait_for()
    pane.locator("textarea").press("Enter")
    young.locator("[data-chat-log] [data-seq='2']").wait_for()
    young.locator("textarea").fill("De griner af mig i frikvarteret.")
    young.get_by_role("button", name="Send", exact=True).click()
    pane.locator("[data-seq='3']").wait_for()
    assert _messages(young) == [
        "Hej. Jeg bliver drillet i skolen.",
        "Hej, godt du skriver. Hvad sker der?",
        "De griner af mig i frikvarteret.",
    ]

    # The young person's connection drops while they send: the message waits, and arrives once
    # the connection is back. Nothing is stored twice.
    young.context.set_offline(True)
    young.evaluate("document.querySelector('[data-chat]').chatClient.socket.close()")
    young.locator("textarea").fill("Er du der stadig?")
    young.get_by_role("button", name="Send", exact=True).click()
    young.locator("[data-chat-pending] li").wait_for()
    young.context.set_offline(False)
    pane.locator("[data-seq='4']").wait_for(timeout=20_000)
    young.locator("[data-chat-pending] li").wait_for(state="detached")
    assert Message.objects.filter(conversation=conversation, body="Er du der stadig?").count() == 1

    # The counsellor ends the chat: the young person's page says so and offers the survey.
    with adult.expect_navigation():
        pane.locator("xpath=..").get_by_role("button", name="Afslut chatten").click()
    assert urlsplit(adult.url).path == f"/counselling/{conversation.pk}/record/"
    _no_serious_problems(adult, "record")
    young.locator("[data-chat-after-end]:not([hidden])").wait_for()
    assert young.locator("textarea").is_disabled()
    with young.expect_navigation():
        young.get_by_role("link", name="Fortæl os, om det hjalp").first.click()
    _no_serious_problems(young, "survey")
    young.get_by_label("Hjalp samtalen dig?").select_option("5")
    with young.expect_navigation():
        young.get_by_role("button", name="Send").click()
    conversation.refresh_from_db()
    assert conversation.state == "ended" and conversation.helped == 5
