"""Phone logins: a staff number and a six-digit PIN that act as one API principal on the phone.

Staff who record prompts by phone key their number and PIN; the call then acts with the
role of the token the login belongs to (a recorder). The PIN is stored only as a salted
scrypt hash; revoking the token ends its phone login too. After MAX_FAILURES wrong PINs in a
row a staff number is locked for LOCK_MINUTES, whatever is keyed (a six-digit PIN must not be
guessable by calling again and again); a right PIN or a new PIN clears the count.

    logins = PhoneLogins(Path("var/phone-logins.json"), TokenStore(Path("var/tokens.json")))
    pin = logins.add(token_id, "8001")        # show `pin` once, then forget it
    logins.verify("8001", keyed_pin)           # Principal or None (about 50 ms of CPU: off the loop)
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hotline.auth.tokens import Principal, TokenStore

NUMBER_DIGITS = range(4, 9)
PIN_DIGITS = 6
# scrypt at N=2^14 costs about 50 ms here: slow enough that a stolen file is not a PIN list.
_SCRYPT = {"n": 1 << 14, "r": 8, "p": 1}
MAX_FAILURES = 5
LOCK_MINUTES = 15


class PhoneLogins:
    def __init__(self, path: Path, tokens: TokenStore, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.path = Path(path)
        self.tokens = tokens
        self.clock = clock
        self._lock = threading.Lock()

    def add(self, token_id: str, number: str) -> str:
        """Give the token's principal a phone login; returns the new PIN (shown once)."""
        if not (number.isascii() and number.isdigit() and len(number) in NUMBER_DIGITS):
            raise ValueError(f"a staff number is {NUMBER_DIGITS.start}-{NUMBER_DIGITS.stop - 1} digits")
        principal = self._principal(token_id)
        if principal is None:
            raise ValueError(f"no token with id {token_id}")
        pin = "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))
        salt = secrets.token_bytes(16)
        with self._lock:
            entries = self._read()
            taken = entries.get(number)
            if taken and taken["token_id"] != token_id and self._principal(taken["token_id"]):
                raise ValueError(f"staff number {number} belongs to another login")
            entries = {n: e for n, e in entries.items() if e["token_id"] != token_id}
            entries[number] = {"token_id": token_id, "salt": salt.hex(), "scrypt": _hash(pin, salt).hex()}
            self._write(entries)
        return pin

    def verify(self, number: str, pin: str) -> Principal | None:
        """The principal whose login this is, if the PIN matches, the number is not locked and
        its token is not revoked."""
        entry = self._read().get(number)
        # An unknown number costs the same hash, so timing does not tell numbers apart.
        salt = bytes.fromhex(entry["salt"]) if entry else b"\0" * 16
        matches = hmac.compare_digest(_hash(pin, salt).hex(), entry["scrypt"] if entry else "")
        if entry is None:
            return None
        now = self.clock()
        with self._lock:
            entries = self._read()
            current = entries.get(number)
            if current is None:
                return None
            locked_until = current.get("locked_until")
            if locked_until and datetime.fromisoformat(locked_until) > now:
                return None
            if matches:
                current.pop("failures", None)
                current.pop("locked_until", None)
            else:
                failures = int(current.get("failures", 0)) + 1
                current["failures"] = str(failures)
                if failures >= MAX_FAILURES:
                    current["failures"] = "0"
                    current["locked_until"] = (now + timedelta(minutes=LOCK_MINUTES)).isoformat()
            self._write(entries)
        return self._principal(entry["token_id"]) if matches else None

    def locked(self, number: str) -> bool:
        until = (self._read().get(number) or {}).get("locked_until")
        return bool(until) and datetime.fromisoformat(until) > self.clock()

    def _principal(self, token_id: str) -> Principal | None:
        return next((p for p in self.tokens.principals() if p.id == token_id), None)

    def _read(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        return dict(json.loads(self.path.read_text(encoding="utf-8")).get("logins", {}))

    def _write(self, entries: dict[str, dict[str, str]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"logins": entries}, out, indent=1, sort_keys=True)
        os.replace(temporary, self.path)


def _hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, **_SCRYPT, dklen=32)


def phone_logins_file(tokens_file: Path) -> Path:
    """Beside the tokens file: the two are one set of credentials."""
    return Path(tokens_file).with_name("phone-logins.json")
