"""GET /metrics in Prometheus' text format, from a registry of its own (one per app, so two apps
in one process, as in tests, never collide).

Gauges are read from the router's books at scrape time (nothing to keep in step); counters come
from the live feed's event counts and the AMI client; FastAGI session durations are observed as
sessions end. Open to scrapers without a token: nothing here names a caller or an agent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from hotline.http.live import LiveFeed
from hotline.service import HotlineService
from routing import AgentState
from routing.asterisk import RouterAdapter

AGI_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class HotlineCollector(Collector):
    def __init__(self, adapter: RouterAdapter, feed: LiveFeed, service: HotlineService) -> None:
        self.adapter, self.feed, self.service = adapter, feed, service

    def collect(self) -> Iterator[Metric]:
        books, now = self.adapter.router, self.adapter.clock()
        labels = ["dialect", "business"]
        waiting = GaugeMetricFamily("hotline_calls_waiting", "Callers not yet talking to an agent", labels=labels)
        longest = GaugeMetricFamily("hotline_longest_wait_seconds", "Longest current wait (0: nobody waiting)",
                                    labels=labels)
        level = GaugeMetricFamily("hotline_service_level_ratio",
                                  "Today's calls answered within 20 s over calls answered (absent before one)",
                                  labels=labels)
        for line in books.line_stats(now):
            key = [line.dialect, line.business]
            waiting.add_metric(key, line.waiting + line.offered)
            longest.add_metric(key, line.longest_wait or 0.0)
            today = self.feed.today.line((line.dialect, line.business), now).service_level
            if today is not None:
                level.add_metric(key, today)
        yield from (waiting, longest, level)

        states = Counter(view.state.value for view in books.agent_views())
        agents = GaugeMetricFamily("hotline_agents", "Logged-in agents by state", labels=["state"])
        for state in AgentState:
            if state is not AgentState.LOGGED_OUT:
                agents.add_metric([state.value], states.get(state.value, 0))
        yield agents

        events = CounterMetricFamily("hotline_router_events", "Router events (its decisions and what they led to)",
                                     labels=["event"])
        for kind, count in sorted(self.feed.counts.items()):
            events.add_metric([kind], count)
        yield events

        ami = self.service.ami
        yield CounterMetricFamily("hotline_ami_reconnects", "AMI connections lost and re-established",
                                  value=ami.reconnects)
        yield GaugeMetricFamily("hotline_ami_connected", "1 while the AMI connection is up", value=int(ami.is_connected))
        yield GaugeMetricFamily("hotline_fastagi_active_sessions", "FastAGI sessions in progress",
                                value=self.service.agi.stats.active)
        yield GaugeMetricFamily("hotline_event_loop_lag_seconds",
                                "How late the service's event loop ran, worst of the last second",
                                value=self.service.loop_lag.recent())
        yield GaugeMetricFamily("hotline_saturated", "1 while new self-service callers are offered an agent instead",
                                value=int(self.service.saturated()))


def observe_fastagi_sessions(service: HotlineService, histogram: Histogram) -> None:
    """Chain onto the AgiServer's session-end callback (keeping any callback already there)."""
    agi = service.agi
    previous = agi._on_session_end  # the server takes the callback at construction only

    def ended(script: str, seconds: float, outcome: str) -> None:
        histogram.labels(script=script, outcome=outcome).observe(seconds)
        if previous is not None:
            previous(script, seconds, outcome)

    agi._on_session_end = ended


def metrics_router(adapter: RouterAdapter, service: HotlineService, feed: LiveFeed | None = None, *,
                   access: Any = None) -> APIRouter:
    feed = feed or LiveFeed.attach(adapter)
    registry = CollectorRegistry()
    registry.register(HotlineCollector(adapter, feed, service))
    agi_seconds = Histogram("hotline_fastagi_session_seconds", "FastAGI session duration by script and outcome",
                            ["script", "outcome"], buckets=AGI_BUCKETS, registry=registry)
    observe_fastagi_sessions(service, agi_seconds)
    router = APIRouter(tags=["metrics"])
    dependencies = [Depends(access)] if access else []

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response, dependencies=dependencies,
                responses={200: {"content": {CONTENT_TYPE_LATEST: {"example": "hotline_calls_waiting{dialect=\"zhuang\","
                                                                              "business=\"pension\"} 3.0\n"}}}})
    async def get_metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
