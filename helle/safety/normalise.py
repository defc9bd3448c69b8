"""Normalisation: one text, several views, each mapped back to the original characters.

Detectors look for words and patterns in normalised views, so that "S3LVM0RD",
"s e l v m o r d" and "ѕelvmord" (Cyrillic s) are found like "selvmord". Each view
keeps, for every character, the index of the original character it came from, so a
finding always points at the right characters of what the person wrote.

Views:
- `folded`: NFKC, case folded, invisible characters removed, look-alike letters from
  other alphabets mapped to Latin. Digits and symbols are kept (phone numbers, e-mail).
- `letters`: `folded`, with leetspeak inside words read as letters (3→e, 0→o, $→s …).
- `joined`: letters spelled out one by one ("s n a p", "s.n.a.p", "S N 4 P") joined, then
  leetspeak read as in `letters`.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import not_

from helle.core.text import INVISIBLE, _prototypes

LEET = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "€": "e",
    "!": "i",
    "|": "l",
    "+": "t",
}

# Letters spelled out one at a time, with a separator between: "s n a p", "s.n.a.p", "s-n-a-p".
_SPELLED_OUT = re.compile(r"(?<![^\W_])[^\W_](?:[ .\-_*/|,]{1,2}[^\W_]){2,}(?![^\W_])")
_SEPARATOR = set(" .-_*/|,")
# What every spelled-out run has, found several times faster: its second letter, alone between
# separators, followed by a third ("s n a p" has " n a"). Searched with a space in front.
_SPELLED_OUT_HINT = re.compile(r"[ .\-_*/|,][^\W_][ .\-_*/|,]{1,2}[^\W_](?![^\W_])")


@dataclass(frozen=True)
class View:
    text: str
    index: tuple[int, ...] | range  # index[i]: where text[i] came from in the original

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if start >= len(self.index):
            return (self.index[-1] + 1, self.index[-1] + 1) if self.index else (0, 0)
        last = self.index[max(start, end - 1)]
        return self.index[start], last + 1


@dataclass(frozen=True)
class Normalised:
    original: str
    folded: View
    letters: View
    joined: View

    def views(self) -> tuple[View, ...]:
        return (self.letters, self.joined) if self.joined.text != self.letters.text else (self.letters,)

    @property
    def has_spelled_out(self) -> bool:
        """Letters spelled out one by one somewhere ("s n a p"): detectors that look for them
        with their own, narrower patterns need not look when this is False."""
        return self.joined is not self.letters

    @property
    def has_leet(self) -> bool:
        """A digit or symbol that can stand for a letter (`LEET`) somewhere in the text."""
        return self.letters is not self.folded


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in INVISIBLE or (unicodedata.category(ch) in {"Cf", "Cc"} and ch not in "\n\t"):
        return ""
    folded = unicodedata.normalize("NFKC", ch).casefold()
    out = []
    for c in folded:
        proto = _prototypes().get(c)
        # Only map letters from other alphabets onto Latin ones; keep æ, ø, å, é as they are.
        if proto and proto.isascii() and proto.isalpha() and not _is_latin(c):
            out.append(proto.casefold())
        else:
            out.append(c)
    return "".join(out)


@lru_cache(maxsize=4096)
def _is_latin(ch: str) -> bool:
    try:
        return unicodedata.name(ch).startswith("LATIN")
    except ValueError:
        return False


# Anything beyond Latin letters, or an invisible character, needs the careful, slow path.
_NOT_PLAIN_LATIN = re.compile("[^\x00-\u024f]|[" + "".join(sorted(map(chr, INVISIBLE))) + "]")
_LEET_CHAR = re.compile("[" + re.escape("".join(LEET)) + "]")


def _is_plain_latin(text: str) -> bool:
    """Text that folding only lower-cases: Latin letters, no invisible or compatibility characters."""
    return (
        not _NOT_PLAIN_LATIN.search(text)
        and unicodedata.is_normalized("NFKC", text)
        and len(text.casefold()) == len(text)
    )


def _fold(text: str) -> View:
    if text.isascii() or _is_plain_latin(text):
        # The common case, done in C: one character in, one character out, same positions.
        return View(text.casefold() if not text.isascii() else text.lower(), range(len(text)))
    chars: list[str] = []
    index: list[int] = []
    for position, ch in enumerate(text):
        if ch.isascii():
            chars.append(ch.lower())
            index.append(position)
            continue
        for c in _fold_char(ch):
            chars.append(c)
            index.append(position)
    return View("".join(chars), tuple(index))


# Punctuation that stands for a letter only inside a word ("h!gh", "sn@p"); at the end of a
# word it is punctuation ("slet beskederne!"). Digits and "$" may also start or end a word.
_INSIDE_ONLY = set("!|+@€")


_MAX_DIGITS_IN_WORD = 3  # "n00b", "s3lvm0rd"; "anna2009" keeps its year


def _unleet(view: View) -> View:
    text = view.text
    if not _LEET_CHAR.search(text):
        return view
    chars = list(text)
    i = 0
    while i < len(text):
        if text[i] not in LEET:
            i += 1
            continue
        end = i
        while end < len(text) and text[end] in LEET:
            end += 1
        before = text[i - 1] if i > 0 else " "
        after = text[end] if end < len(text) else " "
        run = text[i:end]
        if any(c in _INSIDE_ONLY for c in run):
            # "h!gh" and "sn@p" are letters; "beskederne!" and "mig@" are punctuation.
            if before.isalpha() and after.isalpha():
                chars[i:end] = [LEET[c] for c in run]
        elif (before.isalpha() or after.isalpha()) and len(run) <= _MAX_DIGITS_IN_WORD:
            chars[i:end] = [LEET[c] for c in run]
        i = end
    return View("".join(chars), view.index)


def _join_spelled_out(view: View) -> View:
    if not _SPELLED_OUT_HINT.search(" " + view.text) or not _SPELLED_OUT.search(view.text):
        return view
    chars: list[str] = []
    index: list[int] = []
    position = 0
    for match in _SPELLED_OUT.finditer(view.text):
        chars.extend(view.text[position : match.start()])
        index.extend(view.index[position : match.start()])
        for i in range(match.start(), match.end()):
            if view.text[i] not in _SEPARATOR:
                chars.append(view.text[i])
                index.append(view.index[i])
        position = match.end()
    chars.extend(view.text[position:])
    index.extend(view.index[position:])
    return View("".join(chars), tuple(index))


_ALPHANUMERIC_RUN = re.compile(r"[^\W_]+")
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def alphanumeric_words(text: str) -> list[str]:
    """The same as re.findall(r"[^\\W_]+", text), several times faster: `[^\\W_]` is exactly
    what str.isalnum() accepts, so the white-space-separated pieces that are alphanumeric
    through and through are words as they are; only the others are searched."""
    return alphanumeric_words_in(text.split())


def alphanumeric_words_in(pieces: list[str]) -> list[str]:
    """`alphanumeric_words` of text already split at white space."""
    return _words_in(pieces, str.isalnum, _ALPHANUMERIC_RUN)


def letter_words(text: str) -> list[str]:
    """The same as re.findall(r"[^\\W\\d_]+", text), faster, in the same way: a piece that
    str.isalpha() accepts is one word (every letter is in the class); the rest is searched."""
    return _words_in(text.split(), str.isalpha, _LETTER_RUN)


def _words_in(pieces: list[str], whole, run: re.Pattern) -> list[str]:
    # The test runs in C over every piece; Python only visits the few pieces that fail it
    # ("ned,", "2009!"), which the pattern splits.
    failing = list(compress(range(len(pieces)), map(not_, map(whole, pieces))))
    if not failing:
        return list(pieces)
    words: list[str] = []
    done = 0
    for i in failing:
        words += pieces[done:i]
        words += run.findall(pieces[i])
        done = i + 1
    words += pieces[done:]
    return words


def normalise(text: str) -> Normalised:
    folded = _fold(text)
    letters = _unleet(folded)
    # Join spelled-out letters first, then read leetspeak, so "S N 4 P" becomes "snap".
    joined = _join_spelled_out(folded)
    joined = letters if joined is folded else _unleet(joined)
    return Normalised(original=text, folded=folded, letters=letters, joined=joined)
