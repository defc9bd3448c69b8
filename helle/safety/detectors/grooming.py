"""Grooming: an older person building trust with a minor, then isolating and exploiting them.

Two levels:

- `detect(text, language)` looks at ONE message and reports each grooming signal in it
  (label GROOMING, `kind` one of `KINDS`). A single signal proves little: peers ask each
  other "hvor gammel er du?" and "har du snap?" every day.
- `score_conversation(messages, previous=...)` adds the signals of a conversation up into
  a risk in 0..1 that rises as signals accumulate. Grooming is a pattern, not a sentence:
  several DIFFERENT signals (flattery, then age, then secrecy, then "send a picture") from
  an OLDER writer to a MINOR are what a supervisor must see. `GROOMING_THRESHOLD` is where
  the pipeline flags the conversation.

The phrases are ours, in `helle/safety/lists/{da,en}/grooming_<kind>.txt`. Besides plain
phrases (matched like `Lexicon` entries: repeated letters, any punctuation between words,
`*` for any ending) an entry may use:

    [mig]             optional words              "send [mig] et billede"
    (snap|insta)      one of these                "har du (snap|insta)"
    [et|nogle]        optionally one of these
    ...               up to three other words     "send ... billede*"
    {apps}            a set defined in the same file by a line  "{apps} = snap*|insta*|kik"
    $                 (at the end) the sentence ends here       "show me $"
    =0.4              (at the end) how sure this entry is (default: the kind's score)

Where two entries can match at the same place, the surer one is tried first (then the one
listed first).

`grooming_exceptions.txt` lists harmless phrases ("send et billede af opgaven", "det er
din krop", "a pic of your new room"); a signal that overlaps one of them is dropped.
`grooming_supervised.txt` lists supervised places and people ("ungdomsklubben",
"pædagogen", "så snakker jeg med din mor"); a suggested meeting in a message that mentions
one counts for little.

Overlapping entries hide each other (one regex, matches do not overlap), and at one place
the first branch that matches wins: an optional group right after words that other entries
share can let a weaker entry win ("er du [helt] alene derhjemme" lost to "er du alene").
The test that reads every entry's plainest wording catches this; write such entries out.
"""

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from helle.safety.findings import Finding, Label, Severity
from helle.safety.lists import words
from helle.safety.normalise import Normalised, View, normalise

# --- The kinds of signal -------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str
    severity: int
    score: float  # how sure a plain entry of this kind is, when the entry does not say
    weight: float  # how much one sure signal of this kind adds to a conversation's risk
    stage: int  # where it usually comes in a grooming conversation (escalation order)
    reason: str  # for moderators


# Weights are set so that one sure HIGH signal from an adult over 25 to a minor reaches the
# threshold (0.40-0.45 x 0.85 x 1.8 >= 0.6) while one MEDIUM signal, even from an adult, stays
# near 0.3 (see GROOMING_THRESHOLD). Stages follow the usual course of grooming: trust and
# gifts, then who and where the child is, then secrecy, isolation on another app, then abuse,
# and last the threats that keep a child sending ("send one more, or I show the first one
# to your class"): one sure threat nearly flags a conversation on its own.
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("flattery_trust", Severity.LOW, 0.7, 0.20, 1, "flattery or 'only I understand you'"),
        Kind("gifts_money", Severity.MEDIUM, 0.75, 0.28, 1, "offered gifts or money"),
        Kind("age_location", Severity.MEDIUM, 0.8, 0.22, 2, "asked age, where they live, school or if alone"),
        Kind("secrecy", Severity.HIGH, 0.85, 0.40, 3, "asked to keep it secret or delete messages"),
        Kind("move_platform", Severity.MEDIUM, 0.75, 0.30, 4, "asked to move to another app or private chat"),
        Kind("photos", Severity.HIGH, 0.85, 0.42, 5, "asked for photos or the camera"),
        Kind("sexual", Severity.HIGH, 0.85, 0.45, 5, "sexual talk or questions"),
        Kind("meeting", Severity.HIGH, 0.8, 0.38, 5, "suggested meeting in person"),
        Kind("threat", Severity.HIGH, 0.9, 0.55, 6, "threatened to share pictures or tell others"),
        # A message no list holds that the grooming model reads as a grooming move. Stage 0:
        # it counts as a kind of its own, but says nothing about the order of things.
        Kind("model", Severity.MEDIUM, 0.0, 0.30, 0, "the classifier reads a grooming move"),  # MODEL_KIND
    )
}

