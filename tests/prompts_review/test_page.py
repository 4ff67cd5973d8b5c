"""The review page in headless Chromium (Debian's /usr/bin/chromium through Playwright): sign in
with a token (exchanged for an HttpOnly session cookie like the wallboard's: never in the
address, never in web storage), upload a take, play it to its end, approve it, and see the
language's progress move. Screenshots go to test-artifacts/."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.prompts_review.conftest import Review, served, speech
from tests.support.login import log_in, logs_in_once

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--autoplay-policy=no-user-gesture-required"]

playwright_api = pytest.importorskip("playwright.async_api")


@pytest.fixture
async def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium")
    async with playwright_api.async_playwright() as driver:
        chromium = await driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


async def test_upload_play_and_approve_in_the_browser(review: Review, browser) -> None:
    take_file = speech("Mwngz ndei, angqcoux mwngz", review.files / "welcome-za.mp3", "mp3")
    ARTIFACTS.mkdir(exist_ok=True)
    async with served(review.app) as url:
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await page.goto(f"{url}/prompts/review")
        assert "令牌" in await page.inner_text("#login")
        await log_in(page, review.tokens["ops"])
        zhuang = '#languages button[data-language="za"]'
        await page.wait_for_selector(f'{zhuang}[aria-pressed="true"]')
        assert await page.inner_text(zhuang) == f"Zhuang: 0 of {review.caller_prompts} recorded"
        welcome = 'tr[data-prompt="welcome"]'
        assert await page.inner_text(f"{welcome} td.status") == "fallback to zh"
        assert page.url == f"{url}/prompts/review"  # the token is nowhere in the address

        await page.set_input_files(f"{welcome} input.upload", str(take_file))
        take = f'{welcome} .take[data-status="awaiting"]'
        await page.wait_for_selector(take)
        take_id = await page.get_attribute(take, "data-take")
        await page.click(f"{take} button.play-take")
        await page.wait_for_selector(f'#player[data-ended="take:{take_id}"]', state="attached", timeout=15000)
        await page.screenshot(path=ARTIFACTS / "prompt-review-awaiting.png", full_page=False)

        await page.click(f"{take} button.approve")
        await page.wait_for_selector(f'{welcome}[data-kind="recorded"]')
        assert await page.inner_text(zhuang) == f"Zhuang: 1 of {review.caller_prompts} recorded"
        assert await page.get_attribute(f"{welcome} .take", "data-status") == "approved"
        await page.click(f"{welcome} button.listen")  # what callers hear now: the approved take, built
        await page.wait_for_selector('#player[data-ended="live:welcome"]', state="attached", timeout=15000)
        await page.screenshot(path=ARTIFACTS / "prompt-review-approved.png", full_page=False)
        await page.close()
    assert review.library.takes.get(take_id).reviewed_by == "ops 蓝"


async def test_a_refused_upload_says_why_on_the_page(review: Review, browser) -> None:
    from pydub import AudioSegment

    silent = review.files / "silent.wav"
    AudioSegment.silent(2000, frame_rate=8000).export(silent, format="wav")
    async with served(review.app) as url:
        page = await browser.new_page()
        await page.goto(f"{url}/prompts/review")
        await log_in(page, review.tokens["recorder"])
        await page.wait_for_selector('tr[data-prompt="welcome"]')
        await page.set_input_files('tr[data-prompt="welcome"] input.upload', str(silent))
        await page.wait_for_selector("#problem:not([hidden])")
        assert "silent" in await page.inner_text("#problem")
        await page.close()


async def test_the_page_keeps_a_session_cookie_not_the_token(review: Review, browser) -> None:
    """The token was kept in sessionStorage, where any script on the page could read it; now it
    is exchanged for the wallboard's HttpOnly cookie and forgotten."""
    async with served(review.app) as url:
        context = await browser.new_context()
        page = await context.new_page()
        await logs_in_once(context, page, f"{url}/prompts/review", review.tokens["recorder"],
                           'tr[data-prompt="welcome"]')
        assert await page.inner_text("#who") == "recorder 蓝 (recorder)"
        await context.close()
