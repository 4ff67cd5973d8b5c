"""How ID numbers and PINs are kept: keyed hashes under secrets the database does not hold.

The ID number is stored only as HMAC-SHA256 under a secret key (so the table alone does not
let anyone test guesses; the number space is small enough that a plain hash would) plus its
masked form for display.

The PIN is stored as HMAC-SHA256 under a second secret key, over a per-person random salt and
the digits: `hmac-sha256$<salt hex>$<digest hex>`. A six-digit PIN has a million values, so
no hash cost makes a stolen table safe on its own (scrypt at N=2^14 falls in hours); what
protects it is the key, which lives outside the database. Checking costs microseconds, so the
check runs inline and never queues callers behind a slow hash.

PINs stored by earlier versions as salted scrypt (`scrypt$N$r$p$salt$digest`) still check,
slowly (`is_slow`), and are replaced by the keyed form on their next successful check.
"""

from __future__ import annotations

import hashlib
import hmac
import os

PIN_SCHEME = "hmac-sha256"
_SCRYPT = "scrypt"
_SALT_BYTES = 16


def id_digest(key: bytes, id_number: str) -> str:
    return hmac.new(key, id_number.encode("ascii"), hashlib.sha256).hexdigest()


def hash_pin(key: bytes, pin: str, *, salt: bytes | None = None) -> str:
    """The stored form of a PIN: keyed, salted per person."""
    salt = salt if salt is not None else os.urandom(_SALT_BYTES)
    return f"{PIN_SCHEME}${salt.hex()}${_keyed(key, salt, pin).hex()}"


def pin_matches(key: bytes, pin: str, stored: str) -> bool:
    """Whether `pin` is the one `stored` was made from, compared in constant time.

    Microseconds for the keyed form; tens of milliseconds of CPU for a legacy scrypt hash
    (run those off the event loop: see `is_slow`)."""
    scheme, _, rest = stored.partition("$")
    if scheme == PIN_SCHEME:
        salt, digest = rest.split("$")
        return hmac.compare_digest(_keyed(key, bytes.fromhex(salt), pin), bytes.fromhex(digest))
    if scheme == _SCRYPT:
        n, r, p, salt, digest = rest.split("$")
        candidate = _scrypt(pin, bytes.fromhex(salt), int(n), int(r), int(p))
        return hmac.compare_digest(candidate, bytes.fromhex(digest))
    raise ValueError(f"unknown PIN hash scheme {scheme!r}")


def is_slow(stored: str) -> bool:
    """A legacy scrypt hash: costly to check, and to be replaced once the PIN is known."""
    return stored.startswith(_SCRYPT + "$")


def _keyed(key: bytes, salt: bytes, pin: str) -> bytes:
    # The salt has a fixed length, so salt + digits cannot be split two ways.
    return hmac.new(key, salt + pin.encode("ascii"), hashlib.sha256).digest()


# --- the legacy scheme: checked until every stored PIN has been upgraded ---------------------
LEGACY_SCRYPT_N = 2**14
_SCRYPT_R, _SCRYPT_P, _SCRYPT_BYTES = 8, 1, 32


def legacy_scrypt_hash(pin: str, *, n: int = LEGACY_SCRYPT_N, salt: bytes | None = None) -> str:
    """A PIN hashed as earlier versions stored it (for tests and the upgrade bench only)."""
    salt = salt if salt is not None else os.urandom(_SALT_BYTES)
    digest = _scrypt(pin, salt, n, _SCRYPT_R, _SCRYPT_P)
    return f"{_SCRYPT}${n}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r, dklen=_SCRYPT_BYTES
    )