MODEL_KIND = "model"
LIST_KINDS = tuple(kind for kind in KINDS if kind != MODEL_KIND)  # the kinds with word lists

# A meeting suggested together with a youth club, a counsellor or parents counts this much.
SUPERVISED_MEETING_FACTOR = 0.35


# --- Phrase lists compiled into one regex ----------------------------------------------------

_SEP = r"[\W_]+"  # between words: spaces, punctuation, emoji
_GAP = r"(?:[\W_]+[^\W_]+){0,3}"  # "...": up to three other words
_WILD = r"[^\W_]*"  # "*": any ending
_APOSTROPHE = r"['’ʼ`´]?"  # "don't", "don’t" and "dont"
_SENTENCE_END = r"(?=[^\w\n]*?(?:$|[.!?\n]))"  # "$": nothing but punctuation until the end
_WORD_END = r"(?![^\W_])"
# Danish letters are often typed the foreign-keyboard way.
_DANISH = {"æ": "(?:æ+|ae)", "ø": "(?:ø+|oe)", "å": "(?:å+|aa)"}

_END_TOKEN, _GAP_TOKEN = "$", "..."
_SCORE_SUFFIX = re.compile(r"\s=\s*(\d?\.\d+|1(?:\.0*)?)\s*$")
_MACRO_LINE = re.compile(r"^\{(\w+)\}\s*=\s*(.+)$")
_TOKENS = re.compile(r"\[[^\]]*\]|\([^)]*\)|\{\w+\}|\.\.\.|\S+")
_BAD_SYNTAX = re.compile(r"[\])][^\s]|[^\s][\[(]|\([^)]*$|\[[^\]]*$")

Macros = Mapping[str, list[str]]  # "{apps}" -> ["snap*", "insta*", ...]


def _letter(ch: str, branch_start: bool = True) -> str:
    if ch in _DANISH:
        return _DANISH[ch]
    if ch.isalpha():
        # In the trie "aa*" rather than "a+": the regex engine skips a branch that starts with
        # a plain letter without entering it, which keeps the big alternation fast. Inside a
        # group, the shorter "a+" keeps the regex small (it compiles at import).
        return re.escape(ch) + (re.escape(ch) + "*" if branch_start else "+")
    if ch in "'’":
        return _APOSTROPHE
    return re.escape(ch)


def _word_atoms(word: str, branch_start: bool = True) -> list[str]:
    wildcard = word.endswith("*")
    atoms = [_letter(ch, branch_start) for ch in word.rstrip("*")]
    return atoms + ([_WILD] if wildcard else [])


def _options(token: str, macros: Macros) -> list[str]:
    """The alternatives of a group token; "" stands for "nothing" in an optional group."""
    if token.startswith("{"):
        return macros[token[1:-1]]
    alternatives = [alt.strip() for alt in token[1:-1].split("|")]
    return ["", *alternatives] if token.startswith("[") else alternatives


def _phrase(option: str, macros: Macros) -> str:
    """One alternative of a group as a regex: words (or macros) with separators between."""
    parts = []
    for word in option.split():
        if word.startswith("{"):
            parts.append("(?:" + "|".join(_phrase(o, macros) for o in macros[word[1:-1]]) + ")")
        else:
            parts.append("".join(_word_atoms(word, branch_start=False)))
    return _SEP.join(parts)


# A group right after an entry's first word with at most this many options is written out.
WRITTEN_OUT_MAX = 4


