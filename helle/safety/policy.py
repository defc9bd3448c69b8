"""From findings to one action, per surface and per author trust level.

The defaults below are what a careful organisation would choose; admins change them as
data (PolicyRule rows override the default for the same surface, label and kind).
A crisis is never held or dropped: it is delivered, staff on duty are alerted at once,
and the writer is shown help.
"""

from dataclasses import dataclass
from enum import IntEnum, StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from helle.safety.findings import Finding, Label, Severity


class Surface(models.TextChoices):
    NICKNAME = "nickname", _("Nickname")
    FORUM = "forum", _("Forum")
    LETTER = "letter", _("Letter box")
    CHAT = "chat", _("Chat")
    FEEDBACK = "feedback", _("Article feedback")


class Action(StrEnum):
    ALLOW = "allow"  # publish
    FLAG = "flag"  # publish, and put it in the review queue
    MASK = "mask"  # publish with the spans replaced for others; moderators see the original
    HOLD = "hold"  # keep it back until a moderator decides; the author sees "waiting"
    REFUSE = "refuse"  # not accepted; the author is told how to fix it and keeps the text
    CRISIS = "crisis"  # deliver, alert staff on duty at once, show the writer help


ACTION_LABELS = {
    Action.ALLOW: _("allow"),
    Action.FLAG: _("allow and flag for review"),
    Action.MASK: _("mask the words"),
    Action.HOLD: _("hold for a moderator"),
    Action.REFUSE: _("refuse with an explanation"),
    Action.CRISIS: _("crisis: deliver and alert staff"),
}


class Strength(IntEnum):
    """How far an action goes; the strongest action wins (crisis is handled apart)."""

    ALLOW = 0
    FLAG = 1
    MASK = 2
    HOLD = 3
    REFUSE = 4


STRENGTH = {
    Action.ALLOW: Strength.ALLOW,
    Action.FLAG: Strength.FLAG,
    Action.MASK: Strength.MASK,
    Action.HOLD: Strength.HOLD,
    Action.REFUSE: Strength.REFUSE,
}

ANY = ""
EVERYONE = 3  # max_trust_level 3: the rule applies to every trust level
STRONG = 0.5  # findings at least this sure are acted on; weaker ones are flagged for a person


@dataclass(frozen=True)
class Rule:
    surface: str
    label: str
    action: Action
    kind: str = ANY  # "" = any kind of the label
    max_trust_level: int = EVERYONE  # applies to authors at or below this trust level
    min_score: float = 0.0
    min_severity: int = 0  # e.g. hold only medium and high findings, flag the low ones


def _everywhere(label: Label, action: Action, **kwargs) -> list[Rule]:
    return [Rule(surface, label, action, **kwargs) for surface in Surface.values]


