"""No credential in an address: the wallboard logs in once (a session cookie), reads the API and
the event stream, and uvicorn's access log of the whole visit (real HTTP, headless Chromium)
holds neither the token nor the session id."""

from __future__ import annotations

import asyncio
import logging

import pytest
import uvicorn

from tests.api.conftest import Api
from tests.api.test_wallboard import browser, log_in  # noqa: F401  (the Chromium fixture)

pytestmark = pytest.mark.asterisk


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def test_no_access_log_line_holds_a_credential(api: Api, browser) -> None:  # noqa: F811
    access = logging.getLogger("uvicorn.access")
    lines = Lines()
    access.addHandler(lines)
    server = uvicorn.Server(uvicorn.Config(api.app, host="127.0.0.1", port=0, log_level="info", access_log=True,
                                           lifespan="off", log_config=None))
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:  # uvicorn offers no event for this
                await asyncio.sleep(0.01)
        url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(f"{url}/wallboard")
        await log_in(page, api.tokens["viewer"])
        await page.wait_for_selector("#status.up")  # /session, the reads and /events all went
        session = next(c["value"] for c in await context.cookies() if c["name"] == "hotline_session")
        await api.http.post("/agents/z1/login", headers=api.as_("agent"))  # an event: the page reads again
        await page.wait_for_selector('[data-agent="z1"][data-state="available"]')
        await context.close()
    finally:
        api.feed.close()
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        access.removeHandler(lines)
    paths = " ".join(lines.lines)
    assert "/session" in paths and "/events" in paths and "/queues" in paths, lines.lines
    secrets = [session, *api.tokens.values()]
    leaked = [line for line in lines.lines if any(secret in line for secret in secrets) or "token=" in line]
    assert not leaked, leaked