def _plain_starts(tokens: list[str], macros: Macros) -> list[list[str]]:
    """The entry written out as sequences that each begin with a plain word.

    A leading group is written out ("(skal|kan) vi" becomes "skal vi" and "kan vi"), so
    that every branch of the big regex starts with a letter; so is a small group right
    after the first word (see `_written_out`). Later groups stay groups, which keeps the
    regex small enough to compile quickly.
    """
    if not tokens:
        return []
    first, rest = tokens[0], tokens[1:]
    if first[0] not in "([{":
        return _written_out(tokens, macros)
    sequences = []
    for option in _options(first, macros):
        sequences += _plain_starts(option.split() + rest, macros)
    return sequences


def _written_out(tokens: list[str], macros: Macros) -> list[list[str]]:
    """A small group right after the first word written out: "jeg (kan|vil) [godt] hente dig"
    becomes "jeg kan [godt] hente dig" and "jeg vil [godt] hente dig". In the trie, all the
    entries that start "jeg kan" then share those words; as groups that differ a little,
    each would read "kan" again at every "jeg" in a message (common words such as "jeg",
    "du" and "i" start many entries)."""
    if len(tokens) > 1 and tokens[1][0] in "([{":
        options = _options(tokens[1], macros)
        if len(options) <= WRITTEN_OUT_MAX:
            return [[tokens[0], *option.split(), *tokens[2:]] for option in options]
    return [tokens]


def _atoms(tokens: list[str], macros: Macros) -> tuple[str, ...]:
    """The regex pieces of one sequence; words letter by letter, so the trie can share them."""
    atoms: list[str] = []
    for token in tokens:
        separator = _SEP if atoms else ""
        if token == _END_TOKEN:
            atoms.append(_SENTENCE_END)
        elif token == _GAP_TOKEN:
            atoms.append(_GAP)
        elif token[0] in "([{":
            options = [o for o in _options(token, macros) if o]
            group = "(?:" + "|".join(_phrase(o, macros) for o in options) + ")"
            if token.startswith("["):
                atoms.append(f"(?:{separator}{group})?")
            else:  # the separator on its own, so the trie shares it with plain words
                atoms += ([separator] if separator else []) + [group]
        else:
            atoms += ([separator] if separator else []) + _word_atoms(token)
    return tuple(atoms)


@dataclass(frozen=True)
class Entry:
    kind: str
    text: str  # the line in the list, for moderators and tests
    score: float


def _read(language: str, list_name: str) -> tuple[Macros, list[tuple[str, float | None]]]:
    """A list's macro definitions and its entries with their own score (None: the default)."""
    macros: dict[str, list[str]] = {}
    entries: list[tuple[str, float | None]] = []
    for line in words(language, list_name):
        if macro := _MACRO_LINE.match(line):
            macros[macro[1]] = [option.strip().casefold() for option in macro[2].split("|")]
        elif _BAD_SYNTAX.search(line):
            raise ValueError(f"{language}/{list_name}.txt: groups stand alone, like [mig] (a|b): {line!r}")
        elif suffix := _SCORE_SUFFIX.search(line):
            entries.append((line[: suffix.start()].strip(), float(suffix[1])))
        else:
            entries.append((line, None))
    return macros, entries


class _Trie:
    """Entries as a prefix tree of regex atoms: "hvor gammel er du" and "hvor bor du" share
    "hvor ", so the regex tries the common start once instead of once per entry."""

    def __init__(self, leaves: list[Entry]) -> None:
        self.root: dict = {}
        self.leaves = leaves  # shared by the tries of one regex: the group names must differ

    def add(self, atoms: tuple[str, ...], entry: Entry) -> None:
        node = self.root
        for atom in atoms:
            node = node.setdefault(atom, {})
        if None not in node:  # the first entry that reaches a path keeps it
            node[None] = len(self.leaves)
            self.leaves.append(entry)

    def regex(self) -> str:
        return self._emit(self.root) if self.root else "(?!)"

    def _emit(self, node: dict) -> str:
        # Longer continuations first; the leaf (an empty named group) last, so that
        # `match.lastgroup` names the entry that matched.
        branches = [atom + self._emit(child) for atom, child in node.items() if atom is not None]
        if None in node:
            branches.append(f"(?P<e{node[None]}>)")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


