"""FastAGI latency of a self-service balance lookup, 200 concurrent sessions, PostgreSQL.

Set-up: the real FastAGI server with the real flows (`ivr.selfservice.flows.routes`) on a
real `SqlBackend` over a fresh PostgreSQL database on 127.0.0.1:5432, in a process of its
own. The load generator, in this process, plays Asterisk's side of FastAGI over loopback:
it opens a session per call with the `agi_*` environment, answers every command the flow
sends (GET DATA with the caller's keys, Playback and SayNumber with "played"), and waits
between answers as long as a caller would take, so 200 sessions are open at once all the
time, each a caller somewhere in the flow. A finished call is followed by a new one.

Measured, at the load generator: the time from writing an answer to reading the flow's next
command, i.e. what the server takes to react, with the database work in it:
- identify: answer to GET DATA enter_id_number -> the PIN prompt (identify: one indexed
  read by keyed hash and an audit insert);
- pin_check: answer to GET DATA enter_pin -> balance_intro (the PIN check: a keyed hash of
  microseconds, and two transactions);
- lookup: answer to the balance_intro Playback -> the first Playback of the readout, the
  silence a caller hears before the balances. The flow starts the look-up (one transaction
  reading both accounts, and its audit insert) as the intro starts, so here it is mostly
  done by the time the intro has played;
- lookup_without_intro: the same gap in a second run where the generator answers the intro
  Playback at once, so nothing hides the look-up: its own latency, database work and all;
- baseline, the bare FastAGI round trip: the same 200 sessions at the same pace against a
  handler that sends GET VARIABLE after each answer and does nothing else.
The share of CPU time the hypervisor took meanwhile (steal) is reported with the figures.
Knobs (environment, for diagnosis; the defaults are what `make bench` reports): BENCH_PACE,
BENCH_SESSIONS, BENCH_WORKERS (SqlBackend threads) and
BENCH_ASYNC_COMMIT=1 (the database commits without waiting for its WAL flush).

Why not the sandbox Asterisk: 200 concurrent Local-channel calls with DTMF on this 2-core
machine would measure Asterisk's media threads and our key injection, not FastAGI; the
protocol bytes here are the ones Asterisk sends.

The caller's pace is half of real time (ID number keyed in ~6 s instead of ~12 s, and so
on), so these 200 sessions make about twice the call rate that 200 real callers would; the
rate achieved is reported. Callers start spread over one call's length, so lookups arrive
evenly rather than in one wave.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import create_engine, text

from bench.results import Record, cpu_ticks, percentile, steal_percent

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
SESSIONS = int(os.environ.get("BENCH_SESSIONS", "200"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "8"))  # SqlBackend threads and connections
PERSONS = 400
BASELINE_SECONDS = 12.0
LOAD_SECONDS = 45.0
PACE = float(os.environ.get("BENCH_PACE", "0.5"))  # fraction of a real caller's time per step
SPREAD_SECONDS = 30.0 * PACE  # callers' start times: about one call's length
# A real caller's seconds per step (before PACE): keying the ID number, the PIN, choosing,
# and the time one played file or said number takes.
CALLER_SECONDS = {"id": 12.0, "pin": 4.0, "choice": 3.0, "file": 1.2, "say": 1.5, "quick": 0.0}


# --- data -------------------------------------------------------------------------------
def _id_number(rng: random.Random) -> str:
    from ivr.selfservice.id_number import check_character

    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50))
    body = f"450102{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + check_character(body)


def _seed(url: str, key: bytes, numbers: list[str]) -> None:
    from hotline.db.credentials import hash_pin, id_digest
    from hotline.db.engine import make_engine, session_factory
    from hotline.db.models import AccountKind, InsuranceAccount, Person
    from ivr.selfservice.id_number import mask

    now = datetime.now(UTC)
    # One PIN hash shared by all, in the production scheme (the bench's one key serves as
    # both the ID-number and the PIN key).
    pin_hash = hash_pin(key, "246813")
    engine = make_engine(url)
    with session_factory(engine).begin() as session:
        for i, number in enumerate(numbers):
            person = Person(id_digest=id_digest(key, number), masked_id=mask(number), pin_hash=pin_hash,
                            created_at=now)
            for kind, fen in ((AccountKind.PENSION, 1_234_560 + i), (AccountKind.MEDICAL, 34_506 + i)):
                person.accounts.append(InsuranceAccount(kind=kind, balance_fen=fen, updated_at=now,
                                                        last_contribution_month=date(2026, 10, 1)))
            session.add(person)
    engine.dispose()


# --- the server, in its own process -------------------------------------------------------
def _serve(url: str, key: bytes, port: int, ready: multiprocessing.synchronize.Event,
           stop: multiprocessing.synchronize.Event) -> None:
    import logging

    logging.disable(logging.INFO)  # per-call info lines are not what is measured
    asyncio.run(_serve_async(url, key, port, ready, stop))


async def _serve_async(url: str, key: bytes, port: int, ready, stop) -> None:  # type: ignore[no-untyped-def]
    from hotline.db.backend import SqlBackend
    from ivr.agi import AgiServer, AgiSession
    from ivr.selfservice.flows import routes

    async def bare(session: AgiSession) -> None:
        for _ in range(8):
            await session.get_variable("HOTLINE_CALL_ID")

    backend = SqlBackend.from_url(url, id_hash_key=key, pin_hash_key=key, workers=WORKERS)
    server = AgiServer({**routes(backend), "bare": bare}, port=port, read_timeout=60)
    await server.start()
    ready.set()
    await asyncio.to_thread(stop.wait)
    await server.close()
    backend.close()


# --- the load generator: Asterisk's side of FastAGI -------------------------------------
@dataclass
class Samples:
    gaps: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    calls: int = 0
    failures: int = 0


def _answer(command: str, person: tuple[str, str], intro: bool) -> tuple[str, str, str | None]:
    """(pace key, reply line, label of the server's next reaction) for one AGI command;
    `intro`: balance_intro takes as long to play as any file (else it is answered at once)."""
    words = command.split()
    verb = " ".join(words[:2])
    if verb == "GET DATA":
        prompt = words[2]
        if prompt == "enter_id_number":
            return "id", f"200 result={person[0].replace('X', '*')}", "identify"
        if prompt == "enter_pin":
            return "pin", f"200 result={person[1]}", "pin_check"
        return "choice", "200 result=*", None
    if verb == "EXEC Playback":
        # balance_intro is said as soon as the PIN is accepted; the balances are read after it.
        if words[2] == '"balance_intro"':
            return ("file", "200 result=0", "lookup") if intro else ("quick", "200 result=0", "lookup_without_intro")
        return "file", "200 result=0", None
    if verb in ("SAY NUMBER", "SAY DIGITS"):
        return "say", "200 result=0", None
    if verb == "GET VARIABLE":
        return "choice", "200 result=1 (call-1)", "bare"
    return "quick", "200 result=1", None


async def _call(port: int, script: str, person: tuple[str, str], samples: Samples, rng: random.Random,
                intro: bool) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    env = {"network": "yes", "network_script": script, "channel": "PJSIP/bench", "language": "zh",
           "uniqueid": secrets.token_hex(6), "callerid": "07715550000",
           "arg_1": "mandarin", "arg_2": "pension", "arg_3": "bench"}
    writer.write("".join(f"agi_{k}: {v}\n" for k, v in env.items()).encode() + b"\n")
    label: str | None = None
    answered = time.perf_counter()
    try:
        while line := (await reader.readline()).decode().strip():
            if label is not None:
                samples.gaps[label].append(time.perf_counter() - answered)
            pace, reply, label = _answer(line, person, intro)
            await asyncio.sleep(CALLER_SECONDS[pace] * PACE * rng.uniform(0.5, 1.5))
            writer.write(reply.encode() + b"\n")
            await writer.drain()
            answered = time.perf_counter()
        samples.calls += 1
    except ConnectionError:
        samples.failures += 1
    finally:
        writer.close()


async def _caller(port: int, script: str, people: list[tuple[str, str]], until: float,
                  samples: Samples, rng: random.Random, intro: bool) -> None:
    # Callers start spread over one call's length, so arrivals are even from the start.
    await asyncio.sleep(rng.uniform(0, SPREAD_SECONDS))
    while time.perf_counter() < until:
        await _call(port, script, rng.choice(people), samples, rng, intro)


async def _load(port: int, script: str, people: list[tuple[str, str]], seconds: float,
                intro: bool = True) -> tuple[Samples, float]:
    samples, rng = Samples(), random.Random(12333)
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(_caller(port, script, people, until, samples, random.Random(rng.random()), intro)
                           for _ in range(SESSIONS)))
    return samples, time.perf_counter() - started


# --- run ----------------------------------------------------------------------------------
def run() -> list[Record]:
    from hotline.db.migrate import upgrade
    from ivr.sandbox.ports import free_tcp_port

    name = f"hotline_bench_{secrets.token_hex(4)}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        if os.environ.get("BENCH_ASYNC_COMMIT"):  # diagnosis only: commits without WAL flush
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    url, key = f"{PG_SERVER}/{name}", secrets.token_bytes(32)
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Event(), context.Event()
    server = None
    try:
        upgrade(url)
        rng = random.Random(5)
        numbers: set[str] = set()
        while len(numbers) < PERSONS:
            numbers.add(_id_number(rng))
        people = [(number, "246813") for number in sorted(numbers)]
        _seed(url, key, [number for number, _ in people])
        port = free_tcp_port()
        server = context.Process(target=_serve, args=(url, key, port, ready, stop), daemon=True)
        server.start()
        if not ready.wait(30):
            raise RuntimeError("the FastAGI server did not start")
        ticks = cpu_ticks()
        bare, _ = asyncio.run(_load(port, "bare", people, BASELINE_SECONDS))
        flows, elapsed = asyncio.run(_load(port, "balance", people, LOAD_SECONDS))
        unhidden, _ = asyncio.run(_load(port, "balance", people, LOAD_SECONDS, intro=False))
        steal = steal_percent(ticks, cpu_ticks())
    finally:
        stop.set()
        if server is not None:
            server.join(10)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    flows.gaps["lookup_without_intro"] = unhidden.gaps["lookup_without_intro"]
    flows.failures += unhidden.failures
    return _records(bare, flows, elapsed, steal)


def _records(bare: Samples, flows: Samples, elapsed: float, steal: float) -> list[Record]:
    conditions = {
        "sessions": SESSIONS, "database": "postgresql", "pace_of_real_caller": PACE,
        "calls_per_second": round(flows.calls / elapsed, 1), "calls": flows.calls,
        "failed_calls": flows.failures + bare.failures, "pin_hash": "hmac-sha256 (production)",
        "backend_workers": WORKERS, "cpu_steal_percent": steal,
        "samples": {label: len(gaps) for label, gaps in flows.gaps.items()},
    }
    base = bare.gaps["bare"]
    records = [Record(name="fastagi.balance.calls_per_second", value=flows.calls / elapsed,
                      unit="calls/s", conditions=conditions)]
    for pct in (50, 99):
        baseline = percentile(base, pct) * 1000
        for label in ("identify", "pin_check", "lookup", "lookup_without_intro"):
            records.append(Record(
                name=f"fastagi.balance.{label}.p{pct}", value=percentile(flows.gaps[label], pct) * 1000,
                unit="ms", baseline_name=f"fastagi.bare_round_trip.p{pct}", baseline_value=baseline,
                conditions=conditions))
    return records


if __name__ == "__main__":
    from bench.results import format_table

    print(format_table(run()))
