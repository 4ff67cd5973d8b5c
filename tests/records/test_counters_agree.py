"""The Prometheus counters and the interval report agree for the same calls.

One morning is played through the real router core; its events feed the counters (as the
adapter's listeners do) and, through the recorder's own fold, the call records (as the
recorder does), which the interval report then reads from the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from hotline.db import records_store as db
from hotline.http.counters import QueueCounters
from hotline.http.metrics import call_counters
from hotline.records.intervals import WAIT_BUCKETS
from hotline.records.model import ROUTER_EVENTS, CallRecord, fold
from hotline.records.queries import load_intervals
from hotline.staffing.config import parse_staffing
from ivr.ami.events import Hangup
from ivr.userevents import CallbackTaken, CallStart, Hours, Origin, SelfService, ToAgent
from routing import Router
from routing.decisions import Offer
from routing.guangxi import default_config
from routing.model import Agent, Call, Party
from tests.hours.support import SHANGHAI

NINE = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
STAFFING = parse_staffing("interval_minutes: 30\nshort_abandon_s: 5\n")


class Morning:
    def __init__(self) -> None:
        self.router = Router(default_config())
        self.counters = QueueCounters(STAFFING.short_abandon_s)
        self.records: dict[str, CallRecord] = {}
        self.now = 0.0

    def at(self, seconds: float) -> datetime:
        return NINE + timedelta(seconds=seconds)

    def advance(self, to: float) -> None:
        """Fire the router's timers up to `to` (wrap-up ends, ladder steps) at their own times."""
        while (due := self.router.next_timer()) is not None and due <= to:
            self.take(self.router.tick(due), due)
        self.now = to

    def take(self, outcome, now: float) -> None:  # type: ignore[no-untyped-def]
        for event in outcome.events:
            self.counters.record(event)
            if isinstance(event, ROUTER_EVENTS) and event.call_id in self.records:
                self.records[event.call_id] = fold(self.records[event.call_id], event, self.at(now))
        for decision in outcome.decisions:
            if isinstance(decision, Offer):  # agents answer at once
                self.take(self.router.answered(decision.call_id, decision.agent_id, now), now)

    def dial(self, call_id: str, t: float, dialect: str, business: str, *, number: str = "13800000000") -> None:
        self.advance(t)
        record = None
        origin = Origin(caller_number=number)
        for event in (CallStart(call_id, origin, dialect=dialect),
                      ToAgent(call_id, origin, dialect=dialect, business=business, reason="key"),
                      Hours(call_id, origin, open="1", reason="open")):
            record = fold(record, event, self.at(t))
        assert record is not None
        self.records[call_id] = record
        self.take(self.router.arrive(Call(call_id, f"PJSIP/{call_id}", dialect, business, number, enqueue_time=t), t), t)

    def hang_up(self, call_id: str, t: float, by: Party = Party.CALLER) -> None:
        self.advance(t)
        self.take(self.router.hangup(call_id, t, by), t)
        self.records[call_id] = fold(self.records[call_id], Hangup("Local/x", call_id, "", 16, ""), self.at(t))

    def take_callback(self, call_id: str, t: float, task: int) -> None:
        self.advance(t)
        self.take(self.router.keep_place(call_id, t), t)
        self.records[call_id] = fold(self.records[call_id], CallbackTaken(call_id, task=str(task)), self.at(t))


def play() -> Morning:
    m = Morning()
    zhuang = Agent("z1", "z1", "Local/z1", {"zhuang": 5, "mandarin": 5, "pension": 4, "medical": 3})
    mandarin = Agent("m1", "m1", "Local/m1", {"mandarin": 5, "pension": 4})
    m.take(m.router.login(zhuang, 0.0), 0.0)
    m.take(m.router.login(mandarin, 0.0), 0.0)
    m.dial("c1", 10, "zhuang", "pension")  # z1 answers at once
    m.dial("c2", 20, "mandarin", "pension")  # m1 answers at once
    m.dial("c3", 30, "zhuang", "pension")
    m.hang_up("c3", 33)  # gives up after 3 s: a short abandon
    m.dial("c4", 40, "zhuang", "pension")
    m.dial("c5", 50, "mandarin", "pension")
    m.dial("c6", 60, "zhuang", "medical")
    m.take_callback("c6", 90, task=1)  # hangs up to be called back
    m.hang_up("c4", 100)  # gives up after 60 s
    m.hang_up("c2", 200, Party.AGENT)  # m1 wraps up, then takes c5
    m.hang_up("c1", 300, Party.AGENT)  # z1 wraps up, then calls c6 back
    m.advance(600)
    for call_id in ("c5", "c6"):
        m.hang_up(call_id, 900, Party.AGENT)
    m.dial("c7", 1000, "mandarin", "pension")  # m1 answers at once
    m.hang_up("c7", 1100, Party.AGENT)
    return m


def test_counters_agree_with_the_interval_report(store, hours) -> None:
    morning = play()
    store.run(lambda s: [db.save_record(s, record) for record in morning.records.values()])
    report = load_intervals(store, hours, STAFFING, default_config(), NINE, NINE + timedelta(hours=1))
    (total,) = [cell.counts for cell in report.cells if cell.level == "all"]
    c = morning.counters
    assert (total.offered, total.answered, total.abandoned, total.short_abandoned, total.callbacks) == (7, 4, 2, 1, 1)
    assert sum(c.offered.values()) == total.offered
    assert sum(c.answered.values()) == total.answered
    assert sum(c.abandoned.values()) == total.abandoned
    assert sum(c.short_abandoned.values()) == total.short_abandoned
    assert sum(c.callbacks.values()) == total.callbacks
    # per line, too
    lines = {(cell.dialect, cell.business): cell.counts for cell in report.cells if cell.level == "line"}
    for line, counts in lines.items():
        assert (c.offered[line], c.answered[line], c.abandoned[line], c.callbacks[line]) == (
            counts.offered, counts.answered, counts.abandoned, counts.callbacks), line
    # the wait histogram: the report's buckets are the counters' answered and abandoned added
    merged = [sum(h.buckets[i] for h in c.waits.values()) for i in range(len(WAIT_BUCKETS))]
    assert tuple(merged) == total.wait_le
    assert sum(h.count for h in c.waits.values()) == total.waited
    # service level as PromQL computes it from the counters equals the report's
    answered_by_20 = sum(h.buckets[WAIT_BUCKETS.index(20)] for (_, _, outcome), h in c.waits.items()
                         if outcome == "answered")
    by_counters = answered_by_20 / (sum(c.offered.values()) - sum(c.short_abandoned.values()))
    (all_cell,) = [cell for cell in report.cells if cell.level == "all"]
    assert by_counters == all_cell.service_level


def test_the_counters_as_prometheus_families() -> None:
    morning = play()
    morning.counters.self_service_ended(SelfService("c0", flow="balance", result="ok"))
    families = {family.name: family for family in call_counters(morning.counters)}
    offered = {tuple(s.labels.values()): s.value for s in families["hotline_calls_offered"].samples
               if s.name.endswith("_total")}
    assert offered == {("mandarin", "pension"): 3, ("zhuang", "pension"): 3, ("zhuang", "medical"): 1}
    inf = [s for s in families["hotline_queue_wait_seconds"].samples
           if s.name.endswith("_bucket") and s.labels["le"] == "+Inf"]
    assert sum(s.value for s in inf) == 6  # 4 answered + 2 abandoned
    assert [s.value for s in families["hotline_selfservice"].samples if s.name.endswith("_total")] == [1]