# Entries at least this sure are tried before the others at each place in the text.
SURE = 0.6


class Matcher:
    """One compiled regex for many entries; tells which entry matched where.

    Where entries overlap, a regex takes the first branch that matches, not the best. So the
    sure entries form one trie and the weak ones (a bare "robux", "text me") another, tried
    only where no sure entry matches: "text me on snap" is not read as the weak "text me".
    """

    def __init__(self, entries: Iterable[tuple[tuple[str, ...], Entry]]):
        self.entries: list[Entry] = []
        sure, weak = _Trie(self.entries), _Trie(self.entries)
        for atoms, entry in sorted(entries, key=lambda pair: -pair[1].score):
            (sure if entry.score >= SURE else weak).add(atoms, entry)
        # The two tries share their first letters: "h" is tried once, then the sure
        # continuations, then the weak ones (so a sure entry still wins at the same place).
        starts: dict[str, list[str]] = {}
        for trie in (sure, weak):
            for atom, child in trie.root.items():
                starts.setdefault(atom, []).append(trie._emit(child))
        branches = [
            atom + (rest[0] if len(rest) == 1 else "(?:" + "|".join(rest) + ")")
            for atom, rest in starts.items()
        ]
        # Each match begins with the one character before the phrase (a space, punctuation, or
        # the space put before the text): a pattern that starts with a set of characters lets
        # the regex engine skip the letters inside words without trying the phrases there.
        self.pattern = re.compile(r"[\W_](?:" + ("|".join(branches) or "(?!)") + ")" + _WORD_END)

    def matches(self, view: View, start: int = 0, end: int | None = None) -> Iterator[tuple[Entry, int, int]]:
        """(entry, start, end) in the view's text, looking only between `start` and `end`."""
        end = len(view.text) if end is None else end
        text = " " + view.text  # text[i + 1] is view.text[i]
        search, position = self.pattern.search, start  # the character before `start`
        while match := search(text, position, end + 1):
            yield self.entries[int(match.lastgroup[1:])], match.start(), match.end() - 1
            position = match.end() - 1  # the last character may be the one before the next phrase

    def find(self, text: Normalised) -> list[tuple[Entry, int, int]]:
        """(entry, start, end) in the original text, each place once over all views."""
        found: dict[tuple[int, int], Entry] = {}
        for view in _views(text):
            for entry, start, end in self.matches(view):
                found.setdefault(view.original_span(start, end), entry)
        return [(entry, start, end) for (start, end), entry in found.items()]

    def search(self, text: Normalised) -> bool:
        return any(self.pattern.search(" " + view.text) for view in _views(text))


def _views(text: Normalised) -> tuple[View, ...]:
    """The views to read. The `letters` view reads a "!" after a word as leetspeak ("slet
    beskederne!" becomes "slet beskedernei"), so when there is one, the `folded` view,
    punctuation kept, is read too."""
    views = text.views()
    if "!" in text.folded.text and text.folded.text != text.letters.text:
        return (*views, text.folded)
    return views


def _entries(languages: tuple[str, ...], list_names: Iterable[tuple[str, str]]):
    """(atoms, Entry) for every expansion of every entry of the lists, kind by kind."""
    for language in languages:
        for kind, list_name in list_names:
            macros, entries = _read(language, list_name)
            default = KINDS[kind].score if kind in KINDS else 1.0
            for line, score in entries:
                entry = Entry(kind, line, default if score is None else score)
                for tokens in _plain_starts(_TOKENS.findall(line.casefold()), macros):
                    yield _atoms(tokens, macros), entry


def phrase_matcher(languages: tuple[str, ...], lists: Iterable[tuple[str, str]]) -> Matcher:
    """One matcher for the phrase lists [(kind, list name), ...] of these languages.

    Used by the spam detector too: plain `Lexicon` entries are valid entries here, and one
    trie-shaped regex is several times faster than a `Lexicon` with as many entries.
    """
    return Matcher(_entries(languages, lists))


