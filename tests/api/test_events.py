"""GET /events over real HTTP: router events as server-sent events, keep-alives, a session or a
bearer token (never one in the address);
query for EventSource, and streams that end when the feed closes so the server can stop."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

import httpx
import pytest

from hotline.auth import TokenStore
from ivr.sandbox.ports import free_tcp_port
from tests.api.conftest import Api, bearer, served

pytestmark = pytest.mark.asterisk


async def read_events(lines, until: str) -> list[tuple[str, dict | str]]:
    """(event name, data) pairs and ("comment", text) until an event named `until`."""
    seen: list[tuple[str, dict | str]] = []
    name = None
    async for line in lines:
        if line.startswith(":"):
            seen.append(("comment", line[1:].strip()))
        elif line.startswith("event: "):
            name = line[len("event: "):]
        elif line.startswith("data: "):
            seen.append((name, json.loads(line[len("data: "):])))
            if name == until:
                return seen
    return seen


async def test_agent_changes_stream_with_keep_alives_and_the_stream_ends_on_close(api: Api) -> None:
    async with served(api.app, api.feed) as url, httpx.AsyncClient(base_url=url, timeout=10) as http:
        logged_in = await http.post("/session", json={"token": api.tokens["viewer"]})  # as a browser page does
        assert logged_in.status_code == 204 and "httponly" in logged_in.headers["set-cookie"].lower()
        async with http.stream("GET", "/events") as stream:  # the session cookie goes with it
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.aiter_lines()
            assert (await read_events(lines, "hello"))[-1][0] == "hello"
            await api.http.post("/agents/z2/login", headers=api.as_("ops"))
            seen = await read_events(lines, "QueueMemberStatus")
            assert seen[-1][1]["agent_id"] == "z2" and seen[-1][1]["state"] == "available"
            # nothing more happens: a keep-alive comment comes
            assert ("comment", "keep-alive") in await read_events_until_comment(lines)
            api.feed.close()
            rest = [line async for line in lines]  # the server ends the stream
            assert not [line for line in rest if line.startswith("data: ")]
        assert api.feed.subscriber_count == 0


async def read_events_until_comment(lines) -> list[tuple[str, str]]:
    async for line in lines:
        if line.startswith(":"):
            return [("comment", line[1:].strip())]
    return []


async def test_events_need_a_token_in_the_header_or_a_session_never_in_the_address(api: Api) -> None:
    async with served(api.app, api.feed) as url, httpx.AsyncClient(base_url=url, timeout=10) as http:
        assert (await http.get("/events")).status_code == 401
        # a token in the address is refused (uvicorn's access log would keep it)
        assert (await http.get("/events", params={"token": api.tokens["viewer"]})).status_code == 401
        assert (await http.get("/queues", params={"token": api.tokens["viewer"]})).status_code == 401
        async with http.stream("GET", "/events", headers=api.as_("agent")) as stream:
            assert stream.status_code == 200



async def test_a_server_told_to_stop_ends_its_open_streams_and_exits(tmp_path) -> None:
    """A real uvicorn process with an open stream gets SIGTERM: without close_streams_on_exit it
    would wait for the stream forever."""
    store = TokenStore(tmp_path / "tokens.json")
    token = store.create("viewer", name="wall")[0]
    port = free_tcp_port()
    server = await asyncio.create_subprocess_exec(sys.executable, str(Path(__file__).with_name("sse_server.py")),
                                                  str(store.path), str(port), stderr=asyncio.subprocess.PIPE)
    try:
        await server.stderr.readuntil(b"Uvicorn running")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            async with http.stream("GET", "/events", headers=bearer(token)) as stream:
                lines = stream.aiter_lines()
                assert (await read_events(lines, "hello"))[-1][0] == "hello"
                server.send_signal(signal.SIGTERM)
                rest = [line async for line in lines]  # ends instead of hanging
                assert not [line for line in rest if line.startswith("data: ")]
        assert await asyncio.wait_for(server.wait(), 10) in (0, -signal.SIGTERM)
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
