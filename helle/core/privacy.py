"""Keep network addresses out of storage.

helle never stores a member's IP address. Where throttling needs to recognise a
repeated sender, it uses a keyed hash of the address; the key is derived from the
secret key and the date, so it rotates every day and yesterday's hashes cannot be
linked to today's, nor turned back into addresses without the secret.
"""

import hashlib
import hmac

from django.conf import settings

from helle.core import clock


def client_address(request) -> str:
    if settings.TRUSTED_PROXY_COUNT:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= settings.TRUSTED_PROXY_COUNT:
            return forwarded[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")


def _daily_key() -> bytes:
    day = clock.today().isoformat()
    return hmac.new(settings.SECRET_KEY.encode(), f"address-key:{day}".encode(), hashlib.sha256).digest()


def address_key(request) -> str:
    """A short keyed hash of the client's address, valid for today only."""
    digest = hmac.new(_daily_key(), client_address(request).encode(), hashlib.sha256)
    return digest.hexdigest()[:32]
