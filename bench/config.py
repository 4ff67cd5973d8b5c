"""Configuration checks at scale, and what a large reload costs the running service.

`validate`: parse and validate a hotline.yaml of 100, 1,000 and 10,000 menus (the bounded YAML
reader, the typed model, every check); growth should be linear: the 10,000 figure is
reported against the 1,000 one (target: under 20x), the 1,000 against the 100.
`health during reload`: a HotlineService on the sandbox Asterisk answers GET /health in a loop
while an ops request reloads a 1 MB hotline.yaml; the longest wait for an answer during the
reload is reported against the longest during the same time idle, in the same run.
"""
from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

import httpx

from bench.results import Record, cpu_ticks, median, steal_percent
from hotline.auth import TokenStore
from hotline.http.app import create_app
from hotline.http.ops import router
from hotline.service import HotlineService
from hotline.settings import Settings
from ivr.dialplan.reload_settings import ReloadSettings
from ivr.menu import parse_config, validate
from ivr.menu.limits import ReadLimits
from ivr.sandbox import Sandbox
from ivr.sandbox.ports import free_tcp_port
from tests.support.big_config import hotline_yaml

PROJECT = Path(__file__).resolve().parents[1]
SIZES = (100, 1000, 10_000)
RUNS = {100: 5, 1000: 3, 10_000: 1}
RELOAD_MENUS = 2500
PADDING = "# " + "填充 padding " * 40 + "\n"


def _validation_seconds(menus: int) -> float:
    text = hotline_yaml(menus)
    limits = ReadLimits(max_bytes=len(text.encode()) + 1)
    times = []
    for _ in range(RUNS[menus]):
        started = time.perf_counter()
        issues = validate(parse_config(text, f"{menus}-menus.yaml", limits))
        times.append(time.perf_counter() - started)
        if issues:
            raise RuntimeError(f"the bench config has problems: {issues[:3]}")
    return median(times)


async def _health_gaps(http: httpx.AsyncClient, until: asyncio.Future) -> list[float]:
    gaps, last = [], time.perf_counter()
    while not until.done():
        assert (await http.get("/health")).status_code == 200
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
        await asyncio.sleep(0.01)
    return gaps


async def _reload_under_watch(box: Sandbox, work: Path) -> tuple[float, float, float, int]:
    service = HotlineService(box.ami, agi_host="127.0.0.1", agi_port=free_tcp_port())
    await service.start()
    await service.wait_ready(5)
    app = create_app(service)
    app.include_router(router)
    store = TokenStore(work / "tokens.json")
    token = store.create("ops", name="bench")[0]
    app.state.token_store = store
    app.state.reload_settings = ReloadSettings(var_dir=work / "var", config_path=PROJECT / "config" / "hotline.yaml",
                                               catalog_path=PROJECT / "prompts" / "catalog.yaml",
                                               dialplan_live_dir=box.dialplan_dir, asterisk_root=box.root,
                                               staged_check="never")
    text = hotline_yaml(RELOAD_MENUS)
    text += PADDING * ((1000 * 1024 - len(text.encode())) // len(PADDING.encode()))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=300) as http:
            reloading = asyncio.ensure_future(http.post("/ops/dialplan/reload", headers={"Authorization": f"Bearer {token}"},
                                                        json={"config": text}))
            started = time.perf_counter()
            during = await _health_gaps(http, reloading)
            took = time.perf_counter() - started
            answer = await reloading
            if answer.status_code != 200:
                raise RuntimeError(f"bench reload failed: {answer.text[:500]}")
            idle_until = asyncio.get_running_loop().create_future()
            asyncio.get_running_loop().call_later(took, idle_until.set_result, None)
            idle = await _health_gaps(http, idle_until)
    finally:
        await service.stop()
    return max(during), max(idle), took, service.ami.reconnects


def run() -> list[Record]:
    ticks = cpu_ticks()
    seconds = {menus: _validation_seconds(menus) for menus in SIZES}
    steal = steal_percent(ticks, cpu_ticks())
    conditions = {"cpu_steal_percent": steal, "target": "10,000 menus under 20x 1,000"}
    records = [
        Record("config validation, 100 menus", seconds[100], "s", None, None, conditions),
        Record("config validation, 1,000 menus", seconds[1000], "s", "100 menus", seconds[100], conditions),
        Record("config validation, 10,000 menus", seconds[10_000], "s", "1,000 menus", seconds[1000], conditions),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        box = Sandbox(Settings.from_env(os.environ).asterisk_root, agi_port=free_tcp_port(),
                      dialplan_dirs=[PROJECT / "dialplans"], name="bench-config")
        box.start()
        try:
            ticks = cpu_ticks()
            during, idle, took, reconnects = asyncio.run(_reload_under_watch(box, Path(tmp)))
            steal = steal_percent(ticks, cpu_ticks())
        finally:
            box.remove()
    records.append(Record("longest /health wait during a 1 MB config reload", during * 1000, "ms",
                          "longest /health wait idle, same duration", idle * 1000,
                          {"cpu_steal_percent": steal, "reload_s": round(took, 2), "menus": RELOAD_MENUS,
                           "ami_reconnects": reconnects}))
    return records


if __name__ == "__main__":
    from bench.results import format_table

    print(format_table(run()))
