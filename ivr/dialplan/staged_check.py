"""Check staged dialplan with Asterisk itself before it goes live.

A throwaway sandbox Asterisk (only pbx_config loaded, ~0.3 s) loads the live directory as
it will be after the swap: every file already there plus the new ones. What it parsed
(ShowDialPlan) must hold every context and extension we rendered, and its log must show no
parse error. A broken hand-written file beside ours matters as much as ours does: one
unparsable file makes pbx_config drop every file after it, the whole hotline with them.
"""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
from pathlib import Path

from ivr.ami import AmiClient, AmiError
from ivr.dialplan.live_asterisk import loaded_dialplan
from ivr.dialplan.live_files import install
from ivr.dialplan.verify import missing_parts
from ivr.sandbox import Sandbox
from ivr.sandbox.runner import SandboxError

# The parser is all the check needs; applications are looked up only when a call runs.
_MODULES = "[modules]\nautoload = no\nload => pbx_config.so\n"
_PARSE_TROUBLE = re.compile(r"(WARNING|ERROR)\[\d+\] (config\.c|pbx_config\.c|pbx\.c): (.*)")


def stage(live_dir: Path | None, files: dict[str, str], staging_dir: Path) -> Path:
    """The live directory's *.conf as they will be after the swap, in `staging_dir`."""
    if staging_dir.exists():
        shutil.rmtree(staging_dir)
    staging_dir.mkdir(parents=True)
    if live_dir is not None and live_dir.is_dir():
        for path in sorted(live_dir.glob("*.conf")):
            shutil.copy2(path, staging_dir / path.name)
    install(staging_dir, files)
    return staging_dir


async def check_staged(asterisk_root: Path, staging_dir: Path, files: dict[str, str]) -> list[str]:
    """Problems Asterisk finds loading `staging_dir`; empty when every rendered part parsed."""
    box = Sandbox(asterisk_root, agi_port=4573, dialplan_dirs=[staging_dir], name="reload-check",
                  extra_files={"modules.conf": _MODULES})
    try:
        await asyncio.to_thread(box.start)
    except SandboxError as error:
        return [f"the staged dialplan did not load in a test Asterisk: {error}"]
    try:
        ami = AmiClient(box.ami)
        try:
            await ami.connect()
            loaded = await loaded_dialplan(ami)
        except AmiError as error:
            return [f"could not read the test Asterisk's dialplan: {error}"]
        finally:
            await ami.close()
        log = box.log_tail(2000)
    finally:
        os.kill(box.pid, signal.SIGKILL)  # nothing to shut down cleanly; saves ~0.9 s
        await asyncio.to_thread(box.remove)
    base = str(box.layout.dialplan) + "/"
    problems = [f"Asterisk: {match.group(3).replace(base, '')}" for match in _PARSE_TROUBLE.finditer(log)]
    return problems + missing_parts(files, loaded)
