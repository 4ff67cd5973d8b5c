"""GET /metrics in Prometheus' text format, from a registry of its own (one per app, so two apps
in one process, as in tests, never collide).

Gauges are read from the router's books at scrape time (nothing to keep in step); counters come
from the live feed's event counts, the AMI client, the calls' own counters per dialect and
business line (hotline.http.counters: the interval report's definitions) and the reload history;
FastAGI session durations are observed as sessions end; the database is checked at each scrape.
Open to scrapers without a token: nothing here names a caller or an agent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from hotline.http.counters import QueueCounters
from hotline.http.live import LiveFeed
from hotline.records.intervals import WAIT_BUCKETS
from hotline.service import HotlineService
from ivr.dialplan.history import History
from routing import AgentState
from routing.asterisk import RouterAdapter

AGI_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class ReloadCounts:
    """Dialplan reloads by result, from the append-only reload history (re-read when it grows)."""

    def __init__(self, history: Callable[[], History | None]) -> None:
        self.history = history
        self._seen: tuple[int, int] | None = None
        self.by_result: Counter[str] = Counter()

    def read(self) -> Counter[str]:
        history = self.history()
        if history is None:
            return self.by_result
        try:
            stat = history.log_path.stat()
        except OSError:
            return self.by_result
        if (stat.st_size, stat.st_mtime_ns) != self._seen:
            try:
                self.by_result = Counter(attempt.result for attempt in history.attempts("dialplan"))
                self._seen = (stat.st_size, stat.st_mtime_ns)
            except (OSError, ValueError, TypeError):
                pass  # a torn last line: keep the last good count
        return self.by_result


class HotlineCollector(Collector):
    def __init__(self, adapter: RouterAdapter, feed: LiveFeed, service: HotlineService,
                 counters: QueueCounters | None = None, reloads: ReloadCounts | None = None) -> None:
        self.adapter, self.feed, self.service = adapter, feed, service
        self.counters, self.reloads = counters, reloads
        self.database_reachable: bool | None = None  # set by the endpoint before each scrape

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
        if self.service.recording_state is not None:
            yield GaugeMetricFamily("hotline_recording_available", "1 while agent calls can be recorded (storage "
                                    "writable with room); 0: calls go on unrecorded",
                                    value=int(self.service.recording_state()[0]))
        if self.service.recordings_failed is not None:
            yield CounterMetricFamily("hotline_recordings_failed", "Call recordings that ended with no usable file "
                                      "(Asterisk could not write it)", value=self.service.recordings_failed())
        if self.database_reachable is not None:
            yield GaugeMetricFamily("hotline_database_reachable", "1 if the call-records database answered the "
                                    "last scrape's check", value=int(self.database_reachable))
        if self.counters is not None:
            yield from call_counters(self.counters)
        if self.reloads is not None:
            reloads = CounterMetricFamily("hotline_dialplan_reloads", "Dialplan reloads and rollbacks by result",
                                          labels=["result"])
            for result, count in sorted(self.reloads.read().items()):
                reloads.add_metric([result], count)
            yield reloads


def call_counters(counters: QueueCounters) -> Iterator[Metric]:
    labels = ["dialect", "business"]
    for name, help_text, table in (
            ("hotline_calls_offered", "Callers who joined a line's queue", counters.offered),
            ("hotline_calls_answered", "Callers an agent answered while they held", counters.answered),
            ("hotline_calls_abandoned", "Callers who hung up before an agent answered", counters.abandoned),
            ("hotline_calls_short_abandoned", "Abandons within the short-abandon threshold", counters.short_abandoned),
            ("hotline_callbacks", "Callers who took a callback to keep their place", counters.callbacks)):
        family = CounterMetricFamily(name, help_text, labels=labels)
        for line, count in sorted(table.items()):
            family.add_metric(list(line), count)
        yield family
    waits = HistogramMetricFamily("hotline_queue_wait_seconds", "Queue wait of answered and abandoned callers",
                                  labels=["dialect", "business", "outcome"])
    for key, histogram in sorted(counters.waits.items()):
        buckets = [(f"{bound:g}", count) for bound, count in zip(WAIT_BUCKETS, histogram.buckets, strict=True)]
        waits.add_metric(list(key), buckets + [("+Inf", histogram.count)], histogram.total)
    yield waits
    flows = CounterMetricFamily("hotline_selfservice", "Self-service flows run, by flow and result",
                                labels=["flow", "result"])
    for (flow, result), count in sorted(counters.self_service.items()):
        flows.add_metric([flow, result], count)
    yield flows


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
                   counters: QueueCounters | None = None, reloads: ReloadCounts | None = None,
                   access: Any = None) -> APIRouter:
    feed = feed or LiveFeed.attach(adapter)
    registry = CollectorRegistry()
    collector = HotlineCollector(adapter, feed, service, counters, reloads)
    registry.register(collector)
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
