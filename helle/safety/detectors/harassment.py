"""Harassment: insults, threats, slurs, sexual harassment and exclusion aimed at someone.

The question this detector asks is not "is there a bad word?" but "is the writer attacking
someone?". A word from the lists is only the start; the words around it decide:

- **Aimed at the reader** ("du er så grim", "din taber", "you're pathetic", "idiot!"):
  scored high. Aimed at a third person ("han er en idiot"): low. At nobody ("fuck det
  her lort"): nothing at all. About oneself ("jeg er så grim", "I'm such an idiot"):
  nothing (the crisis detector looks at that).
- **Against a protected group** ("kvinder er ulækre", "muslimer er utøj", "kill all trans
  people"): hate, reported as an insult or a threat.
- **Not the writer's own words**: words inside quotation marks, reported speech and
  counter-speech ("han kaldte mig luder", "stop calling her fat", "it's not ok to call
  people the n-word"), negations ("du er ikke grim", "I don't hate women") and slurs
  reclaimed by the writer ("I'm a proud dyke") give nothing. A young person telling us
  what they were called is the person we listen to, not the one we flag.

Vocabulary (what words mean) lives in `helle/safety/lists/<lang>/harassment_<role>.txt`;
grammar (pronouns, copulas, negations, reporting verbs) is a small closed set and lives here.

Matching works on words, not on one regular expression per entry (which is far too slow for
a thousand entries): the `letters` view (leet read as letters, look-alike letters folded) is
cut into tokens once, each token is "squeezed" (a letter repeated in a row counts once:
"idiooot" = "idiot", and so the common "looser" = "loser"), and entries are looked up by
their first token in a dict. Letters spelled out one by one ("f a g", "s.l.u.t") are joined
into one token, `*` inside a word stands for hidden letters ("f*ck", "n***er"), Danish
entries also match without æ, ø, å ("kaelling", "bosse"), and single words also match with
two neighbouring letters swapped ("disgutsing", from four letters) or one inner letter
missing (from six) — in English text only, and only where the words around them aim them at
someone. English lists are used for Danish text too: Danish teenagers swear and insult in
English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise, repeat

from helle.safety.findings import Finding, Label, Severity
from helle.safety.lists import words
from helle.safety.normalise import LEET, Normalised, View, letter_words, normalise

# --- Vocabulary roles (one list file per role and language) ------------------------------------

INSULT = "insult"  # nouns that insult by themselves: "taber", "luder", "idiot"
MILD = "mild"  # teasing words, often friendly: "nørd", "klovn", "weirdo"
TRAIT = "trait"  # insult only when aimed at someone: "grim", "ugly", "torsk", "pig"
SLUR = "slur"  # slurs: "neger", "perker", "faggot"
IDENTITY = "identity"  # identity words, insults only in insult frames: "bøsse", "gay"
DEHUMANISE = "dehumanise"  # "utøj", "vermin", "a plague"
THREAT = "threat"  # whole threats and incitement to self-harm: "dræb dig selv"
HARM = "harm"  # words of violence: "dræbe", "kill", "shot", "death"
EXCLUSION = "exclusion"  # "ingen kan lide dig", "nobody likes you"
SEXUAL = "sexual"  # "send nudes", "vis mig dine patter"
GROUP = "group"  # protected groups: "kvinder", "muslims", "trans people"
HATE = "hate"  # hatred and contempt: "hader", "hate", "make me sick"
SAFE = "safe"  # harmless look-alikes: "niger" (the country), "hold kæft hvor"

ROLES = (INSULT, MILD, TRAIT, SLUR, IDENTITY, DEHUMANISE, THREAT, HARM, EXCLUSION, SEXUAL, GROUP, HATE, SAFE)
LANGUAGES = ("da", "en")
_FUZZY_ROLES = frozenset({INSULT, TRAIT, SLUR, DEHUMANISE, HARM, HATE, GROUP})
_DESCRIPTIVE = frozenset({INSULT, MILD, TRAIT, SLUR, IDENTITY, DEHUMANISE})

_SQUEEZE = re.compile(r"([^\W\d_])\1+")


@lru_cache(maxsize=65536)
def _squeeze(token: str) -> str:
    return _SQUEEZE.sub(r"\1", token)


# Words recur from message to message: each is squeezed once.
_squeeze_word = lru_cache(maxsize=50_000)(_squeeze)


def _w(text: str) -> frozenset[str]:
    """A set of grammar words, squeezed like the tokens they are compared with."""
    return frozenset(_squeeze(w) for w in text.split())


# --- Grammar -----------------------------------------------------------------------------------

# The reader, as subject or vocative ("du taber", "you idiot", "er du dum?").
_YOU_SUBJECT = _w("du dig you u ya yall ye jer")
# Possessive used as a vocative: "din taber", "dit svin"; teen English writes "your"/"ur" for "you're".
_YOU_VOCATIVE = _w("din dit dine jeres your ur yor youre ure yur")
_YOU = _YOU_SUBJECT | _YOU_VOCATIVE
_YOU_OBJECT = _w("dig jer you u ya yall")  # "jeg slår dig ihjel", "I'll kill you", "fuck jer"
_LIKE = _w("like som")  # "a wetback like you", "en taber som dig"

_FIRST_PERSON = _w("jeg vi i we me mig os us im ive ill id")
_POSSESSIVE_OWN = _w("min mit mine my vores our")
_THINGS = _w("det den it this that thats its dette der here there")
_COPULA = _w(
    "er e var bliver blev lugter ligner virker ser are re r is s was were am m be being been "
    "look looks seem seems sound sounds act acting smell smells"
)
# Between a target and the insult without changing what is said: "du er bare sådan en ...".
_MODIFIERS = _w(
    "så sådan sån san en et bare sgu fandme fanme fucking fuckin virkelig simpelthen lidt mega total totalt "
    "helt den det største værste kæmpe lille noget nogle altså jo da godt ret vildt sindssygt sygt pisse "
    "skide klamme dumme grimme fede lorte møg også stadig alle allesammen kraftedeme for af mest mere "
    "rigtig rigtigt "
    "so such a an the just really literally fking fkn fcking freaking frickin fricking damn bloody "
    "complete absolute absolutely utter biggest big little massive huge actual actually still all too very "
    "most pretty truly kind sort of typical typically nothing but more than always also lowkey highkey "
    "straight up fr ngl probably clearly obviously definitely surely only sooo soo mf ass as being like "
    "og and eller or common another bunch whole"
)
# Between a subject and its verb: "you really are", "du er jo", "they are all".
_ADVERBS = _w(
    "jo sgu bare virkelig altså fandme også stadig nok vel faktisk altid allesammen alle begge "
    "really just also still literally actually honestly seriously all truly clearly obviously "
    "always both"
)

_NEGATIONS = _w(
    "ikke ik ikk ikek aldrig ingen intet hverken modsatte not never no nobody none neither nor "
    "t nt dont doesnt isnt arent wasnt werent aint wont cant didnt shouldnt mustnt opposite"
)
# ... except in these: "du er ikke andet end en luder", "you are nothing but a ...", "no one else".
_NOT_NEGATION = frozenset(
    (_squeeze(a), _squeeze(b))
    for a, b in (
        ("ikke", "andet"),
        ("intet", "andet"),
        ("ikke", "engang"),
        ("ikke", "kun"),
        ("ikke", "værd"),
        ("ingen", "andre"),
        ("nothing", "but"),
        ("nothing", "more"),
        ("no", "better"),
        ("no", "more"),
        ("not", "even"),
        ("t", "even"),
        ("no", "one"),
        ("no", "wonder"),
        ("not", "only"),
        ("t", "worth"),
        ("not", "worth"),
        ("t", "help"),
        ("cant", "help"),
        ("t", "wait"),
        ("cant", "wait"),
        ("t", "stop"),
        ("cant", "stop"),
    )
)

# Reporting, quoting and talking about words: what follows is not the writer's own attack.
_REPORTING = _w(
    "kalde kalder kaldte kaldt kaldes kaldet sige siger sagde sagt siges skrive skriver skrev skrevet "
    "råbe råber råbte råbt hviske hvisker hviskede sende sender sendte sendt kommentere kommenterede "
    "påstår påstod mobbe mobber mobbede mobbet ordet ord ordene udtrykket beskeder besked kommentarer "
    "citat citerer svine svinede beder bad spørger spurgte presser pressede hedder "
    "call calls called calling say says said saying write writes wrote written writing tell tells told "
    "telling yell yells yelled shout shouted scream screamed text texted message messaged messages "
    "comment comments commented post posts posted tweet tweeted word words term terms phrase quote "
    "quoted named label labelled labeled slur slurs hear heard asked asking pressure pressured "
    "pressuring send sends sending sent"
)
_REPORTED_LIKE = _w(
    "things posts messages words stuff comments ting sådan beskeder kommentarer"
)  # "things like"
_WRITER = _w("jeg i m im vi we ll")  # "jeg kalder dig en taber", "I'm calling you a loser"
# The reader's own view: "føler du at ingen kan lide dig?", "do you feel like ...".
_PERSPECTIVE = _w("føler tror synes tænker mener feel feels felt think thinks believe")

# Where a clause ends: negation, direction and group references do not cross these.
_CLAUSE_WORDS = _w("men but however though although selvom")
_NOTHING = _w("nothing anything intet andet")  # "nothing but" does not end a clause
# A negation does not reach across these: "X are never going to change, so we should ...".
_NEGATION_SCOPE = _w("so and then og så because fordi")

# A wish, an intention, an order or a norm: turns a word of violence into a threat.
_MODAL = _w(
    "skal skulle bør burde må vil ville gider kommer håber ønsker gid fortjener lad lade let lets should "
    "must ought deserve deserves need needs have has gotta will ll gonna going want wanna would d wish "
    "hope hoping someone somebody nogen best solution time death død døden love elsker could can kan dare"
)
_WRITER_SUBJECT = _w("jeg i vi we ill im ll")
_IMPERATIVE_LEAD = _w("just bare så")
_NOT_A_WISH = _w("af of for with med laughing")  # "dø af grin", "die of boredom", "die for you"
# Games: "jeg smadrer dig i FIFA", "I'm gonna kill you in fortnite" are not threats.
_GAMES = _w(
    "fifa fortnite minecraft roblox lol cs csgo valorant skak chess ludo uno matador monopoly kart smash "
    "spillet spil spillene game games gaming matchen kampen match round runden tennis badminton fodbold "
    "football soccer basket basketball pingpong bordtennis cod warzone overwatch apex league rocket tekken "
    "mario among brawl gta kortspil cards kort yatzy pvp ranked quiz quizzen dart bowling"
)
_GAME_LINK = _w("i in at på on til")

# Reference to a group already named: "I know some Muslims, and they are the worst".
_GROUP_PRONOUNS = _w("they them those these theyre their de dem disse deres sådanne")

# Words of a short exclamation: "sikke en taber!", "what a loser", "fuck off idiot".
_EXCLAMATIONS = _w(
    "sikke hvilken hvilket sikken hey hej hallo ej ad av fuck off shut up hold kæft skrid what wow omg "
    "lol haha hahaha lmao ew eww ugh yo oi ok okay nå din dit dine du you u go away gå væk ud get lost bye "
    "farvel stop sh pis piss og and er are re r ur"
)
# Affection and jokes soften teasing (never threats, slurs or sexual harassment).
_BANTER = _w("jk jking kidding joking sjov pjat spøg elsker love luv ily hjerte")
_BANTER_SYMBOLS = ("❤", "♥", "💕", "💖", "💗", "😘", "🥰", "😍", "<3", "😜", "😝", "😛")
_DANISH_VOCATIVE = _w("din dit dine jeres")  # "din bøsse": an identity word used as a name-calling
_INTENSIFIERS = _w(
    "så sådan sån fucking fkn so such klamme lorte dumme grimme fede totalt mega damn stupid ugly fat"
)


# The commonest words: the pair of words that tells an entry avoids them (`_Vocabulary.pair_anchors`).
_COMMON = _w(
    "du dig din dit dine jer jeg mig i vi os de dem det den en et er var at og på til med af for har som så "
    "her der nu op ud ikke ingen alle kan vil skal hvor hvad man lige bare "
    "you u your ur i me my we us the a an to of and is are was it in on at for up off out with he she they "
    "one no not all this that who be do don t s re m ll have has just so can will would get go "
    "ved får fik gør være blive bliver havde mere meget noget nogen også efter over under om fra hvis når "
    "eller men jo da lidt godt helt hele mit min mine sin sit sine hans hendes deres vores jeres kom går gå "
    "sige siger tror synes know what when if or but from about got like want there their them him her his "
    "its our was been really very more some any how why where"
)

# --- Tokens --------------------------------------------------------------------------------------

_WORD, _STOP, _COMMA, _QUOTE, _OTHER = range(5)
_PUNCTUATION = (
    r"|(?P<stop>[.!?;:\n]+)"
    r"|(?P<comma>,)"
    r"|(?P<quote>[\"“”«»„]+)"
    r"|(?P<other><3|[\u2600-\u27bf\U0001f300-\U0001faff])"  # emoji: hearts soften teasing
)
_SPELLED_OUT = r"(?<![^\W_])[^\W\d_](?:[ .\-_/|,]{1,2}[^\W\d_]){2,}(?![^\W_])"  # "f a g", "s.l.u.t"
_PLAIN_TOKEN = re.compile(r"(?P<word>[^\W\d_]+)" + _PUNCTUATION)
_TOKEN = re.compile(rf"(?P<spelled>{_SPELLED_OUT})|(?P<word>[^\W\d_]+(?:\*+[^\W\d_]+)*)" + _PUNCTUATION)
_SPELLED = re.compile(_SPELLED_OUT)
_PLAIN_WORD = re.compile(r"[^\W\d_]+")
_ENTRY_TOKEN = re.compile(r"[^\W\d_]+\*?")
_KIND = {"stop": _STOP, "comma": _COMMA, "quote": _QUOTE, "other": _OTHER}
# The letters view reads "idiot!" as "idioti" (leet "!" = "i"); at the end of a word it is
# punctuation, so the folded character is put back. It also leaves two leet digits in a row
# as digits ("n00dz", "l00ser"); those are read as letters here.
_TRAILING_BANG = re.compile(r"[!|]+(?![^\W_])")
_LEET_RUN = re.compile(r"(?<=[^\W\d_])[0134578@$]{2,}(?=[^\W\d_])")


@dataclass(frozen=True)
class _Tokens:
    keys: list[str]  # squeezed
    raw: list[str]  # as in the view ("niger", the country, is not "nigger")
    kinds: list[int]
    starts: list[int]  # in the view
    ends: list[int]


# --- Vocabulary ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    role: str
    text: str  # as written in the list
    words: tuple[str, ...]  # squeezed; a trailing "*" is "any ending"
    raw: tuple[str, ...]  # not squeezed: harmless look-alikes are compared as written
    directed: bool  # has a second-person word: aimed at the reader by itself
    fuzzy: bool = False  # only matched through a swapped or missing letter
    plain: bool = True  # no "*" after the first word: the rest is compared as it is


@dataclass(frozen=True)
class _Hit:
    entry: _Entry
    first: int  # token indices, end exclusive
    last: int


def _without_danish_letters(word: str) -> set[str]:
    """ "kælling" -> also "kaelling", "kalling"; short words are left alone ("dø" is not "do")."""
    out = {word}
    if len(word) >= 3:
        for letter, replacements in (("æ", ("ae", "a")), ("ø", ("oe", "o")), ("å", ("aa", "a"))):
            out |= {v.replace(letter, r) for v in out for r in replacements if letter in v}
    return out


def _spellings(entry: str, language: str) -> list[tuple[str, ...]]:
    tokens = _ENTRY_TOKEN.findall(normalise(entry).letters.text)
    spellings: list[tuple[str, ...]] = [()]
    for token in tokens:
        forms = _without_danish_letters(token) if language == "da" else {token}
        spellings = [(*s, f) for s in spellings for f in sorted(forms)]
    return [s for s in spellings if s]


def _fuzzy(word: str) -> set[str]:
    """Two neighbouring letters swapped (not the first letter), or one inner letter missing (from 6)."""
    out = set()
    if len(word) >= 4:
        out |= {word[:k] + word[k + 1] + word[k] + word[k + 2 :] for k in range(1, len(word) - 1)}
    if len(word) >= 6:
        out |= {word[:k] + word[k + 1 :] for k in range(1, len(word) - 1)}
    return {_squeeze(w) for w in out} - {word}


class _Vocabulary:
    """Every entry of the lists of some languages, looked up by its first (squeezed) tokens.

    One-word entries by their word, longer ones by their first two words (so that "jeg" or
    "you", the start of many threats, costs one dict look-up). `anchors` and `pair_anchors`
    hold a word or a pair of words that every entry needs: a message with none of them (most
    messages) is done after two set tests.
    """

    def __init__(self, lists: dict[tuple[str, str], tuple[str, ...]], *, fuzzy: bool):
        self.single: dict[str, list[_Entry]] = {}
        self.pairs: dict[tuple[str, str], list[_Entry]] = {}
        self.loose: dict[str, list[_Entry]] = {}  # longer entries with "*" in their second word
        self.prefixes: dict[str, list[_Entry]] = {}  # entries whose first word is "word*"
        self.anchors: set[str] = set()  # one-word entries
        self.pair_anchors: set[tuple[str, str]] = set()  # two neighbouring words of each longer entry
        self.pair_requirements: dict[tuple[str, str], set[frozenset[str]]] = {}  # anchor -> entries' words
        entries = []
        for (role, language), lines in lists.items():
            for line in lines:
                for raw in _spellings(line, language):
                    squeezed = tuple(_squeeze(t) for t in raw)
                    entries.append(
                        _Entry(
                            role,
                            line,
                            squeezed,
                            raw,
                            any(t in _YOU for t in squeezed),
                            plain=all("*" not in w for w in squeezed[1:]),
                        )
                    )
        exact = {e.words[0].rstrip("*") for e in entries}
        for entry in entries:
            self._add(entry)
        self._by_initial: dict[str, list[str]] = {}
        for key in exact:
            self._by_initial.setdefault(key[:1], []).append(key)
        if fuzzy:
            # Not the harmless look-alikes ("stuff" is one swap from "stfu" once squeezed).
            safe = {e.words[0] for e in entries if e.role == SAFE and len(e.words) == 1}
            for entry in entries:
                if entry.role in _FUZZY_ROLES and len(entry.words) == 1 and entry.raw[0].isalpha():
                    for variant in _fuzzy(entry.raw[0]) - exact - safe:
                        self._add(
                            _Entry(entry.role, entry.text, (variant,), (variant,), entry.directed, fuzzy=True)
                        )
        self.prefix_tuple = tuple(self.prefixes)
        self.heads = set(self.single) | {a for a, _ in self.pairs} | set(self.loose)
        self.single_or_loose = frozenset(self.single) | frozenset(self.loose)
        self.all_words = self.heads | {w for e in entries for w in e.words}

    def _add(self, entry: _Entry) -> None:
        head = entry.words[0]
        if head.endswith("*"):
            self.prefixes.setdefault(head[:-1], []).append(entry)
        elif len(entry.words) == 1:
            self.single.setdefault(head, []).append(entry)
        elif entry.words[1].endswith("*"):
            self.loose.setdefault(head, []).append(entry)
        else:
            self.pairs.setdefault((head, entry.words[1]), []).append(entry)
        if entry.role == SAFE:
            return
        pairs = [p for p in pairwise(entry.words) if not (p[0].endswith("*") or p[1].endswith("*"))]
        if pairs:
            anchor = max(
                pairs,
                key=lambda p: (
                    sum(w not in _COMMON for w in p),
                    sum(len(w) for w in p if w not in _COMMON),
                ),
            )
            self.pair_anchors.add(anchor)
            # Every exact word of the entry must be in the text too ("kan lide" alone is everyday
            # Danish; "ingen kan lide dig" needs "ingen" and "dig" as well).
            required = frozenset(w for w in entry.words if not w.endswith("*"))
            self.pair_requirements.setdefault(anchor, set()).add(required)
        else:
            self.anchors.add(max((w.rstrip("*") for w in entry.words), key=len))

    def candidates(self, key: str, next_key: str) -> list[_Entry]:
        found = [*self.single.get(key, ()), *self.pairs.get((key, next_key), ()), *self.loose.get(key, ())]
        if self.prefix_tuple and key.startswith(self.prefix_tuple):
            found += [e for p, es in self.prefixes.items() if key.startswith(p) for e in es]
        return found

    def knows(self, key: str) -> bool:
        """Is `key` a word of some entry (for joining spelled-out letters)?"""
        return key in self.all_words or bool(self.prefix_tuple and key.startswith(self.prefix_tuple))

    def maybe_in(self, text: str, spelled_out: bool = True) -> bool:
        """False when no entry can match `text` (the fast path for most messages).
        `spelled_out=False` says the text has no letters spelled out one by one."""
        found = list(map(_squeeze_word, letter_words(text)))  # the words `_tokens` would read
        return (
            not self.anchors.isdisjoint(found)
            or self._pair_entry_possible(found)
            or (bool(self.prefix_tuple) and any(map(str.startswith, set(found), repeat(self.prefix_tuple))))
            or "*" in text
            or (spelled_out and _SPELLED.search(text) is not None)
        )

    def _pair_entry_possible(self, found: list[str]) -> bool:
        anchors = self.pair_anchors.intersection(pairwise(found))
        if not anchors:
            return False
        present = set(found)
        return any(required <= present for anchor in anchors for required in self.pair_requirements[anchor])

    def uncensor(self, key: str) -> str:
        """ "f*ck" -> "fuck", "n***er" -> "niger": the known word that fits, of the length closest
        to the censored one; the key unchanged when none fits."""
        pattern = re.compile(r"[^\W\d_]+".join(re.escape(part) for part in re.split(r"\*+", key)) + r"\Z")
        fits = [k for k in self._by_initial.get(key[:1], ()) if pattern.match(k)]
        return min(fits, key=lambda k: (abs(len(k) - len(key)), k)) if fits else key


def _load(languages: tuple[str, ...], *, fuzzy: bool) -> _Vocabulary:
    lists = {
        (role, language): words(language, f"harassment_{role}") for language in languages for role in ROLES
    }
    return _Vocabulary(lists, fuzzy=fuzzy)


# English lists also serve Danish text (and text of unknown language); Danish lists do not serve
# English text, where Danish words are false friends ("grim", "pest"; "slut" the other way round).
# Swapped and missing letters only for English text: Danish has too many real words one letter
# from an entry ("flaske"/"falske", "særlig"/"særling", "tøjet"/"tøjte"); common deliberate
# Danish misspellings are listed instead.
_VOCABULARIES = {"en": _load(("en",), fuzzy=True), "da": _load(LANGUAGES, fuzzy=False)}
_VOCABULARIES[""] = _VOCABULARIES["da"]


# --- Reading a message -----------------------------------------------------------------------------


def _view(text: Normalised) -> View:
    if not text.has_leet:  # no "!", "|" or leet digit anywhere: nothing to put back
        return text.letters
    folded, letters = text.folded.text, text.letters.text
    bang = "!" in folded or "|" in folded
    run = _LEET_RUN.search(letters)
    if not bang and not run:
        return text.letters
    chars = list(letters)
    if bang:
        for m in _TRAILING_BANG.finditer(folded):
            chars[m.start() : m.end()] = folded[m.start() : m.end()]
    if run:
        for m in _LEET_RUN.finditer(letters):
            chars[m.start() : m.end()] = [LEET.get(c, c) for c in m.group()]
    return View("".join(chars), text.letters.index)


def _tokens(text: str, vocabulary: _Vocabulary, spelled_out: bool = True) -> _Tokens:
    if "*" in text or (spelled_out and _SPELLED.search(text)):
        return _tokens_slowly(text, vocabulary)
    matches = list(_PLAIN_TOKEN.finditer(text))
    raw = [m.group() for m in matches]
    kinds = [_KIND.get(m.lastgroup, _WORD) for m in matches]
    keys = [_squeeze(r) if kind == _WORD else r[:2] for r, kind in zip(raw, kinds, strict=True)]
    return _Tokens(keys, raw, kinds, [m.start() for m in matches], [m.end() for m in matches])


def _tokens_slowly(text: str, vocabulary: _Vocabulary) -> _Tokens:
    """With spelled-out letters or hidden letters ("f a g", "f*ck")."""
    tokens = _Tokens([], [], [], [], [])
    for m in _TOKEN.finditer(text):
        group = m.lastgroup
        if group == "word":
            key = _squeeze(m.group())
            if "*" in key:
                key = _uncensor(vocabulary, key)
            _append(tokens, key, m.group(), _WORD, m.start(), m.end())
        elif group == "spelled":
            _spelled(tokens, m, text, vocabulary)
        else:
            _append(tokens, m.group()[:2], m.group()[:2], _KIND[group], m.start(), m.end())
    return tokens


def _append(tokens: _Tokens, key: str, raw: str, kind: int, start: int, end: int) -> None:
    tokens.keys.append(key)
    tokens.raw.append(raw)
    tokens.kinds.append(kind)
    tokens.starts.append(start)
    tokens.ends.append(end)


@lru_cache(maxsize=4096)
def _uncensor(vocabulary: _Vocabulary, key: str) -> str:
    return vocabulary.uncensor(key)


def _spelled(tokens: _Tokens, m: re.Match, text: str, vocabulary: _Vocabulary) -> None:
    """ "f a g", "s.l.u.t": one word when it is a known one. A leading "a", "u r" may be real words."""
    letters = [i for i in range(m.start(), m.end()) if text[i].isalpha()]
    skip = len(letters)
    for k in range(min(4, len(letters) - 2)):
        if vocabulary.knows(_squeeze("".join(text[i] for i in letters[k:]))):
            skip = k
            break
    for i in letters[:skip]:
        _append(tokens, text[i], text[i], _WORD, i, i + 1)
    if skip < len(letters):
        joined = "".join(text[i] for i in letters[skip:])
        _append(tokens, _squeeze(joined), joined, _WORD, letters[skip], letters[-1] + 1)


def _starts(keys: list[str], vocabulary: _Vocabulary) -> list[int]:
    """Token indices where an entry may start. Most tokens are everyday words that begin
    only longer entries ("jeg", "du"): the word pairs are looked up as pairs, in C."""
    words = vocabulary.single_or_loose.intersection(keys)
    pairs = vocabulary.pairs.keys() & set(pairwise(keys))
    prefixes = vocabulary.prefix_tuple
    if pairs:
        words = words | {first for first, _ in pairs}
    if prefixes:
        words = words | {k for k in keys if k.startswith(prefixes)}
    return [i for i, key in enumerate(keys) if key in words] if words else []


def _hits(tokens: _Tokens, vocabulary: _Vocabulary) -> list[_Hit]:
    keys, raw, kinds = tokens.keys, tokens.raw, tokens.kinds
    hits = []
    last = len(keys) - 1
    for i in _starts(keys, vocabulary):
        if kinds[i] != _WORD:
            continue
        for entry in vocabulary.candidates(keys[i], keys[i + 1] if i < last else ""):
            n = len(entry.words)
            if n == 1:
                end = i + 1 if entry.role != SAFE or raw[i] == entry.raw[0] else 0
            elif entry.role == SAFE:
                end = i + n if tuple(raw[i : i + n]) == entry.raw else 0
            elif entry.plain:
                # Punctuation keys ("." "," ...) never equal a word, so a plain comparison will do.
                end = i + n if tuple(keys[i : i + n]) == entry.words else 0
            else:
                end = _rest(entry.words, keys, kinds, i)
            if end:
                hits.append(_Hit(entry, i, end))
    return hits


def _rest(entry_words: tuple[str, ...], keys: list[str], kinds: list[int], i: int) -> int:
    """Token index after the entry when its other words ("*" = any ending) follow token i; else 0."""
    j = i + 1
    for word in entry_words[1:]:
        if j >= len(keys) or kinds[j] != _WORD:
            return 0
        if not (keys[j].startswith(word[:-1]) if word.endswith("*") else keys[j] == word):
            return 0
        j += 1
    return j


class _Context:
    """The tokens of one message, with the questions the rules ask about them."""

    def __init__(self, tokens: _Tokens, hits: list[_Hit]):
        keys, kinds = self.keys, self.kinds = tokens.keys, tokens.kinds
        n = self.n = len(keys)
        self.hits = hits
        self.roles: dict[int, set[str]] = {}
        for hit in hits:
            for k in range(hit.first, hit.last):
                self.roles.setdefault(k, set()).add(hit.entry.role)
        self.safe = {k for h in hits if h.entry.role == SAFE for k in range(h.first, h.last)}
        self.group_end = {h.first: h.last for h in hits if h.entry.role == GROUP}
        first_group = min((h.first for h in hits if h.entry.role in (GROUP, SLUR)), default=n)
        # Which tokens name a group, or refer back to one ("they", "dem").
        self.group = [False] * n
        for k in range(first_group, n):
            if k not in self.safe and (
                GROUP in self.roles.get(k, ()) or (k > first_group and keys[k] in _GROUP_PRONOUNS)
            ):
                self.group[k] = True
        self.word_keys = [key if kind == _WORD else "" for key, kind in zip(keys, kinds, strict=True)]
        # Per token: inside quotation marks? where do its clause and sentence start and end?
        self.quoted = [False] * n
        self._clause_start = [0] * n
        self._sentence_start = [0] * n
        self._clause_end = [n] * (n + 1)
        clause = sentence = quotes = 0
        for k in range(n):
            kind = kinds[k]
            if kind == _WORD:
                self._clause_start[k], self._sentence_start[k], self.quoted[k] = (
                    clause,
                    sentence,
                    quotes % 2 == 1,
                )
                if keys[k] in _CLAUSE_WORDS and not (k > 0 and keys[k - 1] in _NOTHING):
                    clause = k + 1
                continue
            self._clause_start[k], self._sentence_start[k] = clause, sentence
            quotes += kind == _QUOTE
            self.quoted[k] = quotes % 2 == 1
            if kind != _OTHER:
                clause = k + 1
            if kind == _STOP:
                sentence = k + 1
        end = n
        for k in range(n - 1, -1, -1):
            if kinds[k] in (_STOP, _COMMA, _QUOTE) or keys[k] in _CLAUSE_WORDS:
                end = k
            self._clause_end[k] = end

    def words(self, a: int, b: int) -> list[str]:
        return [w for w in self.word_keys[max(a, 0) : b] if w]

    def clause_start(self, k: int) -> int:
        return self._clause_start[k] if k < self.n else self._clause_start[-1]

    def clause_end(self, k: int) -> int:
        return self._clause_end[min(k, self.n)]

    def sentence_start(self, k: int) -> int:
        return self._sentence_start[k] if k < self.n else self._sentence_start[-1]

    def negated(self, first: int) -> bool:
        """A negation in the same clause before token `first` ("du er ikke grim", "I don't hate")."""
        before = self.words(self.clause_start(first), first)
        for k in range(len(before) - 1, -1, -1):
            if before[k] in _NEGATION_SCOPE:
                before = before[k + 1 :]
                break
        return any(
            w in _NEGATIONS and (w, before[k + 1] if k + 1 < len(before) else "") not in _NOT_NEGATION
            for k, w in enumerate(before)
        )

    def reported(self, first: int) -> bool:
        """Quoted, reported or talked about: "han kaldte mig luder", "stop calling her fat"."""
        if self.quoted[first]:
            return True
        before = self.words(max(self.sentence_start(first), first - 10), first)
        for k, w in enumerate(before):
            prev = before[k - 1] if k else ""
            nxt = before[k + 1] if k + 1 < len(before) else ""
            if w in _PERSPECTIVE and (nxt in _YOU_SUBJECT or prev in _YOU_SUBJECT):
                return True  # "føler du at ...", "you feel like nobody ..."
            if w not in _REPORTING or (w == "like" and prev not in _REPORTED_LIKE):
                continue
            if prev in _WRITER and nxt in _YOU_OBJECT and not self.negated(first):
                continue  # "jeg kalder dig en taber": the writer's own words
            return True
        return False

    def banter(self) -> bool:
        return any(k in _BANTER for k in self.keys) or any(
            kind == _OTHER and key.startswith(_BANTER_SYMBOLS)
            for key, kind in zip(self.keys, self.kinds, strict=True)
        )

    def opens_clause(self, first: int) -> bool:
        """Only exclamations or modifiers before `first` in its clause: an imperative."""
        return all(w in _EXCLAMATIONS or w in _MODIFIERS for w in self.words(self.clause_start(first), first))

    def game(self, last: int) -> bool:
        after = self.words(last, last + 4)
        return bool(set(after[:2]) & _GAME_LINK) and bool(set(after) & _GAMES)

    def direction(self, hit: _Hit) -> str:
        """Who a word is aimed at: "you", "self", "third", "group", "thing" or "none"."""
        floor, end = self.clause_start(hit.first), self.clause_end(hit.last)
        k = hit.first - 1
        # Skip modifiers and stacked insults: "din fede klamme so", "you fat ugly pig".
        while (
            k >= floor
            and self.kinds[k] == _WORD
            and (self.keys[k] in _MODIFIERS or self.roles.get(k, set()) & _DESCRIPTIVE)
        ):
            k -= 1
        if k >= floor and self.kinds[k] == _WORD:
            key = self.keys[k]
            if key in _YOU:
                return "you"
            if key in _POSSESSIVE_OWN:
                return "third"  # "min idiot af en bror"
            if key in _FIRST_PERSON:
                return "self"
            if key in _COPULA:
                return self._subject(k, floor, hit)
            if self.group[k]:
                return "group"
        after = self.words(hit.last, min(end, hit.last + 3))
        if (
            after
            and (
                (after[0] in _LIKE and after[1:2] and after[1] in _YOU)  # "a wetback like you"
                or (after[0] in _YOU_SUBJECT and after[1:2] and after[1] in _COPULA)  # "taber du er"
                or (after == [after[0]] and after[0] in _YOU_SUBJECT)  # "idiot du"
            )
        ):
            return "you"
        # "jeg føler mig som en taber", "I feel like a loser": the writer about themselves.
        before = set(self.words(floor, hit.first))
        if before & _FIRST_PERSON and not before & _YOU and not any(self.group[floor:end]):
            return "self"
        # A short exclamation is said to the reader: "taber!", "LUDER", "fuck off, idiot".
        if hit.entry.role in (INSULT, SLUR, MILD) and all(
            self.keys[j] in _MODIFIERS
            or self.keys[j] in _EXCLAMATIONS
            or self.roles.get(j, set()) & _DESCRIPTIVE
            for j in range(floor, end)
            if self.kinds[j] == _WORD and not hit.first <= j < hit.last
        ):
            return "you"
        return "none"

    def _subject(self, copula: int, floor: int, hit: _Hit) -> str:
        between = self.words(copula + 1, hit.first)
        if set(between) & _YOU_SUBJECT:
            return "you"  # "er du dum?", "hvor er du grim", "are you stupid"
        k = copula - 1
        while k >= floor and self.kinds[k] == _WORD and self.keys[k] in _ADVERBS:
            k -= 1
        if k < floor or self.kinds[k] != _WORD:
            return "you" if set(between) & _YOU_SUBJECT else "none"
        subject = self.keys[k]
        if subject in _YOU:
            return "group" if any(self.group[floor:k]) else "you"
        if subject == "i" and self.keys[copula] in ("er", "e", "var"):
            return "you"  # Danish "I er nogle tabere": you, plural
        if subject in _FIRST_PERSON:
            return "self"
        if any(self.group[floor : k + 1]):
            return "group"  # "it's always the immigrant that is the dumb one"
        if subject in _THINGS:
            return "thing"
        return "third"


# --- Rules -----------------------------------------------------------------------------------------


@dataclass
class _Candidate:
    first: int
    last: int
    kind: str
    score: float
    severity: int
    reason: str
    teasing: bool = False  # an insult that affection or a joke may soften


def _judge(ctx: _Context) -> list[_Candidate]:
    out = []
    for hit in ctx.hits:
        role = hit.entry.role
        if (
            role in (SAFE, GROUP)
            or any(k in ctx.safe for k in range(hit.first, hit.last))
            or ctx.reported(hit.first)
        ):
            continue
        weight = 0.9 if hit.entry.fuzzy else 1.0
        if role in (THREAT, EXCLUSION, SEXUAL):
            candidate = _phrase(ctx, hit)
        elif role in (HARM, HATE):
            candidate = _violence_or_hate(ctx, hit)
        else:
            candidate = _descriptive(ctx, hit)
        if candidate:
            candidate.score = round(candidate.score * weight, 2)
            out.append(candidate)
    return out


def _phrase(ctx: _Context, hit: _Hit) -> _Candidate | None:
    role = hit.entry.role
    if ctx.negated(hit.first) or (role == THREAT and ctx.game(hit.last)):
        return None
    if role == THREAT and not hit.entry.directed and not ctx.opens_clause(hit.first):
        return None  # "just die" said to someone, not "the zombies just die"
    if role == THREAT:
        return _Candidate(
            hit.first, hit.last, "threat", 0.9, Severity.HIGH, "threat or incitement to self-harm"
        )
    if role == EXCLUSION:
        return _Candidate(
            hit.first,
            hit.last,
            "exclusion",
            0.85,
            Severity.HIGH,
            "exclusion: tells someone they are not wanted",
        )
    if hit.entry.directed or ctx.direction(hit) == "you":
        return _Candidate(hit.first, hit.last, "sexual_harassment", 0.85, Severity.HIGH, "sexual harassment")
    return _Candidate(hit.first, hit.last, "sexual_harassment", 0.6, Severity.MEDIUM, "sexual remark")


def _descriptive(ctx: _Context, hit: _Hit) -> _Candidate | None:
    role = hit.entry.role
    if ctx.negated(hit.first):
        return None
    if hit.entry.directed:  # "fuck dig", "din so", "shut up"
        if role == MILD:
            return _Candidate(
                hit.first, hit.last, "insult", 0.45, Severity.LOW, "rude remark to the reader", True
            )
        return _Candidate(
            hit.first, hit.last, "insult", 0.8, Severity.MEDIUM, "insult aimed at the reader", True
        )
    direction = ctx.direction(hit)
    if hit.entry.fuzzy and direction not in ("you", "group") and _group_in_clause(ctx, hit) is None:
        return None  # a misspelling counts only where it is aimed at someone
    start = _frame_start(ctx, hit)
    if direction == "you":
        if role == SLUR:
            return _Candidate(start, hit.last, "slur", 0.9, Severity.HIGH, "slur aimed at the reader")
        if role == IDENTITY:
            if set(ctx.words(start, hit.first)) & _INTENSIFIERS or ctx.keys[start] in _DANISH_VOCATIVE:
                return _Candidate(
                    start, hit.last, "slur", 0.75, Severity.MEDIUM, "identity word used as an insult"
                )
            return _Candidate(
                start, hit.last, "insult", 0.3, Severity.LOW, "identity word, maybe used as an insult", True
            )
        if role == MILD:
            return _Candidate(
                start, hit.last, "insult", 0.45, Severity.LOW, "teasing word aimed at the reader", True
            )
        score = 0.8 if role in (INSULT, DEHUMANISE) else 0.7
        return _Candidate(
            start, hit.last, "insult", score, Severity.MEDIUM, "insult aimed at the reader", True
        )
    group = _group_in_clause(ctx, hit)
    in_group_frame = direction == "group" or (group is not None and direction not in ("self", "thing"))
    if in_group_frame and role in (SLUR, DEHUMANISE, TRAIT, INSULT) and group is not None:
        first, last = min(group, start), max(ctx.group_end.get(group, group + 1), hit.last)
        if role == SLUR:
            return _Candidate(first, last, "slur", 0.8, Severity.MEDIUM, "slur about a group")
        return _Candidate(first, last, "insult", 0.75, Severity.MEDIUM, "derogatory statement about a group")
    if direction in ("self", "thing"):
        return None  # "jeg er så grim", "det er dumt"; a slur about oneself is reclaimed
    if role == SLUR and not _reclaimed(ctx, hit):
        return _Candidate(hit.first, hit.last, "slur", 0.7, Severity.MEDIUM, "slur")
    if role == INSULT:
        reason = (
            "insult about someone else"
            if direction == "third"
            else "insult word, not aimed at anyone in particular"
        )
        return _Candidate(start, hit.last, "insult", 0.3, Severity.LOW, reason)
    return None


def _group_in_clause(ctx: _Context, hit: _Hit) -> int | None:
    floor, end = ctx.clause_start(hit.first), ctx.clause_end(hit.last)
    return next((k for k in range(floor, end) if ctx.group[k]), None)


def _frame_start(ctx: _Context, hit: _Hit) -> int:
    """Start the span at a close target word: "du er så grim", "din taber"."""
    for k in range(max(ctx.clause_start(hit.first), hit.first - 5), hit.first):
        if ctx.kinds[k] == _WORD and ctx.keys[k] in _YOU:
            return k
    return hit.first


_PROUD = _w("proud stolt stolte being være")
_SELF = _w("we us vi os im m am min mine my our vores fellow")


def _reclaimed(ctx: _Context, hit: _Hit) -> bool:
    """ "I'm a proud dyke", "proud to be a fag", "all my fags at Pride", "fags like me", "vi bøsser"."""
    sentence = ctx.words(ctx.sentence_start(hit.first), ctx.clause_end(hit.last))
    after = ctx.words(hit.last, hit.last + 2)
    return (
        bool(_PROUD & set(sentence))
        or bool(_SELF & set(ctx.words(hit.first - 3, hit.first)))
        or after in (["like", "me"], ["som", "mig"], ["som", "os"], ["like", "us"])
    )


def _violence_or_hate(ctx: _Context, hit: _Hit) -> _Candidate | None:
    """Violence or hate against the reader ("I'll kill you", "jeg hader dig") or a group ("kill all X")."""
    if ctx.negated(hit.first):
        return None
    role = hit.entry.role
    floor, end = ctx.clause_start(hit.first), ctx.clause_end(hit.last)
    before = set(ctx.words(max(floor, hit.first - 5), hit.first))
    after = ctx.words(hit.last, min(end, hit.last + 3))
    # The reader as object: "jeg slår dig ihjel", "I'll hurt you", "jeg hader dig".
    if after and after[0] in _YOU_OBJECT and not ctx.game(hit.last):
        if role == HATE:
            return _Candidate(
                hit.first, hit.last + 1, "insult", 0.6, Severity.MEDIUM, "hatred aimed at the reader"
            )
        if before & (_MODAL | _WRITER_SUBJECT) or hit.first == floor:
            return _Candidate(
                max(floor, hit.first - 2),
                hit.last + 1,
                "threat",
                0.9,
                Severity.HIGH,
                "threat against the reader",
            )
    group_tokens = [k for k in range(floor, end) if ctx.group[k]]
    # The reader as the one who should die: "du skal dø", "I hope you die", "you deserve to die".
    if (
        role == HARM
        and before & _YOU_SUBJECT
        and before & _MODAL
        and not group_tokens
        and not set(after[:1]) & _NOT_A_WISH
    ):
        first = max(k for k in range(floor, hit.first) if ctx.keys[k] in _YOU_SUBJECT)
        return _Candidate(first, hit.last, "threat", 0.85, Severity.HIGH, "wishes the reader dead or hurt")
    if not group_tokens:
        return None
    if role == HATE:
        # Close to the group: "I hate gay people", "fuck all X", "X make me sick".
        near = [k for k in group_tokens if hit.first - 4 <= k <= hit.last + 3]
        if not near:
            return None
        return _span(ctx, hit, near[0], "insult", 0.75, Severity.MEDIUM, "hatred of a group")
    imperative = hit.first == floor or (hit.first == floor + 1 and ctx.keys[floor] in _IMPERATIVE_LEAD)
    if set(ctx.words(floor, end)) & _MODAL or imperative:
        return _span(ctx, hit, group_tokens[0], "threat", 0.85, Severity.HIGH, "violence against a group")
    return None


def _span(
    ctx: _Context, hit: _Hit, group: int, kind: str, score: float, severity: int, reason: str
) -> _Candidate:
    last = max(ctx.group_end.get(group, group + 1), hit.last)
    return _Candidate(min(group, hit.first), last, kind, score, severity, reason)


def _strongest(candidates: list[_Candidate]) -> list[_Candidate]:
    """Of overlapping candidates keep the strongest."""
    kept: list[_Candidate] = []
    taken: set[int] = set()
    for c in sorted(candidates, key=lambda c: (-c.severity, -c.score, c.first)):
        span = range(c.first, c.last)
        if taken.isdisjoint(span):
            kept.append(c)
            taken.update(span)
    return sorted(kept, key=lambda c: c.first)


def detect(text: Normalised, language: str) -> list[Finding]:
    view = _view(text)
    vocabulary = _VOCABULARIES.get(language, _VOCABULARIES[""])
    # The normaliser's spelled-out pattern is wider than ours: where it found none, neither can we.
    spelled_out = text.has_spelled_out
    if not vocabulary.maybe_in(view.text, spelled_out):
        return []
    tokens = _tokens(view.text, vocabulary, spelled_out)
    hits = _hits(tokens, vocabulary)
    if not hits:
        return []
    ctx = _Context(tokens, hits)
    candidates = _judge(ctx)
    if not candidates:
        return []
    banter = ctx.banter()
    findings = []
    for c in _strongest(candidates):
        score, severity = c.score, c.severity
        if banter and c.teasing:
            score, severity = round(score * 0.6, 2), Severity.LOW
        start = view.original_span(tokens.starts[c.first], tokens.starts[c.first] + 1)[0]
        end = view.original_span(tokens.ends[c.last - 1] - 1, tokens.ends[c.last - 1])[1]
        findings.append(Finding(Label.HARASSMENT, start, end, score, c.reason, c.kind, severity))
    return findings