# Both languages' lists, always. Young Danes write English phrases all the time ("send
# pics", "snap?"), short chat lines are often given the wrong language, and a Danish grooming
# phrase is still one in a message read as English. One regex for both also compiles once.
_LANGUAGES = ("da", "en")
_SIGNALS = phrase_matcher(_LANGUAGES, [(kind, f"grooming_{kind}") for kind in LIST_KINDS])
_HARMLESS = phrase_matcher(_LANGUAGES, [("exception", "grooming_exceptions")])
_SUPERVISED = phrase_matcher(_LANGUAGES, [("supervised", "grooming_supervised")])


# --- One message ----------------------------------------------------------------------------


# Harmless phrases are short: only the text this close to a signal can hold one that overlaps it.
_EXCEPTION_REACH = 60


def detect(text: Normalised, language: str) -> list[Finding]:
    """The grooming signals in one message. `language` is part of the detector contract; the
    Danish and English lists are read whatever it says (see _LANGUAGES)."""
    found: dict[tuple[int, int], Entry] = {}  # original span -> entry, once over all views
    for view in _views(text):
        signals = list(_SIGNALS.matches(view))
        if signals:
            for entry, start, end in _not_harmless(signals, view, _HARMLESS):
                found.setdefault(view.original_span(start, end), entry)
    if not found:
        return []
    # Only look for supervised places when a meeting was suggested (saves time).
    supervised = any(e.kind == "meeting" for e in found.values()) and _SUPERVISED.search(text)
    findings = [_finding(entry, start, end, supervised) for (start, end), entry in found.items()]
    return sorted(findings, key=lambda f: (f.start, f.end))


def _not_harmless(signals, view: View, exceptions: Matcher):
    """The signals that no harmless phrase ("send et billede af opgaven") overlaps."""
    low = max(0, signals[0][1] - _EXCEPTION_REACH)
    high = view.text.find(" ", signals[-1][2] + _EXCEPTION_REACH)  # do not cut a word
    harmless = [(start, end) for _, start, end in exceptions.matches(view, low, high if high >= 0 else None)]
    for signal in signals:
        if not any(signal[1] < h_end and h_start < signal[2] for h_start, h_end in harmless):
            yield signal


def _finding(entry: Entry, start: int, end: int, supervised: bool) -> Finding:
    kind = KINDS[entry.kind]
    score, reason = entry.score, kind.reason
    if kind.name == "meeting" and supervised:
        # "Skal vi mødes i klubben? Pædagogen er der også": friends, not grooming.
        score, reason = score * SUPERVISED_MEETING_FACTOR, reason + " (a supervised place)"
    return Finding(Label.GROOMING, start, end, round(score, 3), reason, kind.name, kind.severity)


# --- A conversation -------------------------------------------------------------------------

# The risk at which the pipeline flags a conversation to a supervisor and masks contact
# details more strictly. Why 0.6 (figures from this code, the reader 13-15 unless said):
#   flagged      one sure sexual question, photo request or secrecy from a 26+ writer (0.61-0.69);
#                a sexual question from 18-25 (0.61); secrecy + a photo request with ages
#                unknown (0.61); age + secrecy + photos with ages unknown (0.71); a threat
#                to share a picture together with "send one more", ages unknown (0.63)
#   not flagged  a 26+ counsellor asking age (0.32), or age, town and "are you alone?" (0.40);
#                two 13-15s asking age and snap (0.32); one photo request, ages unknown (0.36);
#                a photo request from 18-25 (0.57: one more signal is needed); a threat
#                alone, ages unknown (0.50)
# So one clear abusive move by an adult is enough, and so is a pattern of different moves,
# while the questions counsellors and peers ask are not. A flag costs a supervisor a minute;
# a missed conversation costs a child far more, so the threshold sits just above the highest
# harmless conversation in evaluation/sets/grooming.jsonl (0.54 before PEERS, two 16-year-olds
# flirting and agreeing to meet; 0.55 now, a 19-year-old brother fetching his sister)
# rather than in the middle of the gap.
GROOMING_THRESHOLD = 0.6

