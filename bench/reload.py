"""Safe dialplan reload against a bare one, on the sandbox Asterisk.

`safe`: what `ivrctl dialplan reload` does for a valid change (connect AMI, validate, render,
check in a throwaway Asterisk, swap, `Reload pbx_config`, verify with ShowDialPlan, prune,
record). `bare`: connect AMI and `Command: dialplan reload`, no checks at all, measured in
the same run against the same Asterisk. Each run loads a real change (the main menu's
timeout alternates), so every safe reload writes and loads a new version. Target: safe < 1 s.
"""
from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from bench.results import Record, median, percentile
from hotline.settings import Settings
from ivr.ami import AmiClient
from ivr.dialplan.reload import reload
from ivr.dialplan.reload_settings import ReloadSettings
from ivr.sandbox import Sandbox
from ivr.sandbox.ports import free_tcp_port

PROJECT = Path(__file__).resolve().parents[1]
RUNS = 10


async def _measure(box: Sandbox, work: Path) -> tuple[list[float], list[float], list[float]]:
    demo = (PROJECT / "config" / "hotline.yaml").read_text(encoding="utf-8")
    marker = "    back: language\n    timeout_s: 6\n"
    assert marker in demo, "the demo's main menu changed: update bench/reload.py"
    configs = [work / "a.yaml", work / "b.yaml"]
    configs[0].write_text(demo.replace(marker, "    back: language\n    timeout_s: 7\n"), encoding="utf-8")
    configs[1].write_text(demo.replace(marker, "    back: language\n    timeout_s: 8\n"), encoding="utf-8")
    settings = ReloadSettings(var_dir=work / "var", config_path=PROJECT / "config" / "hotline.yaml",
                              catalog_path=PROJECT / "prompts" / "catalog.yaml", dialplan_live_dir=box.dialplan_dir,
                              asterisk_root=box.root, staged_check="always")
    safe, bare, staged = [], [], []
    for run in range(RUNS + 1):  # the first run of each warms caches and is not counted
        started = time.perf_counter()
        ami = AmiClient(box.ami)
        await ami.connect()
        attempt = await reload(ami, settings, config_path=configs[run % 2], who="bench")
        await ami.close()
        elapsed = time.perf_counter() - started
        if attempt.result != "ok":
            raise RuntimeError(f"bench reload failed: {attempt.messages}")

        started = time.perf_counter()
        ami = AmiClient(box.ami)
        await ami.connect()
        await ami.command("dialplan reload")
        await ami.close()
        bare_elapsed = time.perf_counter() - started
        if run:
            safe.append(elapsed * 1000)
            bare.append(bare_elapsed * 1000)
            staged.append(attempt.steps_ms.get("staged_check", 0.0))
    return safe, bare, staged


def run() -> list[Record]:
    with tempfile.TemporaryDirectory() as tmp:
        box = Sandbox(Settings.from_env(os.environ).asterisk_root, agi_port=free_tcp_port(),
                      dialplan_dirs=[PROJECT / "dialplans"], name="bench-reload")
        box.start()
        try:
            safe, bare, staged = asyncio.run(_measure(box, Path(tmp)))
        finally:
            box.remove()
    conditions = {"runs": RUNS, "target_ms": 1000}
    return [
        Record("dialplan safe reload median", median(safe), "ms", "bare dialplan reload median", median(bare), conditions),
        Record("dialplan safe reload p95", percentile(safe, 95), "ms", "bare dialplan reload p95", percentile(bare, 95), conditions),
        Record("dialplan reload staged check median", median(staged), "ms", "dialplan safe reload median", median(safe), conditions),
    ]


if __name__ == "__main__":
    from bench.results import format_table

    print(format_table(run()))
