"""Two hotline services as real processes (`ivrctl run`, external Asterisk, HOTLINE_CLUSTER on)
sharing one Asterisk and one PostgreSQL database, for the active/standby tests and the bench.

Each service reaches PostgreSQL through its own relay, which a test can tell to drop every
byte (a partition: the connections stay open, nothing answers), as tests/cluster does for the
lease alone. Agents are Local channels into the sandbox's test-agents context.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hotline.auth.tokens import TokenStore
from hotline.shipped import shipped
from ivr.ami import AmiSettings
from ivr.sandbox.ports import free_tcp_port

IVRCTL = Path(sys.executable).with_name("ivrctl")


class ThreadRelay:
    """A TCP relay to PostgreSQL on a loop of its own thread (the services are other processes,
    the tests' loops come and go); `dropping = True` is a partition."""

    def __init__(self, upstream_port: int = 5432) -> None:
        self.upstream_port = upstream_port
        self.dropping = False
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="pg-relay")
        self.thread.start()
        self._writers: list[asyncio.StreamWriter] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(5)

    async def _start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        self._writers += [writer, up_writer]

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            while data := await source.read(65536):
                if not self.dropping:
                    sink.write(data)
                    await sink.drain()

        with contextlib.suppress(Exception):
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        for w in (writer, up_writer):
            w.close()

    def heal(self) -> None:
        """End the partition: every relayed connection is closed (both sides see it go), new
        ones pass."""
        async def close_all() -> None:
            for writer in self._writers:
                writer.close()
            self._writers.clear()
        asyncio.run_coroutine_threadsafe(close_all(), self.loop).result(5)
        self.dropping = False

    def close(self) -> None:
        async def stop() -> None:
            self._server.close()
            for writer in self._writers:
                writer.close()
            if self._tasks:  # closed sockets end them; a cancelled one would be logged by asyncio
                await asyncio.wait(set(self._tasks), timeout=2)
        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def agents_yaml(agents: Iterable[tuple[str, str]]) -> str:
    lines = ["agents:"]
    for agent_id, phone in agents:
        lines += [f'  - id: "{agent_id}"', f"    name: {agent_id}", f"    endpoint: Local/{phone}@test-agents/n",
                  "    proficiencies: {mandarin: 5, pension: 5}"]
    return "\n".join(lines) + "\n"


@dataclass
class ServiceProcess:
    name: str
    env: dict[str, str]
    http_port: int
    agi_port: int
    relay: ThreadRelay
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def agi_url(self) -> str:
        return f"agi://127.0.0.1:{self.agi_port}"

    def start(self) -> None:
        self.relay.heal()
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen([str(IVRCTL), "run"], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)

    def health(self, timeout: float = 2.0) -> dict[str, Any] | None:
        try:  # degraded (503) still carries the report
            return httpx.get(f"http://127.0.0.1:{self.http_port}/health", timeout=timeout).json()  # type: ignore[no-any-return]
        except (httpx.TransportError, ValueError):
            return None

    def role(self) -> str | None:
        body = self.health()
        return None if body is None else body.get("cluster", {}).get("role")


@dataclass
class ServicePair:
    root: Path
    ami: AmiSettings
    database_url: str
    agents: list[tuple[str, str]]
    services: list[ServiceProcess] = field(default_factory=list)
    token: str = ""

    def build(self) -> None:
        config = self.root / "config"
        shutil.copytree(shipped("config"), config)
        (config / "agents.yaml").write_text(agents_yaml(self.agents), encoding="utf-8")
        var = self.root / "var"
        var.mkdir()
        self.token, _ = TokenStore(var / "tokens.json").create("ops", name="pair-test")
        url = make_url(self.database_url)
        for name in ("a", "b"):
            relay = ThreadRelay(url.port or 5432)
            relayed = url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
            http_port, agi_port = free_tcp_port(), free_tcp_port()
            env = {**{k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")},
                   "HOTLINE_ASTERISK_MODE": "external", "HOTLINE_AMI_HOST": self.ami.host,
                   "HOTLINE_AMI_PORT": str(self.ami.port), "HOTLINE_AMI_USERNAME": self.ami.username,
                   "HOTLINE_AMI_SECRET": self.ami.secret, "HOTLINE_CLUSTER": "1", "HOTLINE_CLUSTER_NODE": name,
                   "HOTLINE_DATABASE_URL": relayed, "HOTLINE_ID_HASH_KEY": "11" * 32, "HOTLINE_PIN_HASH_KEY": "22" * 32,
                   "HOTLINE_CONFIG_DIR": str(config), "HOTLINE_VAR_DIR": str(var),
                   "HOTLINE_HTTP_PORT": str(http_port), "HOTLINE_AGI_PORT": str(agi_port)}
            self.services.append(ServiceProcess(name, env, http_port, agi_port, relay, self.root / f"{name}.log"))

    def forget_lease(self) -> None:
        engine = create_engine(self.database_url)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM service_lease"))
        engine.dispose()

    def wait(self, condition: Callable[[], Any], timeout: float, what: str) -> Any:
        """Poll other processes' HTTP state (no event crosses a process boundary)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if result := condition():
                return result
            time.sleep(0.05)
        raise AssertionError(f"timed out after {timeout} s waiting for {what}; logs: " + "; ".join(
            f"{s.name}: ...{s.log_path.read_text(errors='replace')[-1500:]}" for s in self.services
            if s.log_path.exists()))

    def active(self) -> ServiceProcess | None:
        found = [s for s in self.services if s.running and s.role() == "active"]
        return found[0] if len(found) == 1 else None

    def standby(self) -> ServiceProcess:
        (other,) = [s for s in self.services if s is not self.active()]
        return other

    def start(self) -> ServiceProcess:
        """Both up: the first one active, the other standby."""
        self.forget_lease()
        first, second = self.services
        first.start()
        self.wait(lambda: first.role() == "active" and (first.health() or {}).get("ami", {}).get("connected"),
                  60, "the first service active")
        second.start()
        self.wait(lambda: second.role() == "standby" and (second.health() or {}).get("ami", {}).get("connected"),
                  60, "the second service standby")
        return first

    def api(self, service: ServiceProcess, method: str, path: str) -> httpx.Response:
        return httpx.request(method, f"http://127.0.0.1:{service.http_port}{path}", timeout=10,
                             headers={"Authorization": f"Bearer {self.token}"})

    def waiting(self, service: ServiceProcess) -> dict[str, str]:
        """call id -> enqueue time, as that service's /queues/calls shows them."""
        response = self.api(service, "GET", "/queues/calls")
        assert response.status_code == 200, (response.status_code, response.text)
        return {c["call_id"]: c["enqueue_time"] for c in response.json()}

    def close(self) -> None:
        for service in self.services:
            service.stop()
        for service in self.services:
            service.relay.close()
