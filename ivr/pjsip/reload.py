"""Installing the hotline's PJSIP file in a live Asterisk with the dialplan's guarantees:
one attempt at a time, written atomically, `Reload res_pjsip.so`, checked against what
Asterisk loaded (every endpoint the file defines), the previous file put back and reloaded
if anything is missing, every attempt in the reload history.

Our file (HOTLINE_PJSIP_LIVE_FILE) holds only the hotline's objects; the site's pjsip.conf
#includes it after its own transports. Attempts never record a secret: changes name objects.
"""
from __future__ import annotations

import re
from pathlib import Path

from ivr.ami import AmiClient, AmiError
from ivr.ami.errors import ActionFailed
from ivr.dialplan.file_reload import ModuleFile, reload_module_file
from ivr.dialplan.history import Attempt, ReloadInProgress
from ivr.dialplan.live_asterisk import reload_module
from ivr.dialplan.reload_settings import ReloadSettings

MODULE = "res_pjsip.so"
_OBJECT = re.compile(r"^\[([^\]]+)\]\s*\n(?:;[^\n]*\n)*type\s*=\s*(\w+)", re.MULTILINE)
_PASSWORD = re.compile(r"^(password\s*=\s*).*$", re.MULTILINE)

__all__ = ["ReloadInProgress", "endpoints_in", "reload_pjsip"]


def objects_in(text: str | None) -> set[tuple[str, str]]:
    """(name, type) of every object a pjsip file defines."""
    return set(_OBJECT.findall(text or ""))


def endpoints_in(text: str | None) -> set[str]:
    return {name for name, kind in objects_in(text) if kind == "endpoint"}


async def reload_pjsip(ami: AmiClient, settings: ReloadSettings, text: str, *, live_file: Path,
                       who: str = "cli") -> Attempt:
    async def load_and_check(installed: str | None) -> list[str]:
        return await _load_and_check(ami, settings, endpoints_in(installed))

    # 0o640: the file holds the phones' secrets
    return await reload_module_file(ModuleFile("pjsip", live_file, _changes, load_and_check, mode=0o640),
                                    settings, text, who)


async def _load_and_check(ami: AmiClient, settings: ReloadSettings, expected: set[str]) -> list[str]:
    try:
        await reload_module(ami, MODULE, settings.reload_timeout_s)
        try:
            listed = await ami.send_list({"Action": "PJSIPShowEndpoints"})
            loaded = {m.get("ObjectName", "") for m in listed.events}
        except ActionFailed:  # "No endpoints found"
            loaded = set()
    except (AmiError, RuntimeError) as error:  # AMI gone or the reload refused: not verified
        return [f"reload through AMI failed: {error}"]
    return [f"PJSIP endpoint {name} is not loaded (Asterisk's log says why)" for name in sorted(expected - loaded)]


def _changes(before: str | None, after: str) -> list[str]:
    if before == after:
        return ["no change"]
    old, new = objects_in(before), objects_in(after)
    lines = [f"{kind} {name} added" for name, kind in sorted(new - old)]
    lines += [f"{kind} {name} removed" for name, kind in sorted(old - new)]
    if _PASSWORD.sub(r"\1***", before or "") != _PASSWORD.sub(r"\1***", after) and not lines:
        lines.append("objects changed")
    elif not lines:
        lines.append("secrets changed")
    return lines
