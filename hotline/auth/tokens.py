"""Bearer tokens, stored hashed: the file holds sha256(token), never the token.

A token is 256 random bits, so one unsalted sha256 is enough: nothing to guess a
dictionary from, and checking stays a single hash and a dict lookup per request.

    store = TokenStore(Path("var/tokens.json"))
    token, principal = store.create("ops", name="alice")   # show `token` once, then forget it
    store.authenticate(token)                               # Principal or None
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, UTC
from pathlib import Path
from typing import Literal, get_args

Role = Literal["viewer", "agent", "ops", "supervisor", "recorder"]  # supervisor: also listens to recordings;
# recorder: records and reviews voice prompts
ROLES: tuple[str, ...] = get_args(Role)
TOKEN_PREFIX = "h12333_"  # lets secret scanners and people recognise a leaked token


@dataclass(frozen=True)
class Principal:
    """Who a request acts as. `agent_id` is set for (and only for) agent tokens."""

    id: str
    name: str
    role: Role
    agent_id: str | None = None
    created_at: str = ""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._cache: tuple[float, dict[str, Principal]] | None = None  # (mtime, by hash)

    def create(self, role: str, *, name: str | None = None, agent_id: str | None = None) -> tuple[str, Principal]:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
        if role == "agent" and not agent_id:
            raise ValueError("an agent token needs the agent id it acts for (--agent)")
        if role != "agent" and agent_id:
            raise ValueError(f"only agent tokens are bound to an agent id, not {role} tokens")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token_id = secrets.token_hex(4)
        principal = Principal(token_id, name or f"{role}-{token_id}", role, agent_id,  # type: ignore[arg-type]
                              datetime.now(UTC).isoformat(timespec="seconds"))
        with self._lock:
            entries = self._read()
            entries.append({**asdict(principal), "sha256": hash_token(token)})
            self._write(entries)
        return token, principal

    def authenticate(self, token: str) -> Principal | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        return self._by_hash().get(hash_token(token))

    def hash_of(self, token: str) -> str:
        return hash_token(token)

    def by_hash(self, digest: str) -> Principal | None:
        """The principal of a token known by its hash (a session keeps the hash, not the token)."""
        return self._by_hash().get(digest)

    def principals(self) -> list[Principal]:
        return sorted(self._by_hash().values(), key=lambda p: p.created_at)

    def revoke(self, token_id: str) -> bool:
        with self._lock:
            entries = self._read()
            kept = [entry for entry in entries if entry["id"] != token_id]
            if len(kept) == len(entries):
                return False
            self._write(kept)
            return True

    def _by_hash(self) -> dict[str, Principal]:
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}
        if self._cache is None or self._cache[0] != mtime:  # re-read only when the file changed
            principals = {entry["sha256"]: Principal(**{k: v for k, v in entry.items() if k != "sha256"})
                          for entry in self._read()}
            self._cache = (mtime, principals)
        return self._cache[1]

    def _read(self) -> list[dict]:
        if not self.path.exists():
            return []
        return list(json.loads(self.path.read_text(encoding="utf-8")).get("tokens", []))

    def _write(self, entries: list[dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"tokens": entries}, out, indent=1, sort_keys=True)
        os.replace(temporary, self.path)
        self._cache = None
