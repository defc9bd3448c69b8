"""Text helpers every app shares: Unicode normalisation, confusable skeletons, scripts.

The skeleton follows the idea of Unicode Technical Standard #39 ("Security
Mechanisms", section 4: confusable detection): map every character to the prototype
it is confused with, so "Anna" written with a Greek capital alpha and "Anna" written
in Latin letters get the same skeleton. The confusable pairs come from the Unicode
confusables table as packaged by `confusable-homoglyphs`.
"""

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

import confusable_homoglyphs
from confusable_homoglyphs import categories

# Zero-width and formatting characters that hide inside words.
INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"),
    None,
)


@lru_cache(maxsize=1)
def _prototypes() -> dict[str, str]:
    """Map each confusable character to its prototype (a character or a short string)."""
    table_path = Path(confusable_homoglyphs.__file__).parent / "confusables.json"
    table = json.loads(table_path.read_text(encoding="utf-8"))
    direct: dict[str, str] = {}
    for char, homoglyphs in table.items():
        # A prototype lists all its look-alikes; a look-alike lists just its prototype.
        if len(homoglyphs) == 1:
            direct[char] = homoglyphs[0]["c"].translate(INVISIBLE)
    resolved: dict[str, str] = {}
    for char, target in direct.items():
        seen = {char}
        while len(target) == 1 and target in direct and target not in seen:
            seen.add(target)
            target = direct[target]
        # Two characters that only point at each other: pick one of them, always the same.
        if target in seen:
            target = min(seen)
        if target != char:
            resolved[char] = target
    return resolved


def strip_invisible(text: str) -> str:
    return text.translate(INVISIBLE)


def skeleton(text: str) -> str:
    """The confusable skeleton of `text` (NFD, map to prototypes, NFD again)."""
    prototypes = _prototypes()
    decomposed = unicodedata.normalize("NFD", strip_invisible(text))
    mapped = "".join(prototypes.get(ch, ch) for ch in decomposed)
    return unicodedata.normalize("NFD", mapped)


def comparison_key(text: str, *, drop: str = "") -> str:
    """A key under which look-alike spellings of the same name are equal.

    Case is folded first (so "Ida" and "ida" match), then the skeleton is taken (so a
    Greek alpha and a Latin a match), then combining marks and the characters in
    `drop` are removed.
    """
    folded = unicodedata.normalize("NFKC", strip_invisible(text)).casefold()
    key = skeleton(folded).casefold()
    key = "".join(ch for ch in key if not unicodedata.combining(ch))
    return key.translate(dict.fromkeys(map(ord, drop), None))


def has_control_characters(text: str) -> bool:
    """True for control, format, private-use and unassigned characters (not tabs/newlines)."""
    return any(
        unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cn", "Cs"} and ch not in "\n\r\t" for ch in text
    )


def scripts_in(text: str) -> set[str]:
    """The writing systems used by the letters in `text` ("LATIN", "GREEK", ...)."""
    letters = "".join(ch for ch in text if ch.isalpha())
    return set(categories.unique_aliases(letters)) - {"COMMON", "INHERITED"} if letters else set()


def is_mixed_script(text: str) -> bool:
    return len(scripts_in(text)) > 1
