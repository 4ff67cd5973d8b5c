"""The wallboard's "today against the plan" charts and the folding of idle queues, in headless
Chromium (Debian's, through Playwright) over real HTTP; and the CJK font the page needs."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, time, timedelta

import pytest

from hotline.db import records_store as db
from hotline.db.migrate import upgrade
from hotline.db.records_store import RecordStore
from hotline.http.staffing import speakers_logged_in, staffing_router
from hotline.records.model import CallRecord
from hotline.staffing.config import parse_staffing
from routing.guangxi import default_config
from routing.model import Agent
from tests.api.conftest import Api, served
from tests.api.test_wallboard import log_in, ARTIFACTS, browser  # noqa: F401  (the Chromium fixture)
from tests.hours.support import SHANGHAI, demo_hours

pytestmark = pytest.mark.asterisk

TODAY = date(2026, 10, 13)  # a Tuesday; the Tuesday before was National Day
REFERENCE = [TODAY - timedelta(weeks=k) for k in (2, 3, 4, 5, 6, 7)]
NOW = datetime.combine(TODAY, time(10, 5), SHANGHAI)


def record(call_id: str, day: date, at: time, *, wait: float, answered: bool = True) -> CallRecord:
    start = datetime.combine(day, at, SHANGHAI)
    extra = {"agent": "z1", "talk_s": 200.0} if answered else {}
    return CallRecord(call_id, start, dialect="zhuang", business="pension", to_agent=True, line_open=True,
                      queue_wait_s=wait, ended_at=start + timedelta(minutes=5), **extra)  # type: ignore[arg-type]


def records() -> list[CallRecord]:
    made = []
    for n, day in enumerate(REFERENCE):  # history: two Zhuang calls at 09:00, 09:30 and 10:00 each Tuesday
        for at in (time(9, 5), time(9, 35), time(10, 5)):
            made += [record(f"h{n}-{at:%H%M}-{k}", day, at, wait=5) for k in range(2)]
    # today until 10:05: two answered in time at 09:00; at 09:30 one answered late, one abandoned
    made += [record("t1", TODAY, time(9, 5), wait=3), record("t2", TODAY, time(9, 6), wait=8),
             record("t3", TODAY, time(9, 35), wait=45), record("t4", TODAY, time(9, 36), wait=30, answered=False)]
    return made


@pytest.fixture
def records_store(tmp_path):
    url = f"sqlite:///{tmp_path}/records.db"
    upgrade(url)
    store = RecordStore.from_url(url)
    store.run(lambda s: [db.save_record(s, r) for r in records()])
    yield store
    store.close()


async def test_the_chart_shows_today_against_the_plan_point_by_point(api: Api, records_store, browser) -> None:  # noqa: F811
    staffing = parse_staffing("interval_minutes: 30\n")
    roster = [Agent("z1", "z1", "Local/z1", {"zhuang": 5, "pension": 4})]
    api.app.include_router(staffing_router(records_store, demo_hours, lambda: staffing, default_config(),
                                           lambda: roster, logged_in=speakers_logged_in(api.stack.adapter.router),
                                           clock=lambda: NOW))
    await api.http.post("/agents/z1/login", headers=api.as_("agent"))
    ARTIFACTS.mkdir(exist_ok=True)
    async with served(api.app, api.feed) as url:
        page = await browser.new_page(viewport={"width": 1400, "height": 1100})
        await page.goto(f"{url}/wallboard?dialect=zhuang")
        await log_in(page, api.tokens["viewer"])
        await page.wait_for_selector("#calls-chart .forecast-point")
        # intervals 09:00, 09:30 (calls so far) and 10:00 (planned only)
        assert await page.locator("#calls-chart .offered-bar").count() == 2
        assert await page.locator("#calls-chart .forecast-point").count() == 3
        assert await page.locator("#calls-chart .sl-point").count() == 2
        assert await page.locator("#calls-chart .sl-point.short").count() == 1  # 09:30: 1 of 2 within 20 s
        assert await page.locator("#agents-chart .required-point").count() == 3
        assert await page.text_content("#agents-chart .logged-in-label") == "在线 1"
        assert "80/20" in await page.inner_text("#today-target")
        await page.screenshot(path=ARTIFACTS / "wallboard-today.png", full_page=True)

        await page.select_option("#today-dialect", "hakka")  # no history, no calls: an empty chart
        await page.wait_for_selector("#calls-chart .forecast-point", state="detached")
        assert await page.locator("#calls-chart .offered-bar").count() == 0
        await page.close()


async def test_idle_queues_fold_away(api: Api, browser) -> None:  # noqa: F811
    queues = (await api.http.get("/queues", headers=api.as_("viewer"))).json()
    assert queues and not any(q["waiting"] or q["today"]["offered"] for q in queues)  # all idle
    async with served(api.app, api.feed) as url:
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        await page.goto(f"{url}/wallboard")
        await log_in(page, api.tokens["viewer"])
        await page.wait_for_selector("#queues tr[data-queue]")
        assert await page.locator("#queues tr[data-queue]").count() == len(queues)
        await page.click("#fold")
        await page.wait_for_selector("#queues tr[data-queue]", state="detached")
        assert await page.locator("#queues .folded-note").count() == len({q["dialect"] for q in queues})
        assert await page.inner_text("#fold") == "显示全部队列"
        await page.click("#fold")
        await page.wait_for_selector("#queues tr[data-queue]")
        assert await page.locator("#queues tr[data-queue]").count() == len(queues)
        await page.close()


def test_a_cjk_font_is_installed_for_the_chinese_labels() -> None:
    """tools/install-system-deps installs fonts-wqy-microhei; without a CJK font Chromium draws
    the wallboard's Chinese as empty boxes."""
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30).stdout
    assert found.strip(), "no CJK font: run tools/install-system-deps"
