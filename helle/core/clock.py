"""The one clock. Every "now" in helle comes from here, so tests can move time."""

from collections.abc import Callable
from datetime import date, datetime

from django.utils import timezone

# Set only by tests (see the `clock` fixture); production always uses the real time.
_source: Callable[[], datetime] | None = None


def now() -> datetime:
    return _source() if _source is not None else timezone.now()


def today() -> date:
    return timezone.localdate(now())


def use(source: Callable[[], datetime] | None) -> None:
    """Replace the time source (tests only); None goes back to real time."""
    global _source
    _source = source
