"""`python -m bench cluster` leg `takeover`: the active service killed (-9) -> the standby
serving its first FastAGI request and making its first offer, p50/p99 over 10 kills.

Two real services (`ivrctl run`, HOTLINE_CLUSTER on) on one sandbox Asterisk and one
PostgreSQL database (tests/support/pair.py). One caller waits throughout; one agent (Local
channel, never answers) is logged in, so the active service keeps offering the caller to
them; a probe channel asks FastAGI (`hours`) every 0.1 s at whatever HOTLINE_AGI names. Each
round kills the active service and times, from the kill, the probe's first FastAGI command
served afterwards and the first ring of the agent, both from Asterisk's own events; then the killed service comes
back as the standby. The baseline, measured in the same rounds, is the standby's /health
saying "active" (the lease alone): the ratio is what reading Asterisk back adds to it.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from bench.results import Record, cpu_ticks, percentile, steal_percent
from hotline.db.migrate import upgrade
from hotline.settings import Settings
from ivr.ami import AmiClient
from ivr.sandbox import Sandbox
from ivr.sandbox.calls import place_call
from ivr.sandbox.ports import free_tcp_port
from tests.db.support import create_pg_database, drop_pg_database
from tests.support.pair import ServicePair

PROJECT = Path(__file__).resolve().parents[1]
KILLS = int(os.environ.get("BENCH_TAKEOVER_KILLS", "10"))


async def _rounds(pair: ServicePair, box: Sandbox) -> tuple[list[float], list[float], list[float]]:
    ami = AmiClient(box.ami)
    await ami.connect()
    marks: list[tuple[float, str, str]] = []  # (arrival, event, uniqueid)

    def record(message: dict[str, str]) -> None:
        marks.append((time.monotonic(), message.get("Event", ""), message.get("Uniqueid", "")))

    ami.subscribe("AGIExecStart", record)
    ami.subscribe("Newchannel", record)
    active = pair.active()
    assert active is not None
    assert pair.api(active, "POST", "/agents/a1/login").status_code == 200
    call = await place_call(ami, caller_context="test-caller", context="test-queue", variables={
        "QUEUE_DIALECT": "mandarin", "QUEUE_BUSINESS": "pension", "CALLER_HOLD": "3600",
        "HOTLINE_HOLD_INTERVAL": "1"})
    probe = await place_call(ami, caller_context="test-caller", context="test-agi-probe",
                             variables={"CALLER_HOLD": "3600"})
    agi, offer, lease = [], [], []
    try:
        for _ in range(KILLS):
            served, offered, became = await _one_kill(pair, marks, probe.uniqueid)
            agi.append(served)
            offer.append(offered)
            lease.append(became)
    finally:
        for channel in (call.channel, probe.channel):
            await ami.send({"Action": "Hangup", "Channel": channel}, check=False)
        await ami.close()
    return agi, offer, lease


async def _one_kill(pair: ServicePair, marks: list[tuple[float, str, str]], probe: str) -> tuple[float, float, float]:
    """Kill the active one; (first FastAGI command, first offer, standby says active), seconds
    from the kill; the killed one back as the standby."""
    active = pair.active()
    assert active is not None
    standby = pair.standby()
    marks.clear()
    await asyncio.to_thread(active.kill9)
    killed = time.monotonic()
    became = await asyncio.to_thread(pair.wait, lambda: standby.role() == "active" and time.monotonic(),
                                     15, "the standby active")

    def first(event: str, prefix: str = "") -> float | None:
        return next((at - killed for at, name, uid in marks
                     if at > killed + 0.05 and name == event and uid.startswith(prefix)), None)

    deadline = time.monotonic() + 15
    while (first("AGIExecStart", probe) is None or first("Newchannel", "agent-a1-") is None) \
            and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    served, offered = first("AGIExecStart", probe), first("Newchannel", "agent-a1-")
    assert served is not None and offered is not None, "no FastAGI request or offer after the takeover"
    await asyncio.to_thread(active.start)
    await asyncio.to_thread(pair.wait, lambda: active.role() == "standby", 90, "the killed one back")
    return served, offered, became - killed


def run() -> list[Record]:
    url = create_pg_database()
    upgrade(url)
    with tempfile.TemporaryDirectory() as tmp:
        box = Sandbox(Settings.from_env(os.environ).asterisk_root, agi_port=free_tcp_port(),
                      dialplan_dirs=[PROJECT / "dialplans", PROJECT / "tests" / "dialplans"],
                      sounds_dir=PROJECT / "prompts" / "build" / "sounds", name="bench-takeover")
        box.start()
        pair = ServicePair(Path(tmp), box.ami, url, agents=[("a1", "noanswer")])
        try:
            pair.build()
            pair.start()
            ticks, load = cpu_ticks(), os.getloadavg()[0]
            agi, offer, lease = asyncio.run(_rounds(pair, box))
            steal = steal_percent(ticks, cpu_ticks())
        finally:
            pair.close()
            box.remove()
            drop_pg_database(url)
    conditions = {"kills": KILLS, "target_s": 5.0, "cpu_steal_percent": steal, "load_before": round(load, 2),
                  "lease": "ttl 3 s, renewed every 0.5 s, margin 1 s"}
    base50, base99 = percentile(lease, 50), percentile(lease, 99)
    return [
        Record("takeover: kill -9 -> first FastAGI served, p50", percentile(agi, 50), "s",
               "standby reports active (lease only), p50", base50, conditions),
        Record("takeover: kill -9 -> first FastAGI served, p99", percentile(agi, 99), "s",
               "standby reports active (lease only), p99", base99, conditions),
        Record("takeover: kill -9 -> first offer, p50", percentile(offer, 50), "s",
               "standby reports active (lease only), p50", base50, conditions),
        Record("takeover: kill -9 -> first offer, p99", percentile(offer, 99), "s",
               "standby reports active (lease only), p99", base99, conditions),
    ]


if __name__ == "__main__":
    from bench.results import format_table

    print(format_table(run()))
