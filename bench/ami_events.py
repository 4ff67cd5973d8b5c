"""AMI event throughput: our client's layer against raw panoramisk, on one recorded stream.

The stream is recorded from the real sandbox Asterisk in this run (calls through the test
IVR, every event class on), then the same bytes are fed, in the TCP-sized chunks they came
in, to (a) panoramisk's Manager with one catch-all callback and (b) our AmiClient's protocol
and dispatch with one catch-all subscriber, and (c) ours with typed subscribers as the
service uses it. Nothing is sent anywhere during the replay: a null transport receives the
parsers' writes.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from pathlib import Path

from panoramisk import Manager

from bench.results import Record
from ivr.ami import AmiClient
from ivr.ami.events import Hangup, UserEvent
from ivr.ami.protocol import AmiProtocol, LinkCallbacks
from ivr.sandbox import Sandbox
from ivr.sandbox.calls import place_call
from ivr.sandbox.ports import free_tcp_port

PROJECT = Path(__file__).resolve().parents[1]
CALLS = 40
REPEATS = 7


class NullTransport:
    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


async def record_stream(sandbox: Sandbox) -> list[bytes]:
    """Raw bytes of one AMI session while CALLS calls run through the test IVR."""
    reader, writer = await asyncio.open_connection(sandbox.ami.host, sandbox.ami.port)
    writer.write(f"Action: Login\r\nUsername: {sandbox.ami.username}\r\nSecret: {sandbox.ami.secret}\r\n"
                 "Events: on\r\n\r\n".encode())
    chunks: list[bytes] = []
    done = asyncio.Event()

    async def read() -> None:
        while not done.is_set():
            try:
                chunk = await asyncio.wait_for(reader.read(65536), 0.2)
            except TimeoutError:
                continue
            if not chunk:
                return
            chunks.append(chunk)

    reading = asyncio.create_task(read())
    client = AmiClient(sandbox.ami)
    await client.connect()
    finished = 0
    all_done = asyncio.Event()

    def count(event: UserEvent) -> None:
        nonlocal finished
        if event.name == "TestKeys":
            finished += 1
            if finished == CALLS:
                all_done.set()

    client.subscribe(UserEvent, count)
    await asyncio.gather(*(place_call(client, caller_context="test-caller", context="test-ivr-keys",
                                      variables={"CALLER_KEYS": "1234", "CALLER_HOLD": "0.5"})
                           for _ in range(CALLS)))
    await asyncio.wait_for(all_done.wait(), 60)
    await client.close()
    await asyncio.sleep(1.0)  # the callers' hangups still stream in
    done.set()
    await reading
    writer.close()
    # The banner opens a session once; the replay repeats the recording, so drop it.
    chunks[0] = chunks[0].split(b"\r\n", 1)[1]
    return chunks


def replay_panoramisk(chunks: list[bytes]) -> tuple[int, float]:
    loop = asyncio.new_event_loop()
    try:
        manager = Manager(loop=loop)
        seen = 0

        def on_event(_manager: Manager, _message: object) -> None:
            nonlocal seen
            seen += 1

        manager.register_event("*", on_event)
        protocol = manager.config["protocol_factory"]()
        protocol.connection_made(NullTransport())
        protocol.factory, protocol.encoding = manager, "utf8"
        started = time.perf_counter()
        for chunk in chunks:
            protocol.data_received(chunk)
        return seen, time.perf_counter() - started
    finally:
        loop.close()


def replay_ours(chunks: list[bytes], typed: bool) -> tuple[int, float]:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        client = AmiClient(settings=None)  # type: ignore[arg-type]  # never connects: fed directly
        seen = 0

        def on_any(_item: object) -> None:
            nonlocal seen
            seen += 1

        if typed:
            client.subscribe(UserEvent, lambda e: None)
            client.subscribe(Hangup, lambda e: None)
        client.subscribe("*", on_any)
        protocol = AmiProtocol(LinkCallbacks(client._dispatch, lambda exc: None))
        protocol.connection_made(NullTransport())
        started = time.perf_counter()
        for chunk in chunks:
            protocol.data_received(chunk)
        return seen, time.perf_counter() - started
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def best_rate(replay, chunks: list[bytes], *args: object) -> tuple[int, float]:
    rates = []
    events = 0
    for _ in range(REPEATS):
        events, seconds = replay(chunks, *args)
        rates.append(events / seconds)
    return events, statistics.median(rates)


def run() -> list[Record]:
    root = Path(os.environ.get("HOTLINE_ASTERISK_ROOT", Path.home() / ".cache/hotline12333/asterisk-root"))
    with Sandbox(root, agi_port=free_tcp_port(), dialplan_dirs=[PROJECT / "tests" / "dialplans"], name="bench") as sb:
        chunks = asyncio.run(record_stream(sb))
    # The recording is short; replay it several times over to measure steady state.
    stream = chunks * 20
    events, raw = best_rate(replay_panoramisk, stream)
    ours_events, ours = best_rate(replay_ours, stream, False)
    _, ours_typed = best_rate(replay_ours, stream, True)
    assert ours_events == events, (ours_events, events)
    conditions = {"events": events, "bytes": sum(map(len, stream)), "chunks": len(stream),
                  "recorded_calls": CALLS, "repeats": REPEATS, "statistic": "median"}
    return [
        Record("ami.events_per_s.panoramisk_raw", raw, "events/s", conditions=conditions),
        Record("ami.events_per_s.ours", ours, "events/s", "ami.events_per_s.panoramisk_raw", raw, conditions),
        Record("ami.events_per_s.ours_typed", ours_typed, "events/s", "ami.events_per_s.panoramisk_raw", raw,
               {**conditions, "typed_subscribers": ["UserEvent", "Hangup"]}),
    ]
