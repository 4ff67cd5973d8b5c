"""`python -m bench cluster` leg `tiers`: CPU seconds per call of each tier of the cluster under
SIPp load through Kamailio, and what 1, 2, 4 and 8 media nodes could take.

The cluster is the one `make cluster` runs (ivr.kamailio.local): Kamailio in front of two
sandbox Asterisk nodes, one hotline service (external mode, its own process; both nodes send it
FastAGI, node 1 its AMI events), PostgreSQL for the service and for Kamailio's registrar.
SIPp places BENCH_CLUSTER_CALLS calls (default 60) at BENCH_CLUSTER_RATE calls/s (default 3)
to 12333 through Kamailio; each caller sends a tone as RTP and hangs up after
BENCH_CLUSTER_HOLD_S seconds (default 12) in the menus (welcome, language).

Per tier, CPU seconds (user + system, from /proc) over the run, less what the tier spends idle
over as long (measured in a BENCH_CLUSTER_IDLE_S window first), divided by the calls completed:
Kamailio (every process of its process group), each Asterisk node (per node, divided by the
calls that node took), the service (all its threads), PostgreSQL (the backends of both
databases). The projection is arithmetic, not a run (this machine has 2 cores): a media node
is given one core, so N nodes take N / (a node's CPU per call) calls/s, until a shared tier
(Kamailio, the service, PostgreSQL) would need a whole core: capacity(N) = min(N / node,
1 / kamailio, 1 / service, 1 / postgres). The tier that binds is named in the record.
The service keeps one AMI connection (node 1's): it serves both nodes' FastAGI but reads only
node 1's events, so its figure is low by about half its AMI share until it follows every node.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.results import Record, cpu_ticks, steal_percent
from ivr.sipp.scenarios import CALLER, scenario

PROJECT = Path(__file__).resolve().parents[1]
PG = "postgres://postgres@127.0.0.1:5432"
CALLS = int(os.environ.get("BENCH_CLUSTER_CALLS", "60"))
RATE = float(os.environ.get("BENCH_CLUSTER_RATE", "3"))
HOLD_S = float(os.environ.get("BENCH_CLUSTER_HOLD_S", "12"))
IDLE_S = float(os.environ.get("BENCH_CLUSTER_IDLE_S", "10"))  # the idle window measured first
NODES_PROJECTED = (1, 2, 4, 8)
IVRCTL = [sys.executable, "-c", "from hotline.cli import main; main()"]
TICK = os.sysconf("SC_CLK_TCK")


def caller(hold_ms: int, tone: Path) -> str:
    """A carrier's caller: INVITE through Kamailio, a tone as RTP, hang up after `hold_ms`."""
    return scenario("a caller in the menus", CALLER.invite(1, media="rtpstream_audio_port") + CALLER.answered(1)
                    + f'  <nop><action><exec rtp_stream="{tone},-1,0"/></action></nop>\n'
                    + f'  <pause milliseconds="{hold_ms}"/>\n' + CALLER.bye(2))


# --- CPU by tier, from /proc ---------------------------------------------------------------
def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def process_cpu(pid: int) -> float:
    fields = _stat(pid)
    return 0.0 if fields is None else (int(fields[11]) + int(fields[12])) / TICK


