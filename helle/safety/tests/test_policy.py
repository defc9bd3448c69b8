"""The policy as a table: every action, per surface and trust level."""

import pytest

from helle.safety.findings import Finding, Label, Severity
from helle.safety.policy import DEFAULT_RULES, Action, Rule, Surface, decide


def finding(label: Label, kind: str = "", start: int = 0, end: int = 4, score: float = 0.9) -> Finding:
    return Finding(label, start, end, score, "test", kind=kind, severity=Severity.MEDIUM)


@pytest.mark.parametrize(
    "surface, label, kind, trust, expected",
    [
        (Surface.FORUM, Label.CONTACT, "phone", 3, Action.REFUSE),
        (Surface.CHAT, Label.CONTACT, "phone", 3, Action.MASK),
        (Surface.LETTER, Label.CONTACT, "email", 0, Action.FLAG),
        (Surface.NICKNAME, Label.CONTACT, "handle", 0, Action.REFUSE),
        (Surface.CHAT, Label.PERSONAL_DATA, "cpr", 2, Action.MASK),
        (Surface.FORUM, Label.HARASSMENT, "insult", 0, Action.HOLD),
        (Surface.FORUM, Label.HARASSMENT, "insult", 1, Action.HOLD),
        (Surface.FORUM, Label.HARASSMENT, "insult", 2, Action.FLAG),
        (Surface.FORUM, Label.HARASSMENT, "threat", 3, Action.HOLD),
        (Surface.CHAT, Label.GROOMING, "sexual", 3, Action.HOLD),
        (Surface.CHAT, Label.GROOMING, "secrecy", 3, Action.FLAG),
        (Surface.FORUM, Label.SPAM, "links", 0, Action.HOLD),
        (Surface.FORUM, Label.SPAM, "links", 1, Action.FLAG),
        (Surface.LETTER, Label.SPAM, "links", 0, Action.ALLOW),
        (Surface.FORUM, Label.CONCERN, "", 0, Action.FLAG),
    ],
)
def test_each_finding_gets_the_action_the_policy_says(surface, label, kind, trust, expected):
    decision = decide([finding(label, kind)], surface=surface, trust_level=trust, rules=DEFAULT_RULES)
    assert decision.action is expected


@pytest.mark.parametrize("surface", Surface.values)
def test_a_crisis_is_delivered_and_alerts_staff_on_every_surface(surface):
    decision = decide([finding(Label.CRISIS, "plan")], surface=surface, trust_level=0, rules=DEFAULT_RULES)
    assert decision.action is Action.CRISIS
    assert decision.alert_staff and decision.review
    assert decision.refusals == ()


@pytest.mark.parametrize("surface", Surface.values)
def test_thoughts_that_are_over_go_to_review_without_an_alert(surface):
    history = Finding(Label.CRISIS, 0, 30, 0.5, "past", kind="history", severity=Severity.LOW)
    decision = decide([history], surface=surface, trust_level=0, rules=DEFAULT_RULES)
    assert decision.action is Action.FLAG
    assert decision.review and not decision.alert_staff
    current = finding(Label.CRISIS, "self_harm")  # and anything current alerts again
    assert decide([history, current], surface=surface, trust_level=0, rules=DEFAULT_RULES).alert_staff


def test_a_crisis_with_contact_details_in_the_forum_is_delivered_with_the_details_masked():
    crisis, phone = finding(Label.CRISIS, "ideation"), finding(Label.CONTACT, "phone", 10, 20)
    decision = decide([crisis, phone], surface=Surface.FORUM, trust_level=0, rules=DEFAULT_RULES)
    assert decision.action is Action.CRISIS
    assert decision.masked == (phone,)


def test_the_strongest_action_wins_and_masks_are_kept():
    phone, insult = finding(Label.CONTACT, "phone"), finding(Label.HARASSMENT, "insult", 10, 14)
    decision = decide([phone, insult], surface=Surface.CHAT, trust_level=3, rules=DEFAULT_RULES)
    assert decision.action is Action.MASK
    assert decision.masked == (phone,) and decision.review


def test_nothing_found_is_allowed_without_review():
    decision = decide([], surface=Surface.FORUM, trust_level=0, rules=DEFAULT_RULES)
    assert decision.action is Action.ALLOW and not decision.review and not decision.alert_staff


def test_a_refusal_names_what_to_change():
    phone = finding(Label.CONTACT, "phone")
    decision = decide([phone], surface=Surface.FORUM, trust_level=3, rules=DEFAULT_RULES)
    assert decision.refusals == (phone,)


def test_a_minimum_score_lets_weak_findings_through():
    rules = [Rule(Surface.FORUM, Label.HARASSMENT, Action.HOLD, min_score=0.95)]
    weak = decide([finding(Label.HARASSMENT, score=0.5)], surface=Surface.FORUM, trust_level=0, rules=rules)
    strong = decide(
        [finding(Label.HARASSMENT, score=0.99)], surface=Surface.FORUM, trust_level=0, rules=rules
    )
    assert weak.action is Action.ALLOW and strong.action is Action.HOLD


@pytest.mark.parametrize(
    "surface, strong_action", [(Surface.FORUM, Action.REFUSE), (Surface.CHAT, Action.MASK)]
)
def test_weak_contact_findings_are_only_flagged_for_a_person(surface, strong_action):
    weak = decide(
        [finding(Label.CONTACT, "address", score=0.4)], surface=surface, trust_level=0, rules=DEFAULT_RULES
    )
    strong = decide(
        [finding(Label.CONTACT, "address", score=0.9)], surface=surface, trust_level=0, rules=DEFAULT_RULES
    )
    assert weak.action is Action.FLAG and weak.review
    assert strong.action is strong_action
