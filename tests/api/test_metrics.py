"""GET /metrics: Prometheus text with the router's gauges, event counts, AMI and FastAGI figures."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client.parser import text_string_to_metric_families

from hotline.http.app import create_app
from hotline.http.metrics import metrics_router
from ivr.ami import AmiClient
from tests.api.conftest import Api
from tests.api.test_queue_api import zhuang_caller

pytestmark = pytest.mark.asterisk


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def test_metrics_show_the_waiting_call_agents_events_and_fastagi_sessions(api: Api, ami: AmiClient) -> None:
    hold_done = asyncio.Event()
    chained = api.service.agi._on_session_end  # the metrics callback, then ours

    def ended(script: str, seconds: float, outcome: str) -> None:
        chained(script, seconds, outcome)
        if script == "hold":
            hold_done.set()

    api.service.agi._on_session_end = ended
    await api.http.post("/agents/m1/login", headers=api.as_("ops"))
    await api.http.post("/agents/m1/pause", json={"reason": "break"}, headers=api.as_("ops"))
    await zhuang_caller(ami)
    await api.stack.wait(lambda: api.stack.of("QueueCallerJoin"))
    await asyncio.wait_for(hold_done.wait(), 15)

    response = await api.http.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    got = samples(response.text)
    zhuang = (("business", "pension"), ("dialect", "zhuang"))
    assert got[("hotline_calls_waiting", zhuang)] == 1
    assert got[("hotline_longest_wait_seconds", zhuang)] > 0
    assert got[("hotline_calls_waiting", (("business", "pension"), ("dialect", "mandarin")))] == 0
    assert got[("hotline_agents", (("state", "paused"),))] == 1
    assert got[("hotline_agents", (("state", "available"),))] == 0
    assert got[("hotline_router_events_total", (("event", "QueueCallerJoin"),))] == 1
    assert got[("hotline_calls_offered_total", zhuang)] == 1  # counted as the interval report counts
    assert ("hotline_calls_answered_total", zhuang) not in got  # nobody has answered it yet
    assert got[("hotline_ami_connected", ())] == 1
    assert ("hotline_ami_reconnects_total", ()) in got
    assert 0 <= got[("hotline_event_loop_lag_seconds", ())] < 5 and got[("hotline_saturated", ())] in (0, 1)
    assert got[("hotline_fastagi_session_seconds_count", (("outcome", "ok"), ("script", "hold")))] >= 1
    assert "13907712345" not in response.text


async def test_two_apps_in_one_process_have_their_own_registries(api: Api) -> None:
    other = create_app(api.service)
    other.include_router(metrics_router(api.stack.adapter, api.service, api.feed))  # no duplicate-metric error
    assert "hotline_calls_waiting" in (await api.http.get("/metrics")).text
