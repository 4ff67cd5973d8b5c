"""How ID numbers and PINs are kept: a keyed hash to look people up, a slow hash for PINs.

The ID number is stored only as HMAC-SHA256 under a secret key (so the table alone does not
let anyone test guesses; the number space is small enough that a plain hash would) plus its
masked form for display. The PIN is stored as salted scrypt, its cost parameters recorded
with it so they can be raised later without invalidating stored PINs.
"""

from __future__ import annotations

import hashlib
import hmac
import os

SCRYPT_N = 2**14  # ~16 MiB and tens of milliseconds per check on a small server
SCRYPT_R = 8
SCRYPT_P = 1
_SALT_BYTES = 16
_HASH_BYTES = 32


def id_digest(key: bytes, id_number: str) -> str:
    return hmac.new(key, id_number.encode("ascii"), hashlib.sha256).hexdigest()


def hash_pin(pin: str, *, salt: bytes | None = None, n: int = SCRYPT_N) -> str:
    salt = salt if salt is not None else os.urandom(_SALT_BYTES)
    digest = _scrypt(pin, salt, n, SCRYPT_R, SCRYPT_P)
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    scheme, n, r, p, salt, digest = stored.split("$")
    if scheme != "scrypt":
        raise ValueError(f"unknown PIN hash scheme {scheme!r}")
    candidate = _scrypt(pin, bytes.fromhex(salt), int(n), int(r), int(p))
    return hmac.compare_digest(candidate, bytes.fromhex(digest))


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r, dklen=_HASH_BYTES
    )
