"""assess(): every text a member writes passes through here, whatever the surface.

Fast and pure: it reads the (cached) watched words and policy, and writes nothing. The
service that stores the text calls `helle.safety.services.record()` with the assessment
in the same transaction, which files flags, alerts and audit rows.
"""

import re
import time
import uuid
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.cache import cache
from django.utils.translation import gettext as _

from helle.safety import classifier as classifiers
from helle.safety.detectors import contact, crisis, grooming, harassment, spam
from helle.safety.findings import Finding, Label, Severity
from helle.safety.language import detect_language
from helle.safety.lexicon import Lexicon
from helle.safety.normalise import Normalised, normalise
from helle.safety.policy import DEFAULT_RULES, Action, Decision, Rule, RuleBook, Surface, decide

DETECTORS = (contact.detect, crisis.detect, harassment.detect, grooming.detect, spam.detect)
MASK = "•••"
# Watched words and policy rules are read from the database at most this often per process.
RELOAD_SECONDS = 5.0
SETTINGS_VERSION_KEY = "safety:settings-version"


@dataclass(frozen=True)
class Assessment:
    text: str
    surface: str
    language: str
    findings: tuple[Finding, ...]
    decision: Decision
    model_version: str = ""
    trust_level: int = 0

    @property
    def action(self) -> Action:
        return self.decision.action

    @property
    def is_crisis(self) -> bool:
        return self.decision.action is Action.CRISIS

    @property
    def severity(self) -> int:
        return max((f.severity for f in self.findings), default=0)

    def labels(self) -> set[str]:
        return {f.label.value for f in self.findings}

    def masked_text(self, placeholder: str = MASK) -> str:
        """The text as others see it: masked spans replaced, the rest untouched."""
        text = self.text
        for finding in sorted(self.decision.masked, key=lambda f: f.start, reverse=True):
            text = text[: finding.start] + placeholder + text[finding.end :]
        return text

    def refusal_messages(self) -> list[str]:
        """What the author is told, one helpful sentence per kind of problem."""
        messages = dict.fromkeys(_refusal_message(f) for f in self.decision.refusals)
        return list(messages)

    def as_record(self) -> dict:
        """A JSON-able summary kept with flags and review items."""
        return {
            "language": self.language,
            "action": self.action.value,
            "model_version": self.model_version,
            "findings": [
                {
                    "label": f.label.value,
                    "kind": f.kind,
                    "start": f.start,
                    "end": f.end,
                    "score": round(f.score, 3),
                    "severity": f.severity,
                    "reason": f.reason,
                }
                for f in self.findings
            ],
        }


def _refusal_message(finding: Finding) -> str:
    if finding.label is Label.CONTACT:
        return _(
            "Please remove the contact details (phone number, e-mail, profile or link). "
            "Here we keep everyone anonymous – it protects you too."
        )
    if finding.label is Label.PERSONAL_DATA:
        return _(
            "Please remove the personal details (like an address, a school or an ID number), "
            "so nobody can find out who you are."
        )
    if finding.label is Label.HARASSMENT:
        return _("Some words here can hurt others. Please write it in another way.")
    if finding.label is Label.GROOMING:
        return _("This cannot be used here. Please write it in another way.")
    if finding.label is Label.SPAM:
        return _("This looks like advertising or spam. Please write it in another way.")
    return _("Please change the marked part and try again.")


# --- Watched words and policy from the database, cached ------------------------------------


def _watched_rules() -> list[Rule]:
    """Each watched word carries its own action, as a rule for its own kind."""
    return [
        Rule(surface, label, Action(action), kind=f"watched:{action}")
        for surface in Surface.values
        for label in Label
        for action in ("refuse", "mask", "hold", "flag")
    ]


@dataclass
class _Settings:
    loaded_at: float = 0.0
    version: str | None = None
    rules: RuleBook = field(default_factory=lambda: RuleBook(DEFAULT_RULES + _watched_rules()))
    watched: list[tuple[object, str, str, str, str, frozenset]] = field(default_factory=list)


_settings = _Settings()


