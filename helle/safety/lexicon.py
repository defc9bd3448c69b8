"""Word lists turned into tolerant patterns, matched in the normalised views.

An entry is a word or phrase written plainly ("slå mig selv ihjel"). It matches:
- any letter repeated ("selvmoooord"),
- any run of spaces or punctuation between words ("slå  mig...selv ihjel"),
- `*` inside a word as "any letters" ("skær*" matches "skære" and "skærer", "*snap*" "minsnapkonto").
Matches are whole words: "kill" does not match inside "skill".
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from helle.safety.normalise import Normalised, View

_WORD_START = r"(?<![^\W_])"
_WORD_END = r"(?![^\W_])"


def _word_pattern(word: str) -> str:
    parts = []
    for ch in word:
        if ch == "*":
            parts.append(r"\w*")
        elif ch.isalpha():
            parts.append(re.escape(ch) + "+")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


def entry_pattern(entry: str) -> str:
    return r"[\W_]+".join(_word_pattern(word) for word in entry.strip().casefold().split())


@dataclass(frozen=True)
class Match:
    entry: str
    start: int  # in the original text
    end: int


class Lexicon:
    """Many entries, one compiled pattern; tells which entry matched where."""

    def __init__(self, entries: Iterable[str]):
        self.entries = [e for e in dict.fromkeys(e.strip() for e in entries) if e]
        if self.entries:
            alternatives = "|".join(f"(?P<e{i}>{entry_pattern(e)})" for i, e in enumerate(self.entries))
            self._pattern = re.compile(_WORD_START + "(?:" + alternatives + ")" + _WORD_END)
        else:
            self._pattern = None

    def __bool__(self) -> bool:
        return bool(self.entries)

    def _in_view(self, view: View) -> Iterator[Match]:
        if self._pattern is None:
            return
        for m in self._pattern.finditer(view.text):
            entry = self.entries[int(m.lastgroup[1:])]
            start, end = view.original_span(m.start(), m.end())
            yield Match(entry, start, end)

    def find(self, normalised: Normalised) -> list[Match]:
        """Matches in every view, each original span reported once."""
        seen: dict[tuple[int, int], Match] = {}
        for view in normalised.views():
            for match in self._in_view(view):
                seen.setdefault((match.start, match.end), match)
        return sorted(seen.values(), key=lambda m: (m.start, m.end))

    def search(self, normalised: Normalised) -> bool:
        return self._pattern is not None and any(self._pattern.search(v.text) for v in normalised.views())