DEFAULT_RULES: list[Rule] = [
    # A crisis alerts at once; thoughts or self-harm that are over ("history", LOW) go to the
    # review queue: staff want to know, but it is no emergency.
    *_everywhere(Label.CRISIS, Action.CRISIS, min_severity=Severity.MEDIUM),
    *_everywhere(Label.CRISIS, Action.FLAG),
    *_everywhere(Label.CONCERN, Action.FLAG),
    # Contact details: never public, masked in chat, seen only by staff in letters. Weak
    # findings (a street name alone, a number that may be a date) are only flagged.
    *[
        Rule(surface, label, Action.FLAG)
        for surface in Surface.values
        for label in (Label.CONTACT, Label.PERSONAL_DATA)
    ],
    *[
        Rule(surface, label, Action.REFUSE, min_score=STRONG)
        for surface in (Surface.NICKNAME, Surface.FORUM, Surface.FEEDBACK)
        for label in (Label.CONTACT, Label.PERSONAL_DATA)
    ],
    *[
        Rule(Surface.CHAT, label, Action.MASK, min_score=STRONG)
        for label in (Label.CONTACT, Label.PERSONAL_DATA)
    ],
    # Harassment: held for new members, flagged for trusted ones; threats always held. Low
    # findings (words about someone else, the classifier's guesses) are only flagged.
    Rule(Surface.NICKNAME, Label.HARASSMENT, Action.REFUSE),
    Rule(Surface.FORUM, Label.HARASSMENT, Action.FLAG),
    Rule(Surface.FORUM, Label.HARASSMENT, Action.HOLD, max_trust_level=1, min_severity=Severity.MEDIUM),
    Rule(Surface.FORUM, Label.HARASSMENT, Action.HOLD, kind="threat"),
    Rule(Surface.CHAT, Label.HARASSMENT, Action.FLAG),
    Rule(Surface.CHAT, Label.HARASSMENT, Action.HOLD, kind="threat"),
    Rule(Surface.LETTER, Label.HARASSMENT, Action.FLAG),
    Rule(Surface.FEEDBACK, Label.HARASSMENT, Action.HOLD, min_severity=Severity.MEDIUM),
    Rule(Surface.FEEDBACK, Label.HARASSMENT, Action.FLAG),
    # Grooming signals in a single message; the conversation score does the rest.
    Rule(Surface.NICKNAME, Label.GROOMING, Action.REFUSE),
    Rule(Surface.FORUM, Label.GROOMING, Action.HOLD),
    Rule(Surface.CHAT, Label.GROOMING, Action.FLAG),
    Rule(Surface.CHAT, Label.GROOMING, Action.HOLD, kind="sexual"),
    Rule(Surface.LETTER, Label.GROOMING, Action.FLAG),
    Rule(Surface.FEEDBACK, Label.GROOMING, Action.HOLD),
    # Spam: new members' links wait; everyone else's are flagged.
    Rule(Surface.NICKNAME, Label.SPAM, Action.REFUSE),
    Rule(Surface.FORUM, Label.SPAM, Action.FLAG),
    Rule(Surface.FORUM, Label.SPAM, Action.HOLD, max_trust_level=0),
    Rule(Surface.CHAT, Label.SPAM, Action.FLAG),
    Rule(Surface.LETTER, Label.SPAM, Action.ALLOW),
    Rule(Surface.FEEDBACK, Label.SPAM, Action.HOLD),
]


@dataclass(frozen=True)
class Decision:
    action: Action
    masked: tuple[Finding, ...] = ()  # spans to replace for other readers
    review: bool = False  # goes to the review queue
    alert_staff: bool = False  # crisis: tell the staff on duty now
    refusals: tuple[Finding, ...] = ()  # what the author must change


def _applies(rule: Rule, finding: Finding, surface: str, trust_level: int) -> bool:
    return (
        rule.surface == surface
        and rule.label == finding.label
        and rule.kind in (ANY, finding.kind)
        and trust_level <= rule.max_trust_level
        and finding.score >= rule.min_score
        and finding.severity >= rule.min_severity
    )


class RuleBook:
    """Rules indexed by surface and label, so deciding does not scan every rule per finding."""

    def __init__(self, rules: list[Rule]):
        self.rules = list(rules)
        self._index: dict[tuple[str, str], list[Rule]] = {}
        for rule in self.rules:
            self._index.setdefault((rule.surface, rule.label), []).append(rule)

    def candidates(self, surface: str, label: str) -> list[Rule]:
        return self._index.get((surface, label), [])


def action_for(finding: Finding, surface: str, trust_level: int, rules: RuleBook) -> Action:
    """The strongest action among the rules that apply to this finding (allow if none)."""
    actions = [
        rule.action
        for rule in rules.candidates(surface, finding.label)
        if _applies(rule, finding, surface, trust_level)
    ]
    if Action.CRISIS in actions:
        return Action.CRISIS
    return max(actions, key=STRENGTH.__getitem__, default=Action.ALLOW)


def decide(
    findings: list[Finding], *, surface: str, trust_level: int, rules: RuleBook | list[Rule]
) -> Decision:
    if not isinstance(rules, RuleBook):
        rules = RuleBook(rules)
    per_finding = [(finding, action_for(finding, surface, trust_level, rules)) for finding in findings]
    masked = tuple(f for f, a in per_finding if a is Action.MASK)
    refusals = tuple(f for f, a in per_finding if a is Action.REFUSE)
    if any(a is Action.CRISIS for _, a in per_finding):
        # Never held or refused: deliver at once and alert staff. What would have been
        # refused (contact details in a public post) is masked for other readers instead.
        return Decision(Action.CRISIS, masked=masked + refusals, review=True, alert_staff=True)
    strongest = max((a for _, a in per_finding), key=STRENGTH.__getitem__, default=Action.ALLOW)
    return Decision(
        strongest,
        masked=masked,
        review=strongest in (Action.FLAG, Action.HOLD, Action.MASK)
        or any(a is Action.FLAG for _, a in per_finding),
        refusals=refusals if strongest is Action.REFUSE else (),
    )
