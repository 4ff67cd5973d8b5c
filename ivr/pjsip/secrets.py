"""SIP secrets (agents' phone passwords, a trunk's credentials): one `name = secret` a line.

Production reads the site's file, `<site>/var/sip-secrets` (mode 0600, outside any checkout:
`ivrctl init` puts the site elsewhere, and a checkout's var/ is git-ignored). The sandbox generates a demo file once per install under the var directory
(git-ignored), so `make run`, the README's softphone settings and `ivrctl demo agents` agree
without anyone committing a secret.
"""

from __future__ import annotations

import os
import re
import secrets as _random
from collections.abc import Iterable
from pathlib import Path

DEMO_FILE = "sip-demo-secrets"  # the sandbox's, in the var directory
SIP_SECRETS_FILE = "sip-secrets"  # production's, in the site's var directory (outside any checkout)
_LINE = re.compile(r"^(?P<name>[A-Za-z0-9_.+-]+)\s*=\s*(?P<secret>\S+)\s*$")


class SecretsError(ValueError):
    """A secrets file that cannot be used; the message is `file:line: what` and never a secret."""


def parse_secrets(text: str, source: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line.strip())
        if match is None:
            raise SecretsError(f"{source}:{number}: expected `name = secret` (no spaces or ';' in either)")
        name, secret = match["name"], match["secret"]
        if ";" in secret:
            raise SecretsError(f"{source}:{number}: {name}: a secret may not contain ';'")
        if name in found:
            raise SecretsError(f"{source}:{number}: {name}: given twice")
        found[name] = secret
    return found


def read_secrets(path: Path, *, max_bytes: int = 1 << 20) -> dict[str, str]:
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise SecretsError(f"{path}: cannot read the SIP secrets file ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise SecretsError(f"{path}: larger than {max_bytes} bytes; not a secrets file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SecretsError(f"{path}: not UTF-8 (byte {exc.start})") from None
    return parse_secrets(text, str(path))


def demo_secrets(path: Path, names: Iterable[str]) -> dict[str, str]:
    """Read the demo file, adding a fresh random secret for every name it lacks (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    known = read_secrets(path) if path.exists() else {}
    missing = [n for n in names if n not in known]
    if missing:
        fresh = {name: _random.token_urlsafe(12) for name in missing}
        new = not path.exists()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a") as out:
            if new:
                out.write("# DEMO SIP secrets for the sandbox's agent phones, generated on this machine.\n")
                out.write("# Not for production: production reads <site>/var/sip-secrets (ivrctl pjsip reload).\n")
            out.writelines(f"{name} = {secret}\n" for name, secret in fresh.items())
        known.update(fresh)
    return known