def group_cpu(pgid: int) -> float:
    """CPU seconds of every live process in a process group (Kamailio forks its workers)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None and int(fields[2]) == pgid:
            total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def postgres_cpu(databases: list[str]) -> float:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        pids = [row[0] for row in admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = ANY(%s)",
                                                (databases,)).fetchall()]
    return sum(process_cpu(pid) for pid in pids)


def project(per_call: dict[str, float]) -> dict[int, tuple[float, str]]:
    """Calls/s N media nodes take before a shared tier needs a whole core, and what binds.
    `per_call`: CPU seconds per call of 'node' (one media node's share of a call) and of each
    shared tier."""
    shared = {tier: 1.0 / cost for tier, cost in per_call.items() if tier != "node" and cost > 0}
    result = {}
    for nodes in NODES_PROJECTED:
        limits = {"media nodes": nodes / per_call["node"], **shared}
        tier = min(limits, key=lambda name: limits[name])
        result[nodes] = (limits[tier], tier)
    return result


# --- the run -------------------------------------------------------------------------------
def _database(name: str) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]


def _drop(name: str) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)  # another process: nothing to wait on but its port
    raise RuntimeError(f"the service did not answer {url} within {timeout:.0f} s")


def run() -> list[Record]:
    from hotline.ami_events import service_eventfilter
    from ivr.kamailio.local import LocalCluster
    from ivr.sandbox.ports import free_tcp_port, free_udp_port
    from ivr.sipp import scenarios
    from ivr.sipp.process import start_sipp

    root = Path(os.environ.get("HOTLINE_ASTERISK_ROOT", Path.home() / ".cache/hotline12333/asterisk-root"))
    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    suffix = secrets.token_hex(4)
    service_db, kamailio_db = f"bench_cluster_{suffix}", f"bench_kamailio_{suffix}"
    _database(service_db)
    _database(kamailio_db)
    agi_port, http_port = free_tcp_port(), free_tcp_port()
    ami_secret = secrets.token_urlsafe(18)
    sounds = PROJECT / "prompts" / "build" / "sounds"
    cluster = LocalCluster(root, work / "cluster", f"{PG}/{kamailio_db}", agi_port, dialplan_dirs=[PROJECT / "dialplans"],
                           sounds_dir=sounds if sounds.is_dir() else None, ami_secret=ami_secret)
    service: subprocess.Popen[bytes] | None = None
    try:
        cluster.start([{"ami_event_filter": service_eventfilter()}] * 2)
        node1 = cluster.boxes[0]
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")} | {
            "HOTLINE_SITE_DIR": str(PROJECT), "HOTLINE_VAR_DIR": str(work / "var"),
            "HOTLINE_ASTERISK_MODE": "external", "HOTLINE_ASTERISK_ROOT": str(root),
            "HOTLINE_AMI_PORT": str(node1.ports.ami), "HOTLINE_AMI_SECRET": ami_secret,
            "HOTLINE_AGI_PORT": str(agi_port), "HOTLINE_HTTP_PORT": str(http_port),
            "HOTLINE_DIALPLAN_LIVE_DIR": str(node1.dialplan_dir),
            "HOTLINE_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{service_db}",
            "HOTLINE_ID_HASH_KEY": secrets.token_hex(32), "HOTLINE_PIN_HASH_KEY": secrets.token_hex(32)}
        for step in (["db", "upgrade"], ["db", "seed-demo"]):
            subprocess.run([*IVRCTL, *step], env=env, check=True, capture_output=True, timeout=300)
        with open(work / "service.log", "wb") as out:
            service = subprocess.Popen([*IVRCTL, "run"], env=env, stdin=subprocess.DEVNULL, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        _wait_healthy(f"http://127.0.0.1:{http_port}/health", service)
        assert cluster.kamailio is not None
        deadline = time.monotonic() + 15
        while not all(d.active for d in cluster.kamailio.destinations()):
            if time.monotonic() > deadline:
                raise RuntimeError("the media nodes did not enter Kamailio's rotation")
            time.sleep(0.2)  # Kamailio reports no event for it: its state is read until then

        tone = work / "tone.ulaw"
        tone.write_bytes(scenarios.tone_ulaw(1.0, (440.0,)))
        kamailio_pgid = cluster.kamailio.process.pid  # type: ignore[union-attr]  # its own session

        def sample() -> dict[str, float]:
            return {"kamailio": group_cpu(kamailio_pgid), "node1": process_cpu(cluster.boxes[0].pid),
                    "node2": process_cpu(cluster.boxes[1].pid), "service": process_cpu(service.pid),  # type: ignore[union-attr]
                    "postgres": postgres_cpu([service_db, kamailio_db])}

        # what every tier spends with no call (timers, probes, pings), subtracted below
        idle_start, idle_clock = sample(), time.monotonic()
        time.sleep(IDLE_S)  # a measuring window, not a wait for anything
        idle_end = sample()
        idle_rate = {tier: (idle_end[tier] - idle_start[tier]) / (time.monotonic() - idle_clock) for tier in idle_end}
        load_before, ticks_before, before = os.getloadavg()[0], cpu_ticks(), sample()
        started = time.monotonic()
        sipp = start_sipp("callers", caller(int(HOLD_S * 1000), tone),
                          [f"{cluster.front_door[0]}:{cluster.front_door[1]}", "-s", "12333", "-r", str(RATE),
                           "-m", str(CALLS), "-l", str(CALLS), "-p", str(free_udp_port()), "-mp", str(free_udp_port()),
                           "-timeout", f"{int(CALLS / RATE + HOLD_S + 60)}s", "-recv_timeout", "20s"], work / "sipp")
        code = sipp.wait(CALLS / RATE + HOLD_S + 90)
        elapsed = time.monotonic() - started
        after, ticks_after, load_after = sample(), cpu_ticks(), os.getloadavg()[0]
        screen = (work / "sipp" / "callers-screen.log").read_text(errors="replace")
        found = re.findall(r"Successful call\s+\|\s+\d+\s+\|\s+(\d+)", screen)
        completed = int(found[-1]) if found else 0
        if completed == 0:
            raise RuntimeError(f"no call completed (SIPp exit {code}): {sipp.errors()[-500:]}")
        log = (work / "cluster" / "kamailio" / "kamailio.log").read_text(errors="replace")
        per_node_calls = {f"node{i}": max(1, len(re.findall(rf"front door: call \S+ to sip:127\.0\.0\.1:{box.ports.sip}\b", log)))
                          for i, box in enumerate(cluster.boxes, 1)}
    finally:
        if service is not None and service.poll() is None:
            service.terminate()
            try:
                service.wait(15)
            except subprocess.TimeoutExpired:
                service.kill()
                service.wait()
        cluster.stop()
        for name in (service_db, kamailio_db):
            _drop(name)
        if not os.environ.get("BENCH_CLUSTER_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    return records(before, after, idle_rate, completed, per_node_calls, elapsed,
                   steal_percent(ticks_before, ticks_after), (load_before, load_after), code)


def records(before: dict[str, float], after: dict[str, float], idle_rate: dict[str, float], completed: int,
            per_node_calls: dict[str, int], elapsed: float, steal: float, load: tuple[float, float],
            sipp_exit: int) -> list[Record]:
    """Per tier, the CPU the calls added: what it spent under load less its idle rate over the
    same time, divided by the calls (a node's: by the calls it took)."""
    spent = {tier: max(0.0, after[tier] - before[tier] - idle_rate[tier] * elapsed) for tier in before}
    per_call = {"kamailio": spent["kamailio"] / completed, "service": spent["service"] / completed,
                "postgres": spent["postgres"] / completed}
    node_per_call = {node: spent[node] / per_node_calls[node] for node in per_node_calls}
    per_call["node"] = sum(node_per_call.values()) / len(node_per_call)
    conditions: dict[str, Any] = {
        "calls_completed": completed, "calls_placed": CALLS, "rate_per_s": RATE, "hold_s": HOLD_S,
        "calls_per_node": per_node_calls, "elapsed_s": round(elapsed, 1), "cpu_steal_percent": steal,
        "load_average_1m": [round(x, 2) for x in load], "sipp_exit": sipp_exit,
        "idle_cpu_percent": {tier: round(100 * rate, 2) for tier, rate in idle_rate.items()},
        "note": "media node CPU is the baseline: every ratio is a tier's CPU per call against one node's; "
                "a call is hold_s seconds in the menus; the service takes both nodes' FastAGI but only "
                "node 1's AMI events (one AMI connection per node is not built), so its cost is low by "
                "about half its AMI share"}
    baseline = ("asterisk node CPU per call", round(per_call["node"] * 1000, 3))
    out = [Record(f"cluster.tiers.cpu_per_call.{node}", round(cost * 1000, 3), "ms", *baseline, conditions)
           for node, cost in node_per_call.items()]
    out += [Record(f"cluster.tiers.cpu_per_call.{tier}", round(per_call[tier] * 1000, 3), "ms", *baseline, conditions)
            for tier in ("kamailio", "service", "postgres")]
    projected = project(per_call)
    one = projected[1][0]
    for nodes, (calls_per_s, tier) in projected.items():
        out.append(Record(f"cluster.tiers.projected_calls_per_s.{nodes}_nodes", round(calls_per_s, 1), "calls/s",
                          "projected, 1 media node", round(one, 1),
                          {**conditions, "bound_by": tier,
                           "how": "projected from per-tier CPU per call (a node = one core; a shared tier "
                                  "saturates at one core), not run: this machine has 2 cores"}))
    return out
