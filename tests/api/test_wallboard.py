"""The wallboard in headless Chromium (Debian's /usr/bin/chromium driven by Playwright's Python
package) over real HTTP: a sandbox call shows within 1 s, the agent's tile changes colour when it
answers, labels switch between Chinese and English. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.ami import AmiClient
from tests.api.conftest import Api, served
from tests.api.test_queue_api import zhuang_caller
from tests.support.login import log_in, logs_in_once  # (log_in: other page tests import it from here)

pytestmark = pytest.mark.asterisk

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WITHIN = 1000  # ms: the "live updates within 1 s"

playwright_api = pytest.importorskip("playwright.async_api")


@pytest.fixture
async def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium")
    async with playwright_api.async_playwright() as driver:
        chromium = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


def background(page, selector: str):
    return page.eval_on_selector(selector, "node => getComputedStyle(node).backgroundColor")


async def test_a_call_shows_within_a_second_and_the_tile_turns_when_the_agent_answers(
        api: Api, ami: AmiClient, browser) -> None:
    await api.http.post("/agents/z1/login", headers=api.as_("agent"))
    await api.http.post("/agents/z1/pause", json={"reason": "break"}, headers=api.as_("agent"))
    ARTIFACTS.mkdir(exist_ok=True)
    async with served(api.app, api.feed) as url:
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        await page.goto(f"{url}/wallboard?late=0")
        await log_in(page, api.tokens["viewer"])
        await page.wait_for_selector("#status.up")  # the event stream is open
        tile = '[data-agent="z1"]'
        await page.wait_for_selector(f'{tile}[data-state="paused"]')
        assert "暂停" in await page.inner_text(tile) and "休息" in await page.inner_text(tile)
        paused_colour = await background(page, tile)

        await zhuang_caller(ami)
        join = (await api.stack.wait(lambda: api.stack.of("QueueCallerJoin")))[0]
        row = f'#calls tr[data-call="{join.call_id}"]'
        await page.wait_for_selector(row, timeout=WITHIN)
        assert "*******2345" in await page.inner_text(row)
        await page.wait_for_selector('tr[data-queue="zhuang.pension"][data-waiting="1"].late', timeout=WITHIN)
        await page.screenshot(path=ARTIFACTS / "wallboard-waiting.png", full_page=True)

        await api.http.post("/agents/z1/unpause", headers=api.as_("agent"))
        await api.stack.wait(lambda: api.stack.of("AgentConnect"))
        await page.wait_for_selector(f'{tile}[data-state="on_call"]', timeout=WITHIN)
        assert await background(page, tile) != paused_colour
        await page.wait_for_selector(row, state="detached", timeout=WITHIN)
        assert "通话中" in await page.inner_text(tile)

        await page.click("#lang")
        assert "On call" in await page.inner_text(tile)
        assert await page.inner_text("h1") == "12333 Wallboard"
        await page.screenshot(path=ARTIFACTS / "wallboard-answered-en.png", full_page=True)
        await page.close()


async def test_the_page_asks_for_a_token_once_and_refuses_an_unknown_one(api: Api, browser) -> None:
    async with served(api.app, api.feed) as url:
        context = await browser.new_context()
        page = await context.new_page()
        # "#status.up": the event stream is open, on the session
        await logs_in_once(context, page, f"{url}/wallboard", api.tokens["viewer"], "#status.up")
        await context.close()
