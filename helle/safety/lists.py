"""Read the built-in word lists (helle/safety/lists/<language>/<name>.txt)."""

from functools import cache
from pathlib import Path

LISTS = Path(__file__).resolve().parent / "lists"


@cache
def words(language: str, name: str) -> tuple[str, ...]:
    path = LISTS / language / f"{name}.txt"
    if not path.exists():
        return ()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line)


def both(name: str) -> tuple[str, ...]:
    return words("da", name) + words("en", name)
