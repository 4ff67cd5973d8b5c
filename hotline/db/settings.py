"""Where the self-service data lives and how it is keyed: plain values from hotline.settings.

The embedded default is a SQLite file in the site's var/ directory; production sets
HOTLINE_DATABASE_URL to PostgreSQL and HOTLINE_ID_HASH_KEY to a secret kept outside the
repository (hotline.settings.Settings.database() builds this).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy.engine import make_url

from ivr.selfservice.lockout import LockoutPolicy

log = logging.getLogger(__name__)

DEMO_KEY_FILE = "id-hash-demo.key"
PIN_DEMO_KEY_FILE = "pin-hash-demo.key"
MIN_KEY_BYTES = 32


class ConfigurationError(RuntimeError):
    """An operator's mistake in the settings: said in one line, never a traceback."""


@dataclass(frozen=True)
class DatabaseSettings:
    database_url: str | None  # HOTLINE_DATABASE_URL; None: SQLite in var_dir
    var_dir: Path  # HOTLINE_VAR_DIR
    id_hash_key: SecretStr | None = None  # HOTLINE_ID_HASH_KEY: hex, >= 32 bytes
    pin_hash_key: SecretStr | None = None  # HOTLINE_PIN_HASH_KEY: hex, >= 32 bytes
    pin_max_failures: int = 3  # HOTLINE_PIN_MAX_FAILURES
    pin_failure_window_hours: float = 24  # HOTLINE_PIN_FAILURE_WINDOW_HOURS
    pin_lock_hours: float = 24  # HOTLINE_PIN_LOCK_HOURS
    backend_timeout_seconds: float = 3.0  # HOTLINE_BACKEND_TIMEOUT_SECONDS

    def with_url(self, url: str | None) -> DatabaseSettings:
        """These settings for another database (`--url`), or unchanged for None."""
        return dataclasses.replace(self, database_url=url) if url else self

    def resolved_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'hotline.db'}"

    def lockout_policy(self) -> LockoutPolicy:
        return LockoutPolicy(
            max_failures=self.pin_max_failures,
            window=timedelta(hours=self.pin_failure_window_hours),
            lock_duration=timedelta(hours=self.pin_lock_hours),
        )

    def id_key(self) -> bytes:
        """The HMAC key ID numbers are looked up by.

        HOTLINE_ID_HASH_KEY when set. Otherwise, for an embedded SQLite database only, a demo
        key generated once per install into var/id-hash-demo.key (git-ignored), so
        `ivrctl db seed-demo` and the hotline agree without anyone committing a key. A
        server database without the variable is a configuration error: its hashes must not
        depend on a file on one machine.
        """
        return self._key(self.id_hash_key, "HOTLINE_ID_HASH_KEY", DEMO_KEY_FILE)

    def pin_key(self) -> bytes:
        """The HMAC key PINs are stored under (hotline.db.credentials), kept like `id_key`:
        HOTLINE_PIN_HASH_KEY, or a per-install demo key for the embedded database only. A
        separate key, so a leak of one does not open the other."""
        return self._key(self.pin_hash_key, "HOTLINE_PIN_HASH_KEY", PIN_DEMO_KEY_FILE)

    def _key(self, secret: SecretStr | None, variable: str, demo_file: str) -> bytes:
        if secret is not None:
            return decode_key(secret.get_secret_value(), variable)
        if make_url(self.resolved_url()).get_backend_name() != "sqlite":
            raise ConfigurationError(f"{variable} must be set for a server database")
        return demo_key(self.var_dir / demo_file, variable)


def decode_key(text: str, variable: str = "HOTLINE_ID_HASH_KEY") -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise ConfigurationError(f"{variable} must be hex") from None
    if len(key) < MIN_KEY_BYTES:
        raise ConfigurationError(f"{variable} must be at least {MIN_KEY_BYTES} bytes")
    return key


def demo_key(path: Path, variable: str = "HOTLINE_ID_HASH_KEY") -> bytes:
    """Read, or create once, the per-install demo key (embedded database only)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(f"# DEMO key ({variable}) for the embedded database, generated on this machine.\n")
            out.write(f"# Not for real data: set {variable} instead.\n")
            out.write(secrets.token_hex(MIN_KEY_BYTES) + "\n")
        log.warning("generated a demo key (%s) for the embedded database at %s", variable, path)
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    return decode_key(lines[0], variable)
