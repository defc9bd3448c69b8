"""Fixed-window counters in the cache, timed by helle's clock.

Used to throttle log-in attempts per account and per (hashed) address. With Redis the
counts are shared by every process; on the embedded default the one process keeps them.
"""

from dataclasses import dataclass

from django.core.cache import cache

from helle.core import clock


@dataclass(frozen=True)
class Usage:
    count: int
    limit: int
    retry_after_seconds: int

    @property
    def exhausted(self) -> bool:
        return self.count >= self.limit

    @property
    def retry_after_minutes(self) -> int:
        return max(1, -(-self.retry_after_seconds // 60))


def _window(window_seconds: int) -> tuple[int, int]:
    stamp = int(clock.now().timestamp())
    return stamp // window_seconds, window_seconds - stamp % window_seconds


def _cache_key(key: str, bucket: int) -> str:
    return f"ratelimit:{key}:{bucket}"


def peek(key: str, *, limit: int, window_seconds: int) -> Usage:
    bucket, left = _window(window_seconds)
    return Usage(cache.get(_cache_key(key, bucket), 0), limit, left)


def hit(key: str, *, limit: int, window_seconds: int) -> Usage:
    bucket, left = _window(window_seconds)
    cache_key = _cache_key(key, bucket)
    if cache.add(cache_key, 1, timeout=window_seconds + 60):
        return Usage(1, limit, left)
    try:
        return Usage(cache.incr(cache_key), limit, left)
    except ValueError:  # the key expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds + 60)
        return Usage(1, limit, left)


def clear(key: str, *, window_seconds: int) -> None:
    bucket, _ = _window(window_seconds)
    cache.delete(_cache_key(key, bucket))