AGE_BANDS = ("13-15", "16-17", "18-25", "26+")
_RANK = {band: rank for rank, band in enumerate(AGE_BANDS)}
_MINOR = 1  # ranks 0 and 1 are minors

# How much a signal counts, by who writes it to whom (the youngest other participant).
ADULT_TO_MINOR = {"18-25": 1.6, "26+": 1.8}
OLDER_MINOR_TO_YOUNGER = 1.25  # 16-17 writing to 13-15
PEERS = 0.8  # a minor writing to minors of the same age or older: friends ask "har du snap?",
# "hvor bor du?" and "send et billede!" all day; grooming by peers is rarer than by adults
MINOR_TO_ADULTS = 0.5  # a young person's own words to adults (e.g. "don't tell my mum")
ADULTS_ONLY = 0.6  # not grooming of a minor

# Grooming is several different moves, usually in order. Beyond what each signal adds:
REPEAT_DECAY = 0.3  # the 2nd signal of a kind counts 0.3, the 3rd 0.09 ...: kinds, not repeats
KIND_STEP = 0.03  # each further kind of signal
ESCALATION_STEP = 0.05  # each new, later stage reached (flattery -> age -> secrecy -> photos ...)
PATTERN_MAX = 0.25


@dataclass(frozen=True)
class ConversationMessage:
    author_id: int
    author_age_band: str  # "13-15", "16-17", "18-25", "26+" or "" (unknown)
    text: str


@dataclass(frozen=True)
class Signal:
    """The strongest finding of one kind in one message: all a conversation needs to keep."""

    message_index: int
    author_id: int
    kind: str
    score: float


@dataclass(frozen=True)
class ConversationRisk:
    score: float = 0.0  # 0..1
    counts: Mapping[str, int] = field(default_factory=dict)  # kind -> messages with it
    message_indexes: tuple[int, ...] = ()  # messages that contributed
    reasons: tuple[str, ...] = ()  # short English, for moderators
    # What scoring the next messages needs (so they need not be read again):
    messages_seen: int = 0
    signals: tuple[Signal, ...] = ()
    age_bands: Mapping[int, str] = field(default_factory=dict)  # author -> latest known band

    @property
    def flagged(self) -> bool:
        return self.score >= GROOMING_THRESHOLD


def score_conversation(
    messages: Sequence[ConversationMessage],
    *,
    previous: ConversationRisk | None = None,
    language: str = "",
    model=None,
) -> ConversationRisk:
    """The risk after `messages`, which follow the ones `previous` was scored on.

    `language` is passed on to `detect` (the lists of both languages are read anyway).
    `model` (a grooming message classifier, optional) reads the messages in which the lists
    found nothing.

    Scoring [m1, m2] and then [m3] with `previous` gives exactly what scoring [m1, m2, m3]
    does: the state kept is the signals found so far and the authors' age bands, and the
    risk is added up from them. New signals only ever raise the score; it can fall only
    when a later message first gives someone's age band (a young person's "sig det ikke
    til min mor" counts less once the reader turns out to be a counsellor).
    """
    previous = previous or ConversationRisk()
    signals = list(previous.signals)
    bands = dict(previous.age_bands)
    for offset, message in enumerate(messages):
        if message.author_age_band in _RANK:
            bands[message.author_id] = message.author_age_band  # the latest known band counts
        signals += _signals(message, previous.messages_seen + offset, language, model)
    score, counts, indexes, reasons = _assess(signals, bands)
    return ConversationRisk(
        score=score,
        counts=counts,
        message_indexes=indexes,
        reasons=reasons,
        messages_seen=previous.messages_seen + len(messages),
        signals=tuple(signals),
        age_bands=bands,
    )


def _signals(message: ConversationMessage, index: int, language: str, model=None) -> list[Signal]:
    strongest: dict[str, float] = {}
    for finding in detect(normalise(message.text), language):
        strongest[finding.kind] = max(strongest.get(finding.kind, 0.0), finding.score)
    if not strongest and model is not None:
        score = model.positive_proba(message.text)
        if score >= model.threshold:
            strongest[MODEL_KIND] = score
    return [Signal(index, message.author_id, kind, score) for kind, score in strongest.items()]


