"""`GET /queues` under load: 200 concurrent clients while the router takes 50 commands/s,
next to `GET /health` measured the same way in the same run.

A client is a supervisor's screen or a monitoring poller: it asks once a second (each at its
own phase), open-loop, so latency measures the endpoint, not a queue of requests that the
load generator itself builds up by firing again the instant it is answered.

The server runs in its own process (uvicorn, the real app with the supervision routers) so
the load generator does not share its event loop. Its router holds a Guangxi-sized centre:
every dialect x business line, 300 agents, and a churn of 50 router commands a second
(callers arriving and leaving, agents logging out and back in). AMI is never connected: the
router's decisions are made and counted, not carried out, which is what /queues reads.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import tempfile
import time
from pathlib import Path

import httpx

from bench.results import Record, percentile

CLIENTS = 200
PERIOD = 1.0  # seconds between one client's requests
SECONDS = 8.0
COMMANDS_PER_SECOND = 50
AGENTS = 300


def _serve(port: int, token_file: str, ready) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    from hotline.auth.tokens import TokenStore
    from hotline.http.app import create_app
    from hotline.http.supervision import install_supervision
    from hotline.service import HotlineService
    from ivr.ami import AmiSettings
    from routing import Agent, Call, PauseReason, Party, Router
    from routing.asterisk import AgentDesk, RouterAdapter
    from routing.guangxi import default_config
    from routing.skills import BUSINESS_LINES, DIALECTS

    rng = random.Random(12333)
    service = HotlineService(AmiSettings("127.0.0.1", 9, "bench", "x"), agi_host="127.0.0.1", agi_port=0)
    adapter = RouterAdapter(Router(default_config()), service.ami)
    roster = {}
    for i in range(AGENTS):
        levels = {d: rng.randint(0, 5) for d in DIALECTS} | {b: rng.randint(0, 5) for b in BUSINESS_LINES}
        levels["mandarin"] = max(levels["mandarin"], 3)
        skills = {skill: level for skill, level in levels.items() if level}  # 0: not a skill at all
        roster[f"a{i}"] = Agent(f"a{i}", f"agent {i}", f"PJSIP/{i}", skills)
    desk = AgentDesk(adapter, roster)
    app = create_app(service)
    app.state.token_store = TokenStore(Path(token_file))
    install_supervision(app, service, adapter, desk)

    async def churn() -> None:
        # Agents log in paused (nobody is rung: no Asterisk here), callers come and go.
        for agent_id in roster:
            await desk.login(agent_id, paused=PauseReason.BREAK)
        waiting: list[str] = []
        n = 0
        while True:
            await asyncio.sleep(1 / COMMANDS_PER_SECOND)
            n += 1
            if waiting and (len(waiting) > 400 or rng.random() < 0.3):
                call_id = waiting.pop(rng.randrange(len(waiting)))
                await adapter.command(lambda now, c=call_id: adapter.router.hangup(c, now, Party.CALLER))
            elif rng.random() < 0.1:  # shift change; logged in paused: no Asterisk here to ring them
                agent_id = rng.choice(list(roster))
                await desk.logout(agent_id)
                await desk.login(agent_id, paused=PauseReason.TRAINING)
            else:
                call = Call(f"c{n}", f"Local/c{n}", rng.choice(DIALECTS), rng.choice(BUSINESS_LINES), "13800000000",
                            enqueue_time=time.time())
                waiting.append(call.id)
                await adapter.command(lambda now, c=call: adapter.router.arrive(c, now))

    async def main() -> None:
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                               lifespan="off", access_log=False))
        load = asyncio.create_task(churn())
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        ready.set()
        await serving
        load.cancel()

    asyncio.run(main())


async def _hammer(url: str, token: str, seconds: float) -> list[float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(limits=limits, timeout=30, headers={"Authorization": f"Bearer {token}"}) as http:
        async def client(phase: float) -> None:
            next_at = time.perf_counter() + phase
            while next_at < deadline:
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
                started = time.perf_counter()
                response = await http.get(url)
                latencies.append((time.perf_counter() - started) * 1000)
                assert response.status_code in (200, 503), response.status_code  # /health: 503 = no AMI
                next_at += PERIOD

        await asyncio.gather(*(client(i * PERIOD / CLIENTS) for i in range(CLIENTS)))
    return latencies


def run() -> list[Record]:
    from hotline.auth.tokens import TokenStore
    from ivr.sandbox.ports import free_tcp_port

    with tempfile.TemporaryDirectory() as tmp:
        token_file = str(Path(tmp) / "tokens.json")
        token = TokenStore(Path(token_file)).create("viewer", name="bench")[0]
        port = free_tcp_port()
        ctx = multiprocessing.get_context("spawn")
        ready = ctx.Event()
        server = ctx.Process(target=_serve, args=(port, token_file, ready), daemon=True)
        server.start()
        try:
            if not ready.wait(60):
                raise RuntimeError("the API server did not start")
            base = f"http://127.0.0.1:{port}"
            asyncio.run(_hammer(f"{base}/queues", token, 1.0))  # warm up
            health = asyncio.run(_hammer(f"{base}/health", token, SECONDS))
            queues = asyncio.run(_hammer(f"{base}/queues", token, SECONDS))
        finally:
            server.terminate()
            server.join(10)
    conditions = {"clients": CLIENTS, "each_client_every_s": PERIOD, "seconds_each": SECONDS, "router_commands_per_s": COMMANDS_PER_SECOND,
                  "agents": AGENTS, "lines": "5 dialects x 8 business lines", "server": "uvicorn, 1 process"}
    records = []
    for pct in (50, 99):
        h, q = percentile(health, pct), percentile(queues, pct)
        records.append(Record(f"api.queues.p{pct}", q, "ms", f"api.health.p{pct}", h, conditions))
    records.append(Record("api.queues.requests_per_s", len(queues) / SECONDS, "1/s", "api.health.requests_per_s",
                          len(health) / SECONDS, conditions))
    return records
