"""Spam: many links, the same thing over and over, adverts, and flooding.

`detect(text, language)` looks at one message (kinds "links", "repetition", "commercial").
`flooding(recent_texts, timestamps=..., surface=...)` looks at one author's recent messages,
which the pipeline passes in.

Young people in distress write in capitals, repeat themselves ("hjælp hjælp hjælp") and
send many short messages fast. None of that is spam, so: repetition needs a LOT before it
counts, its severity is LOW, and flooding takes the surface: a counselling chat is judged
far more leniently than a forum. Spam findings should never hide a crisis finding; that is
for the pipeline to keep apart.

Word lists (ours): `spam_commercial.txt` (sure on their own: "rabatkode", "free followers"),
`spam_commercial_weak.txt` (only with a second such word or a link: "køb", "crypto"),
`spam_allowed_domains.txt` (help lines and the like, never counted as spam links). The
phrase lists are read like the grooming lists (plain `Lexicon` entries work unchanged).
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from itertools import pairwise

from helle.safety.detectors.grooming import phrase_matcher
from helle.safety.findings import Finding, Label, Severity
from helle.safety.lists import words
from helle.safety.normalise import Normalised

# --- Links ----------------------------------------------------------------------------------

# Bare domains count only with a top-level domain spammers use; "fx.dk" in a sentence is
# rare, "v.1.2" is not a domain.
_TLDS = (
    "com|net|org|dk|io|co|ly|me|gg|xyz|info|biz|shop|store|link|click|top|online|site|live|app|"
    "tv|to|ru|cn|uk|de|se|no|eu|be|nl|us|ws|cc|lol|vip|win|bet|casino|money|cash"
)
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    rf"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})\b(?:/[^\s<>\"']*)?"
)
# A cheap first look: most messages have no link at all, and this regex starts with a
# few plain characters, which the engine scans for quickly.
_LINK_HINT = re.compile(rf"\.(?:{_TLDS})\b|://|www\.")
# Shorteners hide where a link goes: one counts as two links.
_SHORTENERS = {
    "bit.ly",
    "tinyurl.com",
    "t.co",
    "goo.gl",
    "is.gd",
    "cutt.ly",
    "rb.gy",
    "shorturl.at",
    "tiny.cc",
    "ow.ly",
    "linktr.ee",
    "t.ly",
    "s.id",
}
LINKS_LIMIT = 3  # this many links (or more) in one message
_ALLOWED_DOMAINS = frozenset(
    d.casefold() for d in words("da", "spam_allowed_domains") + words("en", "spam_allowed_domains")
)


_SCHEME = re.compile(r"^(?:https?://)?(?:www\.)?")


def _domain(url: str) -> str:
    host = _SCHEME.sub("", url).split("/", 1)[0].split("?", 1)[0]
    return host.rstrip(".,;:!?)")


def _allowed(domain: str) -> bool:
    # "chat.bornetelefonen.dk" is allowed because "bornetelefonen.dk" is.
    labels = domain.split(".")
    return any(".".join(labels[i:]) in _ALLOWED_DOMAINS for i in range(len(labels) - 1))


def _links(text: Normalised) -> tuple[list[Finding], bool]:
    """The finding for too many links, and whether there is any (not allowed) link at all."""
    view = text.folded  # digits and dots kept, case folded
    if not _LINK_HINT.search(view.text):
        return [], False
    spans, weight = [], 0
    for match in _URL.finditer(view.text):
        domain = _domain(match.group())
        if not _allowed(domain):
            spans.append(view.original_span(match.start(), match.end()))
            weight += 2 if domain in _SHORTENERS else 1
    if weight < LINKS_LIMIT:
        return [], bool(spans)
    score = min(0.95, 0.5 + 0.1 * (weight - LINKS_LIMIT))
    reason = f"{len(spans)} links in one message" + (" (link shortener)" if weight > len(spans) else "")
    return [Finding(Label.SPAM, spans[0][0], spans[-1][1], score, reason, "links", Severity.MEDIUM)], True


# --- Repetition -----------------------------------------------------------------------------

RUN_LENGTH = 40  # "hahahaha…", "!!!!…", "😭😭😭…": one to four characters, 40 or more
SAME_WORD_IN_A_ROW = 10  # "køb køb køb …"
MANY_WORDS, FEW_DIFFERENT = 25, 0.2  # 25+ words of which at most 1 in 5 is a new one
SHOUTING_LETTERS = 60  # only long messages in capitals count as shouting

_NO_SPACE = re.compile(rf"\S{{{RUN_LENGTH},}}")  # a run needs this much without a space
_RUN = re.compile(r"(\S{1,4}?)\1{9,}")


def _repetition(text: Normalised) -> list[Finding]:
    view = text.folded
    words_ = view.text.split()
    found = []
    if words_ and max(map(len, words_)) >= RUN_LENGTH:  # most texts have no such long stretch
        found = [_character_run(view, chunk) for chunk in _NO_SPACE.finditer(view.text)]
        found = [f for f in found if f][:1]
    if len(words_) >= SAME_WORD_IN_A_ROW:
        found += _repeated_words(view, words_)
    if _shouting(text.original):
        found.append(
            Finding(
                Label.SPAM,
                0,
                len(text.original),
                0.3,
                "long message in capitals (shouting)",
                "repetition",
                Severity.LOW,
            )
        )
    return found


def _character_run(view, chunk) -> Finding | None:
    for match in _RUN.finditer(view.text, chunk.start(), chunk.end()):
        if match.end() - match.start() >= RUN_LENGTH:
            start, end = view.original_span(match.start(), match.end())
            return Finding(
                Label.SPAM, start, end, 0.5, "the same characters over and over", "repetition", Severity.LOW
            )
    return None


def _repeated_words(view, words_: list[str]) -> list[Finding]:
    counts = Counter(words_)  # counted in C; a run is looked for only where one can be
    often = [word for word, n in counts.items() if n >= SAME_WORD_IN_A_ROW]
    longest = _longest_run(words_) if often and _has_run(words_, often) else 1
    if longest >= SAME_WORD_IN_A_ROW:
        reason = f"the same word {longest} times in a row"
    elif len(words_) >= MANY_WORDS and len(counts) / len(words_) <= FEW_DIFFERENT:
        reason = "the same few words repeated over and over"
    else:
        return []
    # Rare, so the exact place is worked out only now: the words' stretch of the text.
    start, end = view.original_span(len(view.text) - len(view.text.lstrip()), len(view.text.rstrip()))
    return [Finding(Label.SPAM, start, end, 0.6, reason, "repetition", Severity.LOW)]


def _has_run(words_: list[str], candidates: list[str]) -> bool:
    """Does one of `candidates` come SAME_WORD_IN_A_ROW times in a row? (A substring search.)"""
    line = f" {' '.join(words_)} "
    return any(f" {' '.join([word] * SAME_WORD_IN_A_ROW)} " in line for word in candidates)


def _longest_run(words_: list[str]) -> int:
    run, longest = 1, 1
    for previous, word in pairwise(words_):
        run = run + 1 if word == previous else 1
        longest = max(longest, run)
    return longest


def _shouting(original: str) -> bool:
    # str.isupper: every cased character is a capital (a C loop, so cheap to ask first).
    return (
        len(original) >= SHOUTING_LETTERS
        and original.isupper()
        and (sum(map(str.isalpha, original)) >= SHOUTING_LETTERS)
    )


# --- Commercial -----------------------------------------------------------------------------

# "strong" entries are sure on their own, "weak" ones need a second one or a link.
_COMMERCIAL_LISTS = [("strong", "spam_commercial"), ("weak", "spam_commercial_weak")]
# Adverts on Danish sites are half English ("free followers", "promo code").
_COMMERCIAL = {
    "en": phrase_matcher(("en",), _COMMERCIAL_LISTS),
    "da": phrase_matcher(("da", "en"), _COMMERCIAL_LISTS),
}


def _commercial(text: Normalised, language: str, has_link: bool) -> list[Finding]:
    found = _COMMERCIAL["en" if language == "en" else "da"].find(text)
    strong = sorted((start, end, e.text) for e, start, end in found if e.kind == "strong")
    if strong:
        return [
            Finding(Label.SPAM, start, end, 0.75, f"advert: “{entry}”", "commercial", Severity.MEDIUM)
            for start, end, entry in strong
        ]
    weak = sorted((start, end, e.text) for e, start, end in found)
    # One weak word is everyday talk ("jeg skal købe", "my dad lost money on crypto").
    if len({entry for _, _, entry in weak}) >= 2 or (weak and has_link):
        entries = ", ".join(dict.fromkeys(entry for _, _, entry in weak))
        start, end = weak[0][0], max(end for _, end, _ in weak)
        return [Finding(Label.SPAM, start, end, 0.5, f"advert words: {entries}", "commercial", Severity.LOW)]
    return []


def detect(text: Normalised, language: str) -> list[Finding]:
    links, has_link = _links(text)
    findings = links + _repetition(text) + _commercial(text, language, has_link)
    return sorted(findings, key=lambda f: (f.start, f.end))


# --- Flooding -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FloodLimit:
    window_seconds: float  # only messages this recent count
    max_messages: int  # more than this many in the window is flooding
    max_repeats: int | None  # more than this many (near) copies of the newest text; None: never
    min_repeat_length: int  # shorter texts never count as copies ("ok", "hallo?", "er der nogen?")


# A forum post takes a while to write; a chat line does not; a young person waiting for a
# counsellor may write "hallo?" "er der nogen?" twenty times, and that must never be spam.
FLOOD_LIMITS = {
    "forum": FloodLimit(window_seconds=300, max_messages=5, max_repeats=2, min_repeat_length=10),
    "chat": FloodLimit(window_seconds=60, max_messages=25, max_repeats=4, min_repeat_length=20),
    "counselling": FloodLimit(window_seconds=60, max_messages=60, max_repeats=None, min_repeat_length=0),
}
SIMILAR = 0.9  # texts this alike (difflib ratio) count as copies


def flooding(
    recent_texts: Sequence[str],
    *,
    timestamps: Sequence[float | datetime],
    surface: str = "forum",
    window_seconds: float | None = None,
) -> Finding | None:
    """Whether the newest of one author's recent messages (the last one) floods the surface.

    `timestamps` go with `recent_texts` (seconds or datetimes, oldest first). `surface` is
    one of FLOOD_LIMITS; `window_seconds` overrides its window. The finding spans the
    whole newest text.
    """
    if len(recent_texts) != len(timestamps):
        raise ValueError("one timestamp per text")
    if not recent_texts:
        return None
    if surface not in FLOOD_LIMITS:
        raise ValueError(f"surface is one of {', '.join(FLOOD_LIMITS)}, not {surface!r}")
    limit = FLOOD_LIMITS[surface]
    window = limit.window_seconds if window_seconds is None else window_seconds
    times = [t.timestamp() if isinstance(t, datetime) else float(t) for t in timestamps]
    newest_time, newest = times[-1], recent_texts[-1]
    in_window = [text for text, t in zip(recent_texts, times, strict=True) if newest_time - t <= window]
    end = len(newest)

    if len(in_window) > limit.max_messages:
        reason = f"{len(in_window)} messages in {window:g} seconds"
        return Finding(Label.SPAM, 0, end, 0.6, reason, "flooding", Severity.LOW)

    key = _copy_key(newest)
    if limit.max_repeats is not None and len(key) >= limit.min_repeat_length:
        copies = sum(1 for text in in_window[:-1] if _similar(key, _copy_key(text)))
        if copies > limit.max_repeats:
            reason = f"the same text {copies + 1} times in {window:g} seconds"
            return Finding(Label.SPAM, 0, end, 0.8, reason, "flooding", Severity.MEDIUM)
    return None


_NOT_LETTERS = re.compile(r"[\W_\d]+")


def _copy_key(text: str) -> str:
    # Spammers change a digit, an emoji or the spacing to get past exact comparison.
    return _NOT_LETTERS.sub(" ", text.casefold()).strip()


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    # The quick upper bounds first: most pairs are far apart.
    return all(ratio() >= SIMILAR for ratio in (matcher.real_quick_ratio, matcher.quick_ratio, matcher.ratio))