def direction_factor(writer_band: str, other_bands: Iterable[str]) -> float:
    """How much a signal counts given who writes it and the youngest person it is written to."""
    writer = _RANK.get(writer_band)
    others = [_RANK[band] for band in other_bands if band in _RANK]
    if writer is None or not others:
        return 1.0
    youngest = min(others)
    if writer > _MINOR and youngest <= _MINOR:
        return ADULT_TO_MINOR[writer_band]
    if writer == _MINOR and youngest < _MINOR:
        return OLDER_MINOR_TO_YOUNGER
    if writer <= _MINOR and youngest <= _MINOR:
        return PEERS
    if writer <= _MINOR and youngest > _MINOR:
        return MINOR_TO_ADULTS
    if writer > _MINOR and youngest > _MINOR:
        return ADULTS_ONLY
    return 1.0


def _assess(signals: Sequence[Signal], bands: Mapping[int, str]):
    """(score, counts, message indexes, reasons) for all signals so far."""
    by_kind: dict[str, list[float]] = {}
    escalation: list[str] = []  # kinds, in the order they first reached a new, later stage
    pattern: set[str] = set()  # kinds written by someone as old as or older than the reader
    older_to_minor: set[str] = set()
    for signal in signals:
        writer_band = bands.get(signal.author_id, "")
        factor = direction_factor(writer_band, (b for a, b in bands.items() if a != signal.author_id))
        kind = KINDS[signal.kind]
        by_kind.setdefault(signal.kind, []).append(min(1.0, kind.weight * signal.score * factor))
        if factor > 1.0:
            older_to_minor.add(writer_band)
        if factor < PEERS:
            continue  # a young person's words to adults, or adults among themselves: no pattern
        pattern.add(signal.kind)
        if not escalation or kind.stage > KINDS[escalation[-1]].stage:
            escalation.append(signal.kind)

    remaining = 1.0  # the chance that none of the kinds means grooming (noisy OR)
    for contributions in by_kind.values():
        remaining *= 1.0 - _kind_evidence(contributions)
    steps = max(0, len(escalation) - 1)
    bonus = min(PATTERN_MAX, KIND_STEP * max(0, len(pattern) - 1) + ESCALATION_STEP * steps)
    score = 1.0 - remaining * (1.0 - bonus)

    counts = {kind: len(v) for kind, v in by_kind.items()}
    indexes = tuple(sorted({s.message_index for s in signals}))
    return score, counts, indexes, _reasons(signals, older_to_minor, escalation, bands)


def _kind_evidence(contributions: list[float]) -> float:
    """The strongest signal of a kind counts in full, repeats much less."""
    remaining = 1.0
    for position, value in enumerate(sorted(contributions, reverse=True)):
        remaining *= 1.0 - value * REPEAT_DECAY**position
    return 1.0 - remaining


def _reasons(signals, older_to_minor, escalation, bands) -> tuple[str, ...]:
    reasons = []
    if older_to_minor:
        youngest = min((b for b in bands.values()), key=_RANK.__getitem__)
        oldest = max(older_to_minor, key=_RANK.__getitem__)
        reasons.append(f"older writer ({oldest}) to a minor ({youngest})")
    by_kind: dict[str, list[int]] = {}
    for signal in signals:
        by_kind.setdefault(signal.kind, []).append(signal.message_index)
    for kind in sorted(by_kind, key=lambda k: -KINDS[k].weight):
        places = ", ".join(str(i) for i in by_kind[kind][:5]) + ("…" if len(by_kind[kind]) > 5 else "")
        word = "message" if len(by_kind[kind]) == 1 else "messages"
        reasons.append(f"{KINDS[kind].reason} ({word} {places})")
    if len(escalation) >= 3:
        reasons.append("escalating: " + " → ".join(k.replace("_", "/") for k in escalation))
    return tuple(reasons)
