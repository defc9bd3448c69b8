"""Crisis: the writer's own risk of suicide or self-harm, and worry about someone else.

Safety comes first: a young person who writes "jeg orker ikke mere" or "i wanna die" must
reach a human at once, so this detector is built for recall. It must also stay quiet on
the look-alikes that fill a teenager's day ("jeg dør af grin", "this homework is killing
me", a film, a song, an essay), or moderators stop trusting it. It is rules, not a model:
every decision can be read here or in a word list.

How it decides:

1. **Phrases** (`helle/safety/lists/<lang>/crisis_<kind>.txt`) have a kind (ideation,
   self_harm, plan, method, time, goodbye) and a role:
   - core: counts by itself ("selvmordstanker", "kill myself", "farvel til alle");
   - soft: counts by itself but is everyday speech too ("jeg kan ikke mere", "I can't do
     this anymore"): it scores lower and is dropped next to laughter or homework;
   - context: counts only next to a core phrase ("piller", "i aften", "jeg har besluttet",
     "tak for alt"), or in a pair (a plan word and pills; "tak for alt. farvel").
   Danish and English lists are always both used: Danish teenagers write "jeg er så
   suicidal" and "kms", and short texts are often given the wrong language.
2. **Combinations** catch what no list can hold: a word of one kind shortly before a word
   of another in one clause ("har så meget lyst til bare at dø", "gider jeg ikke at leve
   mere", "everyone would be happier if I just wasn't around"). See COMBINATIONS; the words
   are in crisis_cue_<role>.txt. A wish and a death word further apart in one sentence
   ("har lyst til bare at lægge mig ned og dø") count too, as a soft phrase, unless a
   time, condition or question word stands between ("want to eat pizza until i die"). Ten
   pills or more in one go ("taget 20 panodil") is a method whatever the words around it.
3. **Whose risk?** A phrase with "mig selv"/"myself" is the writer's; with "sig
   selv"/"herself" (made from the first-person entries) someone else's. Otherwise the
   nearest person named before it in the sentence decides: "jeg"/"I" or nobody: the writer
   (CRISIS); "hun", "min veninde", "my friend": someone else (CONCERN); "du"/"you" or
   "people" right before it: nobody (a question, advice, a campaign). Quoted words belong to
   whoever is named before the quote ('hun skrev "jeg vil dø"' is a friend's).
4. **Not meant**: dropped when negated ("jeg har aldrig tænkt på selvmord", "I'm not
   suicidal"), part of an idiom ("dø af grin", "die of embarrassment"), sung, quoted, in a
   film, book, game or lesson, a laughing joke about everyday things ("this class is so
   boring i want to die lol"), an accident ("skar mig i fingeren"), or what someone else
   told the writer to do ("a guy told me to kill myself": harassment). Laughter alone does
   not drop a core phrase: "i want to die lol" is how many young people say it and mean it.
5. **Past and resolved**: "for to år siden havde jeg selvmordstanker, men nu har jeg det
   godt" is a LOW crisis finding of kind "history": staff want to know, but it is not an
   emergency. Anything current (a plan, a method, a time, a goodbye) makes it a crisis again.

Severity: ideation and self_harm MEDIUM; plan, method, time, goodbye HIGH; history LOW.
Each span is reported with its kind; the score rises when several kinds occur together.

Speed: every word list is compiled once, at import, into a regular expression shaped as
a trie and tried only at word starts. A 500-character message with nothing to look at
costs about 0.05 ms; one with a crisis phrase in it about 0.3-0.4 ms, most of it reading
the grammar and guard words around the phrase (only done then).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from helle.safety.findings import Finding, Label, Severity
from helle.safety.lists import words
from helle.safety.normalise import Normalised, View

LANGUAGES = ("da", "en")
LANGUAGE_NAMES = {"da": "Danish", "en": "English"}

# --- Phrase matching ---------------------------------------------------------------------------
#
# The entry syntax of `helle.safety.lexicon`: words separated by anything that is not a
# letter, any letter may repeat, `*` at the end of a word is any ending. Added here: a lone
# `*` is one whole word ("vil * dø": "vil bare dø", "vil jeg dø"); an apostrophe may be left
# out or typed as ’ ("dont", "don’t"); æ, ø, å may be written ae, oe, aa, and æ as e (keyboards
# without Danish letters).

_SEPARATOR = r"[\W_]+"
# A letter is written "xx*" rather than "x+": the regex engine skips an alternative that
# starts with a plain letter in one step, which makes a trie about twice as fast.
_LETTER_SPELLINGS = {"æ": "(?:ææ*|ae|e)", "ø": "(?:øø*|oe)", "å": "(?:åå*|aa)"}
_END = ""  # trie key for "an entry ends here" (never a unit, units are never empty)


def _units(entry: str) -> list[str]:
    """One regular-expression piece per run of a letter, separator or wildcard.

    A run of n letters matches n or more ("kill": k-i-ll+, so "kiiill" but not "kil";
    "been" is not "ben").
    """
    units: list[str] = []
    words_ = entry.casefold().split()
    # "d0" is read as "do": in a phrase of several words without a gap ("lyst til at dø")
    # an o may stand for ø; alone or next to a gap it may not ("vil på do" is the toilet).
    spellings = (
        dict(_LETTER_SPELLINGS, ø="(?:øø*|oe|o)")
        if len(words_) > 1 and "*" not in words_
        else _LETTER_SPELLINGS
    )
    for number, word in enumerate(words_):
        if number:
            units.append(_SEPARATOR)
        wildcard = word.endswith("*")
        for run in re.finditer(r"(.)\1*", word.rstrip("*")):
            ch, n = run.group(1), len(run.group(0))
            if ch in spellings:
                units.append(spellings[ch] * n)
            elif ch.isalpha():
                units.append(re.escape(ch) * (n + 1) + "*")
            elif ch in "'’":
                units.append("['’]?")
            else:
                units.append(re.escape(ch) * n)
        if wildcard:
            units.append(r"\w*")
    return units


def _trie_pattern(entries: dict[int, str]) -> re.Pattern:
    """One pattern for many entries, shaped as a trie: entries that begin alike share a
    prefix, so the engine tries each word of a text against a few letters, not a thousand
    phrases. It has no groups (see `Phrases` for why) and only says where something is.

    The pattern starts with the character before the word (texts are searched with a space
    in front), so the engine only tries the trie at word starts.
    """
    root: dict = {}
    for number, entry in entries.items():
        node = root
        for unit in _units(entry):
            node = node.setdefault(unit, {})
        node.setdefault(_END, number)

    lengths: dict[int, int] = {}

    def longest(node: dict) -> int:
        """How many units the longest entry below this node still has."""
        if id(node) not in lengths:
            lengths[id(node)] = max((1 + longest(child) for u, child in node.items() if u != _END), default=0)
        return lengths[id(node)]

    def emit(node: dict) -> str:
        # The regex engine keeps the first alternative that fits, not the longest, so the
        # branch with the longest entries goes first ("burn* herself" before "burns",
        # "been cutting" before "ben"); an entry ending here comes last.
        units = sorted((u for u in node if u != _END), key=lambda u: -longest(node[u]))
        alternatives = [unit + emit(node[unit]) for unit in units]
        if _END in node:
            alternatives.append("")
        return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"

    return re.compile(r"[\W_](?:" + emit(root) + r")(?![^\W_])")


_SPELLED = {"æ": ("æ", "ae", "e"), "ø": ("ø", "oe", "o"), "å": ("å", "aa", "a")}


def _prefixes(entry: str) -> set[str] | None:
    """The first two characters a match of `entry` can start with, a letter repeated counting
    once and any separator as " " ("selvmord": "se"; "dø": "dø", "do"; "i'm": "i ", "im").
    None: any, for an entry like "* years ago" or "x*"."""
    first = entry.split()[0]
    word = first.rstrip("*")
    if not word:
        return None
    heads = set(_SPELLED.get(word[0], (word[0],)))
    rest = word.lstrip(word[0])
    if not rest:
        if first.endswith("*"):
            return None
        return {h if len(h) == 2 else h + " " for h in heads}
    seconds = set(_SPELLED.get(rest[0], (rest[0],)))
    if not rest[0].isalnum():  # "i'm", "don't" and "im", "dont"
        seconds = {" "} | ({rest[1]} if len(rest) > 1 else set())
    return {h[:2] if len(h) == 2 else h + s_[0] for h in heads for s_ in seconds}


def _prefix_at(padded: str, at: int) -> str:
    """The two characters the word after `at` starts with, counted as in `_prefixes`."""
    first = padded[at + 1]
    j = at + 2
    while j < len(padded) and padded[j] == first:
        j += 1
    second = padded[j] if j < len(padded) else " "
    return first + (second if second.isalnum() else " ")


def _longest_first_pattern(entries: dict[int, str]) -> re.Pattern:
    """The entries as plain alternatives, longest first, each ending in its group `e<number>`.

    Used at a position where the trie already found something, to tell which entry it
    is and to take the longest entry there: the trie keeps the first branch that fits,
    which is not always the longest ("slår mig selv" before "slå* mig selv ihjel").
    """
    ordered = sorted(entries.items(), key=lambda item: -len(item[1].replace("*", "")))
    alternatives = "|".join("".join(_units(entry)) + f"(?P<e{number}>)" for number, entry in ordered)
    return re.compile(r"[\W_](?:" + alternatives + r")(?![^\W_])")


class Hit(NamedTuple):
    start: int  # in the original text
    end: int
    tag: object  # what the matched entry stands for


def _hit_order(hit: Hit) -> tuple[int, int]:
    return hit.start, -hit.end


class Phrases:
    """Many tagged entries, found in the views of a text.

    Finding and naming are apart, for speed: a match object has a slot for every group of
    its pattern, so one pattern with a group per entry makes every match cost thousands of
    steps. The trie `_finder` has no groups and says where a phrase starts; the few entries
    that begin with the same two characters then say which one it is, longest first (the
    trie keeps the first branch that fits, which is not always the longest: "slår mig
    selv" before "slå* mig selv ihjel"). Entries without letters (emojis) are looked for as
    plain text.
    """

    def __init__(self, tagged: list[tuple[str, object]]):
        tagged = list(
            {entry.strip().casefold(): tag for entry, tag in reversed(tagged) if entry.strip()}.items()
        )
        tagged.reverse()  # the first tag given for an entry wins
        worded = [(entry, tag) for entry, tag in tagged if any(ch.isalpha() for ch in entry)]
        self._symbols = [(entry, tag) for entry, tag in tagged if not any(ch.isalpha() for ch in entry)]
        self._tags = {f"e{number}": tag for number, (_, tag) in enumerate(worded)}
        entries = {number: entry for number, (entry, _) in enumerate(worded)}
        self._entry_texts = list(entries.values())
        self._finder = _trie_pattern(entries) if entries else None
        # Which entry a match is, and the longest there, is asked of the few entries that
        # begin with the same two characters.
        by_prefix: dict[str, dict[int, str]] = {}
        anywhere = {n: e for n, e in entries.items() if _prefixes(e) is None}
        for number, entry in entries.items():
            for prefix in _prefixes(entry) or ():
                by_prefix.setdefault(prefix, dict(anywhere))[number] = entry
        # Compiled when first needed: there are hundreds, and a process meets most of them
        # soon, but importing the module should not wait for all of them.
        self._groups = by_prefix
        self._anywhere = anywhere or entries
        self._namers: dict[str, re.Pattern] = {}

    def _namer(self, prefix: str) -> re.Pattern:
        if prefix not in self._namers:
            self._namers[prefix] = _longest_first_pattern(self._groups.get(prefix, self._anywhere))
        return self._namers[prefix]

    @property
    def worded_entries(self) -> list[str]:
        return list(self._entry_texts)

    def _named_at(self, padded: str, start: int) -> re.Match | None:
        """The longest of our entries that matches at `start`; None when none does (a start
        found by a finder shared with other entries)."""
        if self._finder is None or self._finder.match(padded, start) is None:
            return None
        named = self._namer(_prefix_at(padded, start)).match(padded, start)
        if named is None:  # an entry spelled in a way `_prefixes` did not foresee
            named = next(filter(None, (self._namer(p).match(padded, start) for p in self._groups)))
        return named

    def _add_hits(self, found: dict, padded: str, index, starts: list[int]) -> None:
        tags = self._tags
        for start in starts:
            m = self._named_at(padded, start)
            if m is None:
                continue
            at, to = m.span()
            # The match starts with the character before the word: in the view the word
            # runs from `at` to `to - 1`.
            span = (index[at], index[to - 2] + 1)
            if span not in found:
                found[span] = Hit(*span, tags[m.lastgroup])

    def _add_symbols(self, found: dict, original: str) -> None:
        for symbol, tag in self._symbols:
            position = original.find(symbol)
            while position >= 0:
                found.setdefault(
                    (position, position + len(symbol)), Hit(position, position + len(symbol), tag)
                )
                position = original.find(symbol, position + 1)

    def find(self, text: Normalised, every_view: bool = True) -> list[Hit]:
        """Hits in the original text, sorted by start (longest first); `every_view=False`
        reads only the `letters` view (enough for grammar and guard words)."""
        return find_together((self,), self._finder, text, every_view)[0]


def _starts(finder: re.Pattern, padded: str) -> list[int]:
    """Where an entry starts. "har besluttet mig" and "besluttet mig for at dø" overlap: each
    search starts again at the next word after the previous match's start."""
    starts = []
    m = finder.search(padded)
    while m:
        starts.append(m.start())
        m = finder.search(padded, m.start() + 1)
    return starts


def find_together(
    phrase_sets: tuple[Phrases, ...], finder: re.Pattern | None, text: Normalised, every_view: bool = True
) -> list[list[Hit]]:
    """Each set's hits, as its own `find` gives them, from one search of each view with
    `finder` (a trie of all their entries): one pass over the text instead of one per set."""
    found: list[dict] = [{} for _ in phrase_sets]
    views = text.views() if every_view else (text.letters,)
    for view in views if finder is not None else ():
        padded = " " + view.text  # matches start with the character before the word
        starts = _starts(finder, padded)
        if starts:
            for phrases, hits in zip(phrase_sets, found, strict=True):
                phrases._add_hits(hits, padded, view.index, starts)
    for phrases, hits in zip(phrase_sets, found, strict=True):
        phrases._add_symbols(hits, text.original)
    return [sorted(hits.values(), key=_hit_order) for hits in found]


def shared_finder(*phrase_sets: Phrases) -> re.Pattern | None:
    entries = sorted({entry for phrases in phrase_sets for entry in phrases.worded_entries})
    return _trie_pattern(dict(enumerate(entries))) if entries else None


# --- Vocabulary: what the writer may be telling us ---------------------------------------------

CORE, SOFT, CONTEXT, CUE = "core", "soft", "context", "cue"

# Whose risk an entry speaks of, read from its own words.
SELF = "self"  # "mig selv", "myself", "jeg": the writer
OTHER = "other"  # "sig selv", "herself", "sit liv": someone else
OBJECT = "object"  # "mig" without "selv" ("slå mig ihjel"): the writer only if nobody else is the subject
ANYONE = "anyone"  # no person in the entry: the sentence decides

# list name: (kind, role)
VOCABULARY = {
    "crisis_ideation": ("ideation", CORE),
    "crisis_ideation_soft": ("ideation", SOFT),
    "crisis_burden": ("ideation", CORE),  # "ingen ville savne mig", "better off without me"
    "crisis_needs_subject": ("ideation", CORE),  # "begår selvmord": only with a person named before it
    "crisis_self_harm": ("self_harm", CORE),
    "crisis_plan": ("plan", CORE),
    "crisis_plan_context": ("plan", CONTEXT),
    "crisis_method": ("method", CORE),
    "crisis_method_context": ("method", CONTEXT),
    "crisis_research": ("method", CORE),  # "how to hang yourself": the writer's own search
    "crisis_time": ("time", CONTEXT),
    "crisis_goodbye": ("goodbye", CORE),
    "crisis_goodbye_soft": ("goodbye", CONTEXT),
    "crisis_echo": ("echo", CONTEXT),  # "me too", "jeg har det også sådan"
    # Words that count only in a combination (see COMBINATIONS): "dø" after "lyst til".
    "crisis_cue_death": ("death", CUE),
    "crisis_cue_suicide": ("suicide", CUE),
    "crisis_cue_life": ("life", CUE),
    "crisis_cue_absence": ("absence", CUE),
    "crisis_cue_not_wake": ("not_wake", CUE),
    "crisis_cue_disappear": ("disappear", CUE),
    "crisis_cue_body": ("body", CUE),
    "crisis_cue_wound": ("wound", CUE),
}

# Words that make an entry the writer's own or someone else's (Danish "i" is "in", not "I").
_FIRST_WORDS = {
    "da": {"jeg", "jg", "mig", "min", "mit", "mine", "meg", "jag", "mitt", "eg"},
    "en": {"i", "i'm", "im", "i'd", "i've", "ive", "i'll", "me", "my", "myself", "mine"},
}
_SUBJECT_WORDS = {"da": {"jeg", "jg", "jag", "eg"}, "en": {"i", "i'm", "im", "i'd", "i've", "ive", "i'll"}}
_OTHER_WORDS = {
    "da": {"sig", "sin", "sit", "sine", "seg", "ham", "hende"},
    "en": {"himself", "herself", "themselves", "themself", "his", "their", "him", "her", "them"},
}

# First-person entries are also read about someone else: "skære i mig selv" gives "skære i
# sig selv", "kill myself" gives "kill herself". Only reflexives and possessives change;
# entries with "jeg"/"I" as their subject stay first-person only.
_REFLEXIVE_SWAPS = {
    "da": {
        "mig": ("sig",),
        "mit": ("sit", "hans", "hendes"),
        "min": ("sin", "hans", "hendes"),
        "mine": ("sine", "hans", "hendes"),
        "meg": ("seg",),
    },
    "en": {"myself": ("himself", "herself", "themselves", "themself"), "my": ("his", "her", "their")},
}
# In the burden list "mig"/"me" is an object: "ingen ville savne hende", "nobody would miss him".
_OBJECT_SWAPS = {"da": {"mig": ("ham", "hende", "dem")}, "en": {"me": ("him", "her", "them")}}


def _who(entry: str, language: str, burden: bool) -> str:
    tokens = set(entry.replace("*", "").split())
    if _OTHER_WORDS[language] & tokens:
        return OTHER
    if (
        not burden
        and language == "da"
        and "mig" in tokens
        and "selv" not in tokens
        and not (_FIRST_WORDS["da"] - {"mig"}) & tokens
    ):
        return OBJECT
    return SELF if _FIRST_WORDS[language] & tokens else ANYONE


def _about_someone_else(entry: str, language: str, burden: bool) -> list[str]:
    tokens = entry.split()
    swaps = (_OBJECT_SWAPS if burden else _REFLEXIVE_SWAPS)[language]
    if _SUBJECT_WORDS[language] & set(tokens) or not swaps.keys() & set(tokens):
        return []
    variants: list[list[str]] = [[]]
    for token in tokens:
        variants = [[*v, t] for v in variants for t in swaps.get(token, (token,))]
    return [" ".join(v) for v in variants]


@dataclass(frozen=True)
class Phrase:
    """What a vocabulary entry stands for."""

    kind: str
    role: str
    who: str
    language: str
    entry: str
    needs_subject: bool = False

    @cached_property
    def words(self) -> tuple[str, ...]:
        return tuple(w.rstrip("*") for w in self.entry.split() if w != "*")

    @property
    def has_gap(self) -> bool:
        return "*" in self.entry.split()


def _vocabulary(cues: bool) -> list[tuple[str, Phrase]]:
    tagged: list[tuple[str, Phrase]] = []
    for name, (kind, role) in VOCABULARY.items():
        if (role == CUE) != cues:
            continue
        burden = name in ("crisis_burden", "crisis_cue_absence")  # "uden mig": the writer
        for language in LANGUAGES:
            for entry in words(language, name):
                entry = entry.casefold()
                # An echo ("me too") and a search ("hvordan man hænger sig") are the writer's own.
                who = SELF if name in ("crisis_echo", "crisis_research") else _who(entry, language, burden)
                tagged.append(
                    (entry, Phrase(kind, role, who, language, entry, name == "crisis_needs_subject"))
                )
                if who in (SELF, OBJECT) and name not in ("crisis_echo", "crisis_research") and role != CUE:
                    for variant in _about_someone_else(entry, language, burden):
                        tagged.append((variant, Phrase(kind, role, OTHER, language, variant)))
    return tagged


# Phrases and cue words are found apart, so that a cue word ("hvis jeg bare ikke var her")
# never hides a phrase with the same words ("hvis jeg bare ik* var her").
_PHRASES = Phrases(_vocabulary(cues=False))
_CUE_WORDS = Phrases(_vocabulary(cues=True))
# Phrases and cue words are found in one search of each view (they are read together always).
_PHRASES_AND_CUES = shared_finder(_PHRASES, _CUE_WORDS)

# --- Grammar and guards: who is speaking, and is it meant --------------------------------------
#
# Grammar is a small closed set, so it lives here. Everything else is vocabulary in
# crisis_<guard>.txt: the people a writer worries about ("min veninde", "my friend") and the
# signs that a crisis word is not meant (a film, a song, a joke, an accident).

FIRST, THIRD, YOU, GENERIC = "first", "third", "you", "generic"
PERSONS = (FIRST, THIRD, YOU, GENERIC)
NEGATION, BREAK, ABOUT, CONDITION, CONJUNCTION = "negation", "break", "about", "condition", "conjunction"
TEMPORAL = "temporal"  # "indtil", "before", "how": "want to eat pizza until i die" is no wish to die
TOLD = "told"  # "hun skrev til mig", "she told me": the "me" here is not who the sentence is about
INCITED = "incited"  # "told me to", "sagde jeg skulle": someone else's words, a harassment matter

_GRAMMAR = {
    "da": {
        # Possessives ("min", "mine") are not here: "mine planter" is not the writer.
        FIRST: "jeg jg jej mig eg meg jag",
        THIRD: "han hun hen de ham hende dem sig",
        YOU: "du dig jer",
        GENERIC: "folk mennesker nogen unge teenagere elever personer",
        # "ingen"/"intet" negate only right before a phrase (see `_negated`).
        NEGATION: "ikke ik ikk ikek aldrig ingen intet ikkje inte",
        # Words that end a negation's reach: "jeg ved ikke hvorfor jeg vil dø".
        BREAK: "hvorfor hvordan hvad om hvis stoppe stopper holde lade slippe sikker lyve lyver pjatter "
        "spøger overdriver okay ok godt fint glad bedre så",
        ABOUT: "om omkring angående",
        CONDITION: "hvis",
        CONJUNCTION: "og men fordi eller",
        TEMPORAL: "indtil før inden når efter hvorfor hvordan hvad",
    },
    "en": {
        FIRST: "i i'm im i'd i've ive i'll me myself",
        THIRD: "he she they him her them he's she's they're hes shes theyre "
        "himself herself themselves themself",
        YOU: "you u ya yall y'all your ur you're youre yourself yourselves",
        GENERIC: "people someone somebody anyone anybody everyone teens teenagers kids students",
        NEGATION: "not never no don't dont doesn't doesnt didn't didnt won't wont wouldn't wouldnt "
        "isn't isnt aren't arent ain't aint nor haven't havent hasn't hasnt hadn't hadnt",
        BREAK: "why how what if whether stop sure know help lie lying kidding joking exaggerating ok okay "
        "fine good well alright happy better then",
        ABOUT: "about on regarding",
        CONDITION: "if",
        CONJUNCTION: "and but because cause cuz coz bc or so",
        TEMPORAL: "until till before when after why how what whether",
    },
}
# Someone telling the writer something: whose words follow is the one who told.
_TOLD = {
    "da": (
        "fortalte mig",
        "fortæller mig",
        "fortalt mig",
        "skrev til mig",
        "skriver til mig",
        "skrevet til mig",
        "sendte mig",
        "sender mig",
        "sendt mig",
        "sagde til mig",
        "siger til mig",
        "sagt til mig",
        "viste mig",
        "skrev til mig at",
        "snappede mig",
        "betroede mig",
    ),
    "en": (
        "told me",
        "tells me",
        "telling me",
        "sent me",
        "sends me",
        "texted me",
        "texts me",
        "wrote me",
        "wrote to me",
        "said to me",
        "messaged me",
        "dmed me",
        "dm'd me",
        "snapped me",
        "showed me",
        "admitted to me",
        "confided in me",
    ),
}
# Someone telling the writer to do it: "a guy messaged me telling me to hang myself" is
# harassment (the harassment detector's), not the writer's own wish.
_INCITED = {
    "da": (
        "sagde jeg skulle",
        "sagde at jeg skulle",
        "siger jeg skal",
        "siger at jeg skal",
        "skrev jeg skulle",
        "skrev at jeg skulle",
        "skriver at jeg skal",
        "om at jeg skulle",
        "vil have mig til at",
        "ville have mig til at",
        "bad mig om at",
        "opfordrede mig til at",
        "sagde til mig at jeg skulle",
    ),
    "en": (
        "telling me to",
        "told me to",
        "tells me to",
        "said i should",
        "says i should",
        "wants me to",
        "wanted me to",
        "asked me to",
        "saying i should",
        "said to go",
        "told me i should",
    ),
}
# Negations of several words: "har ingen planer om at skade mig selv".
_NEGATING = {
    "da": (
        "ingen planer om",
        "ingen planer om at",
        "ingen intention om",
        "ingen tanker om",
        "ingen lyst til",
    ),
    "en": (
        "no plans to",
        "no intention of",
        "no intention to",
        "no thoughts of",
        "no desire to",
        "no wish to",
    ),
}
_ADJACENT_ONLY_NEGATIONS = {"ingen", "intet", "no"}
# Words between a negation and the phrase: "I'm not really suicidal", "jeg har ikke tænkt på
# at gøre skade på mig selv". Break words stop it: "jeg ved ikke hvorfor jeg vil dø".
_NEGATION_REACH = 4

OTHERS = "others"  # people the writer may worry about: "min veninde", "my friend"
TOPIC = "topic"  # films, books, games, school, news: "filmen", "essay", "13 reasons why"
LYRICS = "lyrics"  # songs and quotes: "synger", "sangen", "lyrics", "quote"
LAUGHTER = "laughter"  # "lol", "haha", "😂", "jk"
IDIOM = "idiom"  # "dø af grin", "die of embarrassment", "could kill myself"
ACCIDENT = "accident"  # "ved et uheld", "shaving": cuts and burns that are not self-harm
EVERYDAY = "everyday"  # "lektier", "homework": what "jeg kan ikke mere" is often about
PAST = "past"  # "for to år siden", "used to"
RECOVERED = "recovered"  # "har det godt nu", "I'm doing better now", "clean"
RETURNING = "returning"  # goodbyes that are not final: "vi ses", "see you", "på ferie"
GUARDS = (OTHERS, TOPIC, LYRICS, LAUGHTER, IDIOM, ACCIDENT, EVERYDAY, PAST, RECOVERED, RETURNING)

# The first word of a combination (lists named crisis_cue_<role>.txt).
DESIRE = "desire"  # "lyst til", "vil", "want", "wish"
THOUGHT = "thought"  # "tanker", "overvejer", "thinking", "considering"
WILL = "will"  # "gider", "orker", "want", "care": with a negation
POINTLESS = "pointless"  # "ingen mening", "no point"
COMPARE = "compare"  # "bedre", "nemmere", "happier"
METHOD_ACT = "method_act"  # "tage alle", "springe", "take all", "jump"
INTENT = "intent"  # "vil", "tænker", "klar", "going to", "ready", "enough"
NOBODY = "nobody"  # "ingen ville", "nobody would"
SLEEP = "sleep"  # "sove", "falde i søvn", "fall asleep"
HURT = "hurt"  # "skære", "skar", "cut", "burn"
READY = "ready"  # "foran mig", "in front of me", "lined up": a method at hand
AT = "at"  # "står på", "standing on": up on a high place
HOLDING = "holding"  # "sidder", "holding": with a means at hand
CANT = "cant"  # "kan ikke", "can't": a negation and a will in one
CUES = (
    DESIRE,
    THOUGHT,
    WILL,
    POINTLESS,
    COMPARE,
    METHOD_ACT,
    INTENT,
    NOBODY,
    SLEEP,
    HURT,
    READY,
    AT,
    HOLDING,
    CANT,
)


@dataclass(frozen=True)
class Word:
    """A grammar or guard word; one word can have several roles ("min mor": a person, everyday)."""

    roles: frozenset[str]
    text: str

    @cached_property
    def person(self) -> str:
        return next((role for role in PERSONS if role in self.roles), "")


_SQUEEZE = re.compile(r"(\w)\1+")


class SingleWords:
    """Plain one-word entries ("jeg", "ikke", "vil", "skolen"): most of the grammar and guard
    words a message has. Found with one pattern without groups and told apart by looking
    the word up, which costs far less per word than naming a match with a pattern."""

    def __init__(self, tagged: dict[str, Word]):
        self._tags = dict(tagged)
        for word, tag in tagged.items():
            self._tags.setdefault(_SQUEEZE.sub(r"\1", word), tag)  # "ikkke" is "ikke"
        self._finder = _trie_pattern(dict(enumerate(tagged)))

    def find(self, view: View) -> list[Hit]:
        index, text, tags, hits = view.index, view.text, self._tags, []
        for m in self._finder.finditer(" " + view.text):
            at, to = m.span()
            word = text[at : to - 1].replace("’", "'")
            tag = tags.get(word) or tags.get(_SQUEEZE.sub(r"\1", word))
            if tag is not None:
                hits.append(Hit(index[at], index[to - 2] + 1, tag))
        return hits


# Words that mean something else in the other language: Danish "i" is "in" (or "you" to
# several), Danish "her" is "here". They are persons only when the text is English.
_ENGLISH_ONLY = {"i", "her"}


def _guards(language: str) -> tuple[SingleWords, Phrases]:
    roles: dict[str, set[str]] = {}
    for guard in GUARDS + CUES:
        # The people a writer worries about are third persons: "min veninde", not "min".
        role = THIRD if guard == OTHERS else guard
        name = f"crisis_cue_{guard}" if guard in CUES else f"crisis_{guard}"
        for entry in words(language, name):
            roles.setdefault(entry.casefold(), set()).add(role)
            # "opgave om", "writing about": a topic that also says "about"
            if entry.split()[-1] in _GRAMMAR[language][ABOUT].split():
                roles[entry.casefold()].add(ABOUT)
    for role, grammar_words in _GRAMMAR[language].items():
        for word in grammar_words.split():
            roles.setdefault(word, set()).add(role)
    for role, phrases in ((TOLD, _TOLD), (INCITED, _INCITED), (NEGATION, _NEGATING)):
        for phrase in phrases[language]:
            roles.setdefault(phrase, set()).add(role)
    tagged = {entry: Word(frozenset(r), entry) for entry, r in roles.items()}
    single = {
        e: t for e, t in tagged.items() if " " not in e and "*" not in e and any(ch.isalpha() for ch in e)
    }
    return SingleWords(single), Phrases([(e, t) for e, t in tagged.items() if e not in single])


_GUARD_WORDS = {language: _guards(language) for language in LANGUAGES}
# Guard and grammar words of both languages are read, because the language of a short text
# is often misread ("i want to die of embarrassment lol" is taken for Danish) and Danish
# teenagers write English too. A long text's language is read reliably, and reading one
# language's words there halves the time.
_LONG_TEXT = 200


def _merge(hits: list[Hit]) -> list[Hit]:
    """One hit per span; a word found in both languages has the roles of both ("lol")."""
    merged: dict[tuple[int, int], Hit] = {}
    for hit in hits:
        if (span := (hit.start, hit.end)) in merged and merged[span].tag != hit.tag:
            roles = merged[span].tag.roles | hit.tag.roles
            merged[span] = Hit(*span, Word(roles, hit.tag.text))
        else:
            merged.setdefault(span, hit)
    return sorted(merged.values(), key=_hit_order)


# --- Sentences, clauses and quotations ---------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…\n]+")
_CLAUSE_END = re.compile(r"[.!?…\n,;:()]+| [-–—] ")  # and the conjunctions among the grammar words
_QUOTED = re.compile(r"\"[^\"\n]+\"|“[^”\n]+”|„[^“”\n]+[“”]|«[^»\n]+»|”[^”\n]+”|(?<!\w)'[^'\n]{3,}'(?!\w)")
_QUOTE_MARKS = "\"“”„«'"
_INTRODUCED = re.compile(r"^([^\n:]{1,60}):[ \t]*([^\n]+)", re.MULTILINE)  # "hun skrev: ..."
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
MENTION = "mention"  # a quotation from a song, film or book: nobody's risk


# When the language is unknown, a vote of the commonest words decides whether "i" is "I"
# ("i cant do this anymore") or "in" ("i skolen"). A tie stays unknown.
_DANISH_VOTES = re.compile(r"[\W_](?:jeg|og|ikke|det|er|at|på|en|med|har|min|mig|der|som|til)(?=[\W_])")
_ENGLISH_VOTES = re.compile(r"[\W_](?:the|and|not|is|to|my|me|with|have|that|it|this|dont|cant|im)(?=[\W_])")


def _guess_language(text: str) -> str:
    padded = f" {text} "  # each pattern starts and ends with a separator: only word starts are tried
    danish, english = len(_DANISH_VOTES.findall(padded)), len(_ENGLISH_VOTES.findall(padded))
    return "en" if english > danish else "da" if danish > english else ""


class Message:
    """One message's grammar and guard words, sentences, clauses and quotations.

    Built only for messages with a crisis phrase in them; every part is computed when
    first asked for.
    """

    def __init__(self, text: Normalised, language: str):
        self.text = text
        self.original = text.original
        self.language = language if language in LANGUAGES else _guess_language(text.letters.text)
        self.phrase_hits: list[Hit] = []  # the crisis phrases found, once known

    @cached_property
    def words(self) -> list[Hit]:
        long_and_known = len(self.original) >= _LONG_TEXT and self.language
        found: list[Hit] = []
        for language in (self.language,) if long_and_known else LANGUAGES:
            single, phrases = _GUARD_WORDS[language]
            found += single.find(self.text.letters) + phrases.find(self.text, every_view=False)
        if self.language != "en":
            found = [w for w in found if w.tag.text not in _ENGLISH_ONLY]
        return _merge(found)

    @cached_property
    def _by_role(self) -> dict[str, list[Hit]]:
        by_role: dict[str, list[Hit]] = {}
        for w in self.words:
            for role in w.tag.roles:
                by_role.setdefault(role, []).append(w)
        return by_role

    def guards(self, role: str) -> list[Hit]:
        return self._by_role.get(role, [])

    def has(self, role: str, start: int = 0, end: int | None = None) -> bool:
        end = len(self.original) if end is None else end
        return any(start <= w.start and w.end <= end for w in self.guards(role))

    @cached_property
    def people(self) -> list[Hit]:
        told = self.guards(TOLD)
        return [
            w
            for w in self.words
            if w.tag.person and not any(t.start <= w.start and w.end <= t.end for t in told)
        ]

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [0] + [m.end() for m in _SENTENCE_END.finditer(self.original)]

    @cached_property
    def _clause_starts(self) -> list[int]:
        ends = [m.end() for m in _CLAUSE_END.finditer(self.original)]
        return sorted([0, *ends, *(w.start for w in self.guards(CONJUNCTION))])

    def _around(self, starts: list[int], position: int) -> tuple[int, int]:
        i = bisect_right(starts, position) - 1
        return starts[i], (starts[i + 1] if i + 1 < len(starts) else len(self.original))

    def sentence(self, position: int) -> tuple[int, int]:
        return self._around(self._sentence_starts, position)

    def clause(self, position: int) -> tuple[int, int]:
        return self._around(self._clause_starts, position)

    def word_count(self, start: int, end: int) -> int:
        """Words between start and end: "vil [bare gerne] dø" is 2."""
        return len(_WORD.findall(self.original, start, end)) if end > start else 0

    def speaker(self, start: int, end: int) -> str:
        """The first person named between start and end: who says what follows."""
        return next((w.tag.person for w in self.people if start <= w.start and w.end <= end), "")

    @cached_property
    def quotations(self) -> list[tuple[int, int, str]]:
        """Quoted or introduced words ('hun skrev: ...') that are not the writer's own.

        MENTION: from a song, film, book or quote. THIRD: someone else's words.
        """
        regions = []
        if any(mark in self.original for mark in _QUOTE_MARKS):
            for m in _QUOTED.finditer(self.original):
                sentence_start, _ = self.sentence(m.start())
                before = (max(sentence_start, m.start() - 80), m.start())
                after = (m.end(), min(len(self.original), m.end() + 40))  # '"..." - the song'
                regions.append((m.start(), m.end(), before, after))
        if ":" in self.original:
            for m in _INTRODUCED.finditer(self.original):
                if self.word_count(m.start(1), m.end(1)) <= 8:
                    regions.append((m.start(2), m.end(2), m.span(1), m.span(1)))
        found = []
        for start, end, before, after in regions:
            if any(self.has(role, *span) for role in (LYRICS, TOPIC) for span in (before, after)):
                found.append((start, end, MENTION))
            elif self.speaker(*before) == THIRD:
                found.append((start, end, THIRD))
        return found

    def quotation(self, hit: Hit) -> str:
        return next(
            (whose for start, end, whose in self.quotations if start <= hit.start and hit.end <= end), ""
        )


@dataclass
class Candidate:
    """A phrase found in the message, and what we decided about it."""

    hit: Hit
    phrase: Phrase
    kind: str
    role: str
    person: str = ""  # FIRST, THIRD, or "" (nobody named: the writer)
    label: Label | None = None
    note: str = ""


def _gap_words(message: Message, candidate: Candidate) -> list[Hit]:
    """Grammar words standing in an entry's lone `*` ("vil [jeg] dø", "vil [ikke] dø")."""
    if not candidate.phrase.has_gap:
        return []
    hit, own = candidate.hit, candidate.phrase.words
    return [
        w
        for w in message.words
        if hit.start <= w.start and w.end <= hit.end and not w.tag.text.startswith(own)
    ]


_NEAR = 3  # "du"/"you" and "people" are the subject only right before: "hvis du har selvmordstanker"


def _person(message: Message, candidate: Candidate) -> str:
    """Who the sentence is about: the nearest person named before the phrase."""
    hit = candidate.hit
    sentence_start, _ = message.sentence(hit.start)
    nearest = ""
    for w in message.people:
        if w.start >= hit.start:
            break
        if w.start >= sentence_start and (
            w.tag.person in (FIRST, THIRD)
            or (message.word_count(w.end, hit.start) <= _NEAR and w.start >= message.clause(hit.start)[0])
        ):
            nearest = w.tag.person
    for w in _gap_words(message, candidate):
        nearest = w.tag.person or nearest
    return nearest


def _negated(message: Message, candidate: Candidate) -> bool:
    """A negation shortly before the phrase in its clause, or in its gap ("vil ikke dø").

    A negation inside another crisis phrase does not count: in "jeg kan ikke mere jeg vil
    dø" the "ikke" belongs to "kan ikke mere". Nor does one before a new subject: in "min
    mor forstår mig ikke jeg orker ikke mere" (no full stop) the first "ikke" is hers.
    """
    hit = candidate.hit
    if any(NEGATION in w.tag.roles for w in _gap_words(message, candidate)):
        return True
    if any(w.start == hit.start for w in message.guards(BREAK)):
        return False  # "jeg ved ikke [om jeg overlever natten]": the doubt is the phrase
    clause_start, _ = message.clause(hit.start)
    for w in message.guards(NEGATION):
        if w.start >= hit.start:
            break
        if w.start < clause_start or _overlaps(w, message.phrase_hits):
            continue
        reach = 0 if w.tag.text in _ADJACENT_ONLY_NEGATIONS else _NEGATION_REACH
        if (
            message.word_count(w.end, hit.start) <= reach
            and not message.has(BREAK, w.end, hit.start)
            and not any(w.end <= p.start and p.end <= hit.start for p in message.people)
        ):
            return True
    return False


def _about_a_topic(message: Message, candidate: Candidate) -> bool:
    """A film, book, game, lesson or the news, rather than the writer's life."""
    hit = candidate.hit
    if candidate.person == THIRD:
        return message.has(TOPIC)  # "i filmen begår han selvmord", "in the movie she kills herself"
    clause = message.clause(hit.start)
    sentence = message.sentence(hit.start)
    if candidate.person == "":
        # Nobody's: "vi har om selvmordstanker i dansk", "tema om psykisk sundhed og selvskade",
        # "hvad er forskellen på selvskade og et selvmordsforsøg? det er til en opgave".
        return message.has(TOPIC) or any(
            sentence[0] <= t.start and t.end <= a.start and a.end <= hit.start
            for t in message.guards(TOPIC)
            for a in message.guards(ABOUT)
        )
    # Said by "I": still a topic when written about ("my essay about suicidal thoughts").
    return message.has(TOPIC, *clause) and any(
        clause[0] <= w.start and w.end <= hit.start and message.word_count(w.end, hit.start) <= 2
        for w in message.guards(ABOUT)
    )


_LAUGHTER_REACH = 10  # words: "haha" at the other end of a long message is about something else
_EVERYDAY_REACH = 8


def _near(message: Message, role: str, hit: Hit, reach: int) -> bool:
    """A word of `role` in the phrase's sentence, at most `reach` words from it."""
    sentence = message.sentence(hit.start)
    return any(
        sentence[0] <= w.start
        and w.end <= sentence[1]
        and (_overlaps(w, [hit]) or _words_apart(message, w, hit) <= reach)
        for w in message.guards(role)
    )


def _laughing(message: Message, hit: Hit) -> bool:
    return _near(message, LAUGHTER, hit, _LAUGHTER_REACH)


def _joking(message: Message, candidate: Candidate) -> bool:
    """Laughing, and either a soft phrase, an everyday thing ("this class is so boring i want
    to die lol") or a condition ("... hvis jeg ikke får pizza 😂"). Laughter alone is not
    enough: "i want to die lol" is how many young people say it and mean it."""
    hit = candidate.hit
    if not _laughing(message, hit):
        return False
    if candidate.role == SOFT or _near(message, EVERYDAY, hit, _EVERYDAY_REACH):
        return True
    return any(
        hit.end <= w.start and message.word_count(hit.end, w.start) <= 1 for w in message.guards(CONDITION)
    )


def _overlaps(hit: Hit, others: list[Hit]) -> bool:
    return any(hit.start < o.end and o.start < hit.end for o in others)


def _in_idiom(message: Message, hit: Hit) -> bool:
    """Part of an idiom ("vil [dø af grin]"), unless the phrase is the longer one ("hurt
    myself on purpose" is not "hurt myself on the table")."""
    return any(
        hit.start < i.end and i.start < hit.end and not (hit.start <= i.start and i.end <= hit.end)
        for i in message.guards(IDIOM)
    )


def _incited(message: Message, hit: Hit) -> bool:
    """Someone else told the writer to do it ("en dreng skrev at jeg skulle hænge mig").
    Not the writer's own head: "my head keeps telling me to kill myself" is a crisis."""
    sentence_start, _ = message.sentence(hit.start)
    for w in message.guards(INCITED):
        if sentence_start <= w.start and w.end <= hit.start and message.word_count(w.end, hit.start) <= 3:
            teller = [p for p in message.people if sentence_start <= p.start and p.end <= w.start]
            if teller and teller[0].tag.person in (THIRD, GENERIC):
                return True
    return False


def _accident_in_sentence(message: Message, hit: Hit) -> bool:
    """An accident word in the sentence, not counting one inside a means at hand ("sidder
    med pillerne [i hånden]" is not "skar mig i hånden")."""
    start, end = message.sentence(hit.start)
    ready = message.guards(READY)
    return any(
        start <= w.start and w.end <= end and not _overlaps(w, ready) for w in message.guards(ACCIDENT)
    )


# "kan ikke mere med den gruppechat", "gider ikke mere af League", "can't anymore with this
# class": a soft phrase with a named object is about that thing. Not when the object is life,
# everything, or as vague as "det her" ("jeg kan ikke mere med det her"), which can mean life.
_OBJECT_AFTER = re.compile(
    r"[ \t]*(?:med|af|over|with|of)[ \t]+([^\W\d_]+)(?:[ \t]+([^\W\d_]+))?", re.IGNORECASE
)
_NO_NAMED_OBJECT = frozenset(
    "det dette den alt alle alting livet liv mit min mig mine selv at noget nogen os jer her der nu mere "
    "være leve eksistere "
    "it this that everything life my me myself living anything anyone all us here there now anymore "
    "be being live exist existing alive".split()
)


def _fed_up_with_something(message: Message, hit: Hit) -> bool:
    after = _OBJECT_AFTER.match(message.original, hit.end)
    return bool(after) and any(w.casefold() not in _NO_NAMED_OBJECT for w in after.groups() if w)


def _keep(message: Message, candidate: Candidate) -> bool:
    """Decide whose a core or soft phrase is, and whether it is meant at all."""
    hit, phrase = candidate.hit, candidate.phrase
    clause = message.clause(hit.start)
    if _in_idiom(message, hit) or message.has(LYRICS, *clause):
        return False
    if (candidate.kind == "self_harm" and message.has(ACCIDENT, *clause)) or (
        candidate.kind == "method" and _accident_in_sentence(message, hit)
    ):
        # "skar mig i køkkenet", "hoppe fra broen ned i vandet", "står på broen og venter på bussen"
        return False
    if candidate.role == SOFT and (
        any(
            hit.start <= w.start and w.end <= clause[1] and message.word_count(hit.end, w.start) <= 4
            for w in message.guards(EVERYDAY)
        )
        or (candidate.kind == "ideation" and _fed_up_with_something(message, hit))
    ):
        return False  # "jeg orker ikke mere lektier", "jeg kan ikke mere af det her vejr"
    whose = message.quotation(hit)
    if whose == MENTION:
        return False
    if _incited(message, hit):
        return False  # "a guy told me to kill myself": harassment, for the harassment detector
    said = _person(message, candidate)
    if whose == THIRD or phrase.who == OTHER:
        person = THIRD
    elif phrase.who == SELF:
        person = FIRST
    elif phrase.who == OBJECT and said in (THIRD, YOU, GENERIC):
        return False  # "min mor slår mig ihjel": a figure of speech about someone else
    else:
        person = said
    if person in (YOU, GENERIC) or (phrase.needs_subject and person == ""):
        return False  # a question, advice, a campaign; a story
    candidate.person = person
    if _negated(message, candidate) or _about_a_topic(message, candidate) or _joking(message, candidate):
        return False
    candidate.label = Label.CONCERN if person == THIRD else Label.CRISIS
    return True


def _drop_contained(candidates: list[Candidate]) -> list[Candidate]:
    """A phrase inside a longer one ("slå mig selv" in "slå mig selv ihjel") is not reported
    twice; a time is ("jeg gør det [i nat]"), and a cue word only gives way to a cue word."""
    return [
        c
        for c in candidates
        if c.kind == "time"
        or not any(
            o is not c
            and o.hit.start <= c.hit.start
            and c.hit.end <= o.hit.end
            and o.hit.end - o.hit.start > c.hit.end - c.hit.start
            and (o.role == CUE) == (c.role == CUE)
            for o in candidates
        )
    ]


# --- Combinations: a wish and a death word, a thought and a suicide word -----------------------
#
# Phrase lists cannot hold every way of putting it ("har så meget lyst til at bare dø",
# "gider jeg ikke at leve mere", "everyone would be happier if I just wasn't around"). A
# combination is a word of one role shortly before a word of another, in one clause or
# sentence. Roles in capitals are grammar and cue words (crisis_cue_<role>.txt read by
# the Message); roles in lower case are cue words found with the phrases.

WILL_NOT = "will_not"  # a negation next to a will: "gider jeg ikke", "I don't want", "har ikke lyst"
CLAUSE, SENTENCE = "clause", "sentence"

# (first, second, most words between, where, kind, role of the combination)
COMBINATIONS = (
    (DESIRE, "death", 4, CLAUSE, "ideation", CORE),  # "har lyst til at dø", "i wish i could just die"
    (DESIRE, "not_wake", 5, CLAUSE, "ideation", CORE),  # "ønsker jeg bare at jeg ikke vågner"
    (DESIRE, "disappear", 4, CLAUSE, "ideation", SOFT),  # "lyst til bare at forsvinde", "want peace forever"
    (THOUGHT, "suicide", 3, CLAUSE, "ideation", CORE),  # "tanker om selvmord", "talking about suicide"
    (THOUGHT, "death", 3, CLAUSE, "ideation", SOFT),  # "tanken om at dø", "drømmer jeg om at være død"
    ("suicide", THOUGHT, 1, CLAUSE, "ideation", CORE),  # "selvmord tanker", "suicide plans"
    (WILL_NOT, "life", 4, CLAUSE, "ideation", SOFT),  # "gider jeg ikke at leve mere"
    (POINTLESS, "life", 3, CLAUSE, "ideation", SOFT),  # "no point in me being alive"
    (COMPARE, "absence", 4, CLAUSE, "ideation", SOFT),  # "bedre hvis jeg bare ikke var her"
    (THOUGHT, "absence", 6, SENTENCE, "ideation", SOFT),  # "imagining what it would be like if i was dead"
    ("absence", NOBODY, 4, SENTENCE, "ideation", CORE),  # "hvis jeg tog mit liv ville ingen opdage det"
    (NOBODY, "absence", 5, SENTENCE, "ideation", CORE),  # "no one would notice if i just stopped existing"
    (SLEEP, "not_wake", 5, SENTENCE, "ideation", CORE),  # "falde i søvn og ikke vågne igen"
    (HURT, "body", 3, CLAUSE, "self_harm", CORE),  # "skar i armen i nat", "cut my arm again"
    ("body", "wound", 4, CLAUSE, "self_harm", SOFT),  # "mine håndled er fulde af snit"
    ("wound", "body", 3, CLAUSE, "self_harm", SOFT),  # "cuts on my wrists", "ar på armene"
    ("method", READY, 3, CLAUSE, "method", SOFT),  # "pillerne foran mig", "the pills in front of me"
    (AT, "method", 3, CLAUSE, "method", SOFT),  # "står oppe på broen", "standing on the bridge"
    (HOLDING, "means", 5, CLAUSE, "method", SOFT),  # "sidder på badeværelset med en kniv"
)
# Looser: a wish and a death word further apart in one sentence, across "og"/"and" ("har så
# meget lyst til bare at lægge mig ned og dø"). Tried only where no combination above has
# found the death word, and never across a time or condition word ("want to eat pizza
# until i die") or a break word.
LOOSE_COMBINATIONS = ((DESIRE, "death", 8, SENTENCE, "ideation", SOFT),)
_METHOD_REACH = 8  # words between "springe" and "taget" in one sentence


def _words_apart(message: Message, a: Hit, b: Hit) -> int:
    first, second = sorted((a, b), key=_hit_order)
    return message.word_count(first.end, second.start)


def _markers(message: Message, candidates: list[Candidate]) -> dict[str, list[Hit]]:
    """Every word a combination can be made of, by role."""
    markers: dict[str, list[Hit]] = {}
    for c in candidates:
        if c.role == CUE or (c.kind == "method" and c.role == CONTEXT):
            markers.setdefault(c.kind, []).append(c.hit)
        if c.kind == "method" and c.role == CONTEXT and _method_name(c.phrase.entry) in LETHAL_MEANS:
            markers.setdefault("means", []).append(c.hit)  # pills, a rope, a blade: not a train
    for role in (DESIRE, THOUGHT, POINTLESS, COMPARE, NOBODY, SLEEP, HURT, READY, AT, HOLDING):
        markers[role] = message.guards(role)
    # A negation with a will at most two words away, either side: "gider jeg ikke",
    # "I don't want", "har ikke lyst"; "kan ikke"/"can't" are both in one word.
    wills = sorted(message.guards(WILL) + message.guards(DESIRE), key=_hit_order)  # "lyst til" is both
    starts = [w.start for w in wills]
    will_not = list(message.guards(CANT))
    for n in message.guards(NEGATION):
        for w in wills[bisect_left(starts, n.start - 40) : bisect_right(starts, n.end + 40)]:
            if _words_apart(message, n, w) <= 2:
                will_not.append(Hit(min(n.start, w.start), max(n.end, w.end), n.tag))
    markers[WILL_NOT] = sorted(will_not, key=_hit_order)
    return markers


def _blocked(message: Message, start: int, end: int, first_role: str) -> bool:
    """A negation between the two words ("vil ikke dø"), or, after a wish or a thought,
    another person ("vil se ham dø"; but "cuts on her arms" is one thing)."""
    return message.has(NEGATION, start, end) or (
        first_role in (DESIRE, THOUGHT, COMPARE)
        and any(start <= w.start and w.end <= end and w.tag.person in (THIRD, YOU) for w in message.people)
    )


def _combinations(message: Message, candidates: list[Candidate]) -> list[Candidate]:
    listed = [c.hit for c in candidates if c.role in (CORE, SOFT)]
    markers = _markers(message, candidates)
    cue_phrases = {c.hit: c.phrase for c in candidates if c.role in (CUE, CONTEXT)}
    found = []
    for number, (first_role, second_role, reach, where, kind, role) in enumerate(
        COMBINATIONS + LOOSE_COMBINATIONS
    ):
        loose = number >= len(COMBINATIONS)
        for second in markers.get(second_role, ()):
            if loose and (_overlaps(second, [c.hit for c in found]) or _in_idiom(message, second)):
                continue  # "[vil] se netflix [til jeg dør]"
            area = message.clause(second.start) if where == CLAUSE else message.sentence(second.start)
            firsts = [
                f
                for f in markers.get(first_role, ())
                if area[0] <= f.start
                and f.end <= second.start
                and message.word_count(f.end, second.start) <= reach
            ]
            if not firsts:
                continue
            first = firsts[-1]
            if _overlaps(first, listed) or _overlaps(second, listed):
                continue  # a listed phrase says it already, and with a tighter span
            if first_role != WILL_NOT and _blocked(message, first.end, second.start, first_role):
                continue
            if loose and (
                any(message.has(r, first.end, second.start) for r in (CONDITION, TEMPORAL))
                or any(
                    first.end <= w.start and w.end <= second.start
                    for w in message.people
                    if w.tag.person == GENERIC
                )
            ):
                continue
            phrases = [cue_phrases[h] for h in (first, second) if h in cue_phrases]
            who = SELF if any(p.who == SELF for p in phrases) else ANYONE  # "hvis jeg ikke var her"
            language = phrases[0].language if phrases else message.language or "en"
            text = message.original[first.start : second.end].casefold()
            phrase = Phrase(kind, role, who, language, text)
            found.append(Candidate(Hit(first.start, second.end, phrase), phrase, kind, role))
    return found + _method_combinations(message, candidates)


def _method_combinations(message: Message, candidates: list[Candidate]) -> list[Candidate]:
    """A method word and a deed in one sentence, with the writer wanting or planning it:
    "tænkt på at springe ... fra taget", "want to take all those pills"."""
    found = []
    for thing in candidates:
        if thing.kind != "method" or thing.role != CONTEXT:
            continue
        sentence = message.sentence(thing.hit.start)
        acts = [
            a
            for a in message.guards(METHOD_ACT)
            if sentence[0] <= a.start
            and a.end <= sentence[1]
            and _words_apart(message, a, thing.hit) <= _METHOD_REACH
        ]
        intent = [
            w
            for role in (INTENT, DESIRE, THOUGHT)
            for w in message.guards(role)
            if sentence[0] <= w.start and w.end <= sentence[1]
        ]
        if acts and intent:
            act = acts[0]
            start, end = min(act.start, thing.hit.start), max(act.end, thing.hit.end)
            phrase = Phrase("method", CORE, ANYONE, thing.phrase.language, thing.phrase.entry)
            found.append(Candidate(Hit(start, end, phrase), phrase, "method", CORE))
    return found


# Which core kinds a context word needs beside it to count.
NEEDS = {
    "time": {"ideation", "plan", "method", "goodbye"},
    "method": {"ideation", "plan", "goodbye"},
    "plan": {"ideation", "plan", "method", "goodbye", "self_harm"},
    "goodbye": {"ideation", "plan", "method", "self_harm", "goodbye"},
}
LETHAL_MEANS = {"pills", "hanging", "cutting", "firearm"}
# Farewell words too ordinary to make a goodbye as a pair ("farvel", "love you all").
GREETINGS = {"farvel", "farveller", "goodbye", "love you all", "elsker jer alle"}


def _context(message: Message, kept: list[Candidate], context: list[Candidate]) -> list[Candidate]:
    """Words that only count next to the writer's core phrases (or, failing those, a friend's)."""
    writer = {c.kind for c in kept if c.label == Label.CRISIS}
    friend = {c.kind for c in kept if c.label == Label.CONCERN}
    label, kinds = (Label.CRISIS, writer) if writer else (Label.CONCERN, friend)
    added = []
    for c in context:
        if c.kind == "echo":
            # "min veninde vil ikke leve mere ... og jeg har det også sådan"
            if friend and not writer and any(k.hit.end <= c.hit.start for k in kept):
                added.append(
                    Candidate(
                        c.hit, c.phrase, "ideation", CONTEXT, FIRST, Label.CRISIS, "says the same of themself"
                    )
                )
        elif kinds & NEEDS[c.kind] and not _negated(message, c):
            added.append(Candidate(c.hit, c.phrase, c.kind, CONTEXT, "", label))
    return added


def _pairs(message: Message, context: list[Candidate]) -> list[Candidate]:
    """Context words that count together when there is no core phrase at all."""
    added = []
    # A plan word and a means to die, without a word of wanting it ("har gjort klar ...
    # pillerne ligger på mit skrivebord"): a plan. Trains and bridges are everyday, so only
    # the means: pills, a rope, a blade, a gun.
    plans = [c for c in context if c.kind == "plan"]
    means = [c for c in context if c.kind == "method" and _method_name(c.phrase.entry) in LETHAL_MEANS]
    if plans and means:
        added += [Candidate(c.hit, c.phrase, c.kind, CONTEXT, "", Label.CRISIS) for c in plans + means]
    # A decision, "doing it" and a time, with no object: "jeg har bestemt mig, jeg gør det
    # efter min fødselsdag". Unsure, so it goes to a human.
    times = [c for c in context if c.kind == "time"]
    # "[jeg har besluttet] mig": overlapping plan phrases are one; two apart are two.
    groups, group_end = 0, -1
    for c in sorted(plans, key=lambda c: c.hit.start):
        if c.hit.start >= group_end:
            groups += 1
        group_end = max(group_end, c.hit.end)
    if groups >= 2 and times:
        added += [Candidate(c.hit, c.phrase, c.kind, CONTEXT, "", Label.CRISIS) for c in plans + times]
    # Two farewell phrases are a goodbye by themselves: "tak for alt. farvel".
    goodbyes = [c for c in context if c.kind == "goodbye"]
    entries = {c.phrase.entry for c in goodbyes}
    if len(entries) >= 2 and entries - GREETINGS:
        # "min veninde har givet mig sin yndlingstrøje ... jeg skal huske hende": hers
        # "har givet min kat til min søster": "min" makes it the writer's own
        theirs = all(c.phrase.who != SELF for c in goodbyes) and any(
            _person(message, c) == THIRD for c in goodbyes
        )
        label = Label.CONCERN if theirs else Label.CRISIS
        added += [
            Candidate(c.hit, c.phrase, "goodbye", CONTEXT, THIRD if theirs else "", label) for c in goodbyes
        ]
    # One finding per span and kind, however many pairs it is in.
    return list({(c.hit.start, c.hit.end, c.kind): c for c in added}.values())


def _not_final_goodbyes(message: Message, candidates: list[Candidate]) -> list[Candidate]:
    """'farvel til alle, vi ses efter ferien': a goodbye alone is dropped when the writer will be back."""
    if {c.kind for c in candidates} - {"goodbye", "time"}:
        return candidates
    hits = [c.hit for c in candidates]
    # "vi ses på den anden side" is a goodbye itself, not a promise to come back.
    if not [w for w in message.guards(RETURNING) if not _overlaps(w, hits)]:
        return candidates
    return [c for c in candidates if c.kind not in ("goodbye", "time")]


def _history(message: Message, candidates: list[Candidate]) -> None:
    """Past and resolved thoughts or self-harm become LOW "history" findings."""
    writer = [c for c in candidates if c.label == Label.CRISIS]
    if not writer or {c.kind for c in writer} - {"ideation", "self_harm"}:
        return  # a plan, a method, a time or a goodbye is never history
    hits = [c.hit for c in candidates]
    if message.has(PAST) and [w for w in message.guards(RECOVERED) if not _overlaps(w, hits)]:
        for c in writer:
            c.kind = "history"


# --- Scores, reasons, severities ---------------------------------------------------------------

SEVERITY = {
    "ideation": Severity.MEDIUM,
    "self_harm": Severity.MEDIUM,
    "plan": Severity.HIGH,
    "method": Severity.HIGH,
    "time": Severity.HIGH,
    "goodbye": Severity.HIGH,
    "history": Severity.LOW,
}
BASE_SCORE = {
    "ideation": 0.75,
    "self_harm": 0.8,
    "plan": 0.85,
    "method": 0.85,
    "time": 0.75,
    "goodbye": 0.8,
    "history": 0.5,
}
REASON = {
    "ideation": "suicidal thoughts",
    "self_harm": "self-harm",
    "plan": "a decided plan",
    "method": "method",
    "time": "a time for it",
    "goodbye": "a farewell message",
    "history": "past suicidal thoughts or self-harm, now resolved",
}
# Method words, for a reason a moderator can act on: "method: pills, with intent".
METHODS = (
    (
        "pills",
        (
            "pill",
            "tablet",
            "panodil",
            "pamol",
            "paracetamol",
            "ipren",
            "ibuprofen",
            "tylenol",
            "advil",
            "overdos",
            "od ",
            "bottle",
            "bøtte",
            "glasset",
            "pakke",
            "painkiller",
        ),
    ),
    ("hanging", ("hæng", "hang", "hung", "reb", "rope", "noose", "løkke")),
    (
        "train or traffic",
        ("tog", "train", "skinne", "track", "rail", "bil", "car", "traffic", "bus", "motorvej", "lastbil"),
    ),
    (
        "jumping",
        (
            "spring",
            "hop",
            "jump",
            "bro",
            "bridge",
            "tag",
            "roof",
            "højhus",
            "building",
            "vindue",
            "window",
            "altan",
            "balcony",
            "cliff",
            "ledge",
            "kast",
            "throw",
        ),
    ),
    (
        "cutting",
        ("kniv", "knife", "knive", "blade", "barber", "razor", "pulsår", "wrist", "håndled", "stik", "stab"),
    ),
    ("drowning", ("drukn", "drown", "vand", "river")),
    ("firearm", ("skyd", "shoot", "gun", "pistol", "gevær")),
    ("suffocation", ("kvæl", "suffocat", "strangl")),
)


def _method_name(entry: str) -> str:
    return next((name for name, stems in METHODS if any(stem in entry + " " for stem in stems)), "other")


def _reason(c: Candidate, kinds: set[str], laughing: bool) -> str:
    what = REASON[c.kind]
    if c.kind == "method":
        what = f"method: {_method_name(c.phrase.entry)}" + (
            ", with intent" if kinds & {"ideation", "plan"} else ""
        )
    if c.note:
        what += f", {c.note}"
    if c.role == SOFT:
        what = f"indirect {what}"
    if c.label == Label.CONCERN:
        what = f"worry about someone else: {what}"
    if laughing:
        what += ", maybe joking"
    return f"{what} ({LANGUAGE_NAMES[c.phrase.language]})"


def _findings(message: Message, candidates: list[Candidate]) -> list[Finding]:
    kinds_of: dict[Label, set[str]] = {}
    for c in candidates:
        kinds_of.setdefault(c.label, set()).add(c.kind)
    findings = []
    for c in candidates:
        kinds = kinds_of[c.label]
        laughing = _laughing(message, c.hit)
        score = BASE_SCORE[c.kind] - (0.2 if c.role == SOFT else 0.1 if c.role == CONTEXT else 0)
        score += 0.05 * (len(kinds) - 1)  # thoughts with a plan, a method, a time: surer, and worse
        if laughing:
            score -= 0.15  # "kms lol" still goes to a human, ranked a little lower
        findings.append(
            Finding(
                label=c.label,
                start=c.hit.start,
                end=c.hit.end,
                score=round(min(1.0, max(0.3, score)), 2),
                reason=_reason(c, kinds, laughing),
                kind=c.kind,
                severity=SEVERITY[c.kind],
            )
        )
    return findings


# A number of pills taken or to take: "jeg har lige taget 20 panodil", "took 30 tylenol".
_PILL_COUNT = re.compile(
    r"(?<!\d)(\d{1,3})\s*(?:stk\.?\s*)?(?:piller|pillerne|pills|tabletter|tablets|panodil\w*|pamol\w*|ipren\w*|"
    r"paracetamol\w*|ibuprofen\w*|tylenol\w*|advil\w*|sovepiller|sleeping pills|painkillers|"
    r"antidepressants?)\b",
    re.IGNORECASE,
)
_MANY_PILLS = 10  # an ordinary dose is one or two
_DIGIT = re.compile(r"\d")


def _pill_counts(text: Normalised) -> list[Candidate]:
    """Ten or more pills in one go is a method, whatever words are around it."""
    found = []
    for m in _PILL_COUNT.finditer(text.original):
        if int(m.group(1)) >= _MANY_PILLS:
            danish = any(
                w in m.group(0).casefold() for w in ("piller", "tabletter", "panodil", "pamol", "ipren")
            )
            phrase = Phrase("method", CORE, ANYONE, "da" if danish else "en", "pills: " + m.group(0))
            found.append(Candidate(Hit(m.start(), m.end(), phrase), phrase, "method", CORE))
    return found


def _worth_a_look(hits: list[Hit]) -> bool:
    """Anything that can count: a phrase, a cue, a method word, two goodbyes, or two plan
    words and a time. A lone context word ("i aften", "tak for alt") says nothing."""
    kinds = [hit.tag.kind for hit in hits]
    return (
        any(hit.tag.role in (CORE, SOFT, CUE) for hit in hits)
        or "method" in kinds
        or kinds.count("goodbye") >= 2
        or (kinds.count("plan") >= 2 and "time" in kinds)
    )


def detect(text: Normalised, language: str) -> list[Finding]:
    phrase_hits, cue_hits = find_together((_PHRASES, _CUE_WORDS), _PHRASES_AND_CUES, text)
    hits = phrase_hits + cue_hits
    counts = _pill_counts(text) if _DIGIT.search(text.original) else []
    if not counts and not _worth_a_look(hits):
        return []
    message = Message(text, language)
    candidates = _drop_contained([Candidate(hit, hit.tag, hit.tag.kind, hit.tag.role) for hit in hits])
    phrases = [c for c in candidates if c.role in (CORE, SOFT)] + _combinations(message, candidates) + counts
    message.phrase_hits = [c.hit for c in phrases]
    kept = [c for c in _drop_contained(phrases) if _keep(message, c)]
    kept_hits = [c.hit for c in kept]
    context = [
        c
        for c in candidates
        if c.role == CONTEXT
        and not _overlaps(c.hit, kept_hits)
        and not message.quotation(c.hit)
        and not _in_idiom(message, c.hit)
    ]
    kept += _context(message, kept, context) if kept else _pairs(message, context)
    kept = _not_final_goodbyes(message, kept)
    _history(message, kept)
    return sorted(_findings(message, kept), key=lambda f: (f.start, f.end))