def settings_changed() -> None:
    """Call after watched words or policy rules change, so every process reloads them."""
    cache.set(SETTINGS_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _settings.loaded_at = 0.0


def _current_settings() -> _Settings:
    now = time.monotonic()
    if now - _settings.loaded_at < RELOAD_SECONDS:
        return _settings
    version = cache.get(SETTINGS_VERSION_KEY, "")
    if version != _settings.version:
        _load_settings(version)
    _settings.loaded_at = now
    return _settings


def _load_settings(version: str) -> None:
    from helle.safety.models import PolicyRule, WatchedWord

    overrides = [
        Rule(
            r.surface,
            r.label,
            Action(r.action),
            kind=r.kind,
            max_trust_level=r.max_trust_level,
            min_score=r.min_score,
        )
        for r in PolicyRule.objects.all()
    ]
    replaced = {(r.surface, r.label, r.kind, r.max_trust_level) for r in overrides}
    rules = [r for r in DEFAULT_RULES if (r.surface, r.label, r.kind, r.max_trust_level) not in replaced]
    _settings.rules = RuleBook(rules + overrides + _watched_rules())
    _settings.watched = [
        (
            compile_watched_word(w.pattern, w.match_type),
            w.pattern,
            w.label,
            w.action,
            w.language,
            frozenset(w.surfaces or ()),
        )
        for w in WatchedWord.objects.filter(is_active=True)
    ]
    _allow_help_lines()
    _settings.version = version


def _allow_help_lines() -> None:
    """The help lines the site shows may be named in any text: their numbers and sites are no
    contact details to hide."""
    from urllib.parse import urlsplit

    from helle.core.models import HelpLine

    lines = HelpLine.objects.filter(is_active=True).values_list("phone", "sms", "website")
    contact.allow(
        domains={urlsplit(website).hostname or "" for _, _, website in lines if website},
        phone_numbers={number for phone, sms, _ in lines for number in (phone, sms) if number},
    )


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@lru_cache(maxsize=2048)
def compile_watched_word(pattern: str, match_type: str):
    """A watched word as something with .find(normalised) -> spans of the original text."""
    if match_type == "regex":
        return _RegexWord(re.compile(pattern, re.IGNORECASE))
    return Lexicon([pattern])


class _RegexWord:
    """A moderator's regular expression, tried on the plain and the normalised views."""

    def __init__(self, regex: re.Pattern):
        self.regex = regex

    def find(self, text: Normalised) -> list[Span]:
        spans = set()
        for view in (text.folded, *text.views()):
            for m in self.regex.finditer(view.text):
                if m.end() > m.start():
                    spans.add(Span(*view.original_span(m.start(), m.end())))
        return sorted(spans, key=lambda s: (s.start, s.end))


_WATCHED_ACTION_TO_SEVERITY = {
    "refuse": Severity.MEDIUM,
    "mask": Severity.LOW,
    "hold": Severity.MEDIUM,
    "flag": Severity.LOW,
}


def _watched_severity(label: str, action: str) -> int:
    # A moderator's crisis word always alerts, whatever action it was saved with: only the
    # crisis detector's thoughts-that-are-over (LOW) are merely flagged.
    if label == Label.CRISIS.value:
        return Severity.MEDIUM
    return _WATCHED_ACTION_TO_SEVERITY[action]


def _watched_findings(text: Normalised, language: str, surface: str, watched) -> list[Finding]:
    findings = []
    for matcher, pattern, label, action, word_language, surfaces in watched:
        if surfaces and surface not in surfaces:
            continue
        if word_language and language and word_language != language:
            continue
        for match in matcher.find(text):
            findings.append(
                Finding(
                    Label(label),
                    match.start,
                    match.end,
                    1.0,
                    f"watched word: {pattern}",
                    kind=f"watched:{action}",
                    severity=_watched_severity(label, action),
                )
            )
    return findings


# --- The pipeline ---------------------------------------------------------------------------


# What each model adds, and when: only where the rules found nothing of that label, and only
# when the model is fairly sure. The harassment model's bar is fixed (a flag for review costs a
# moderator's time); the crisis model's is its own, chosen for recall when it was trained.
HARASSMENT_THRESHOLD = 0.8
_MODEL_REASONS = {
    "harassment": "the classifier finds it offensive",
    "crisis": "the classifier reads it as the writer being in crisis",
}
_MODEL_SEVERITY = {"harassment": Severity.LOW, "crisis": Severity.MEDIUM}


def _classifier_findings(
    text: Normalised, language: str, findings: list[Finding]
) -> tuple[list[Finding], str]:
    models = classifiers.active_classifiers()
    if not models:
        return [], ""
    found_labels = {f.label for f in findings}
    features = None  # worked out once, for every model that is asked
    added = []
    for task, model in models.items():
        label = Label(task)
        if label in found_labels or not model.knows_language(language):
            continue
        if label is Label.CRISIS and Label.CONCERN in found_labels:
            continue  # the rules found it is about someone else
        features = features or classifiers.features(text)
        score = model.proba_for(features)
        if score >= _threshold(task, model):
            reason, severity = _MODEL_REASONS[task], _MODEL_SEVERITY[task]
            added.append(Finding(label, 0, len(text.original), score, reason, "model", severity))
    return added, "; ".join(f"{task} {model.version}" for task, model in models.items())


def _threshold(task: str, model) -> float:
    return model.threshold if task == "crisis" else HARASSMENT_THRESHOLD


@dataclass(frozen=True)
class ConversationContext:
    """What the pipeline needs to know about the conversation a message belongs to."""

    grooming_flagged: bool = False  # the conversation's grooming risk passed the threshold


def _tightened(decision: Decision, findings: list[Finding]) -> Decision:
    """In a conversation at grooming risk, every contact detail is masked, however weak."""
    extra = tuple(
        f
        for f in findings
        if f.label in (Label.CONTACT, Label.PERSONAL_DATA)
        and f not in decision.masked
        and f not in decision.refusals
    )
    if not extra:
        return decision
    action = (
        decision.action if decision.action in (Action.CRISIS, Action.HOLD, Action.REFUSE) else Action.MASK
    )
    return Decision(
        action,
        masked=decision.masked + extra,
        review=True,
        alert_staff=decision.alert_staff,
        refusals=decision.refusals,
    )


def assess(text: str, *, surface: str, author=None, context: ConversationContext | None = None) -> Assessment:
    """Look at one text a member wrote on one surface and decide what happens to it."""
    normalised = normalise(text)
    language = detect_language(text)
    settings = _current_settings()
    findings: list[Finding] = []
    for detect in DETECTORS:
        findings.extend(detect(normalised, language))
    findings.extend(_watched_findings(normalised, language, surface, settings.watched))
    model_findings, model_version = _classifier_findings(normalised, language, findings)
    findings.extend(model_findings)
    findings.sort(key=lambda f: (f.start, -f.severity))
    trust_level = getattr(author, "trust_level", 0) if author is not None else 0
    decision = decide(findings, surface=surface, trust_level=trust_level, rules=settings.rules)
    if context is not None and context.grooming_flagged:
        decision = _tightened(decision, findings)
    return Assessment(text, surface, language, tuple(findings), decision, model_version, trust_level)
