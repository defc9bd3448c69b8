"""Log-in throttling, per account and per (hashed) address."""

from dataclasses import dataclass

from django.conf import settings

from helle.core import ratelimit
from helle.core.privacy import address_key
from helle.identity.models import nickname_key


@dataclass(frozen=True)
class Throttle:
    account_key: str
    address_key: str

    @classmethod
    def for_attempt(cls, request, nickname: str) -> "Throttle":
        return cls(
            account_key=f"login-account:{nickname_key(nickname or '')}",
            address_key=f"login-address:{address_key(request)}",
        )

    def _limits(self):
        window = settings.LOGIN_FAILURE_WINDOW_SECONDS
        yield self.account_key, settings.LOGIN_FAILURES_PER_ACCOUNT, window
        yield self.address_key, settings.LOGIN_FAILURES_PER_ADDRESS, window

    def blocked_for_minutes(self) -> int:
        """0 if another attempt is allowed now, else how many minutes to wait."""
        waits = [
            usage.retry_after_minutes
            for key, limit, window in self._limits()
            if (usage := ratelimit.peek(key, limit=limit, window_seconds=window)).exhausted
        ]
        return max(waits, default=0)

    def failed(self) -> None:
        for key, limit, window in self._limits():
            ratelimit.hit(key, limit=limit, window_seconds=window)

    def succeeded(self) -> None:
        ratelimit.clear(self.account_key, window_seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
