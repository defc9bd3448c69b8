"""Recovery codes: ten one-time codes instead of a password-reset e-mail.

A code is 12 characters from an alphabet without look-alike characters (about 59 bits).
Only an Argon2 hash is stored. The hashing cost is lower than for passwords because
the codes are long and random: a guess costs the same, but there are far more to try.
"""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_COUNT = 10
GROUPS, GROUP_LENGTH = 3, 4

_hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def normalise(code: str) -> str:
    """Accept codes typed with spaces, without dashes, or in capitals."""
    raw = "".join(ch for ch in code.lower() if ch.isalnum())
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def hash_code(code: str) -> str:
    return _hasher.hash(normalise(code))


def matches(code: str, code_hash: str) -> bool:
    try:
        return _hasher.verify(code_hash, normalise(code))
    except (VerificationError, InvalidHashError):
        return False
