"""Virtual hold on the real sandbox (prompts clipped: the offer's conversation is long): the
router adapter, VirtualHold over a real SQLite record store, the hold AGI with the callback
offer, and phones to call back (test-callback-phones)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest

from hotline.callbacks.policy import CallbackPolicy
from hotline.callbacks.service import VirtualHold
from hotline.db.records_store import RecordStore
from ivr.agi import AgiServer
from ivr.ami import AmiClient
from routing import Ladder, LadderStep, Requirement, RouterConfig
from routing.asterisk import hold_handler
from tests.hours.support import SHANGHAI, demo_hours
from tests.routing_asterisk.conftest import RoutingStack
from tests.support.stacks import started_stacks

OFFER_AFTER = 1.0  # seconds on hold before the ladder asks for the callback offer
# A Wednesday morning: both lines staffed (the tests' clock runs on from here).
OPEN_MOMENT = datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)


NOTICE_AFTER = 2.0  # a Zhuang caller hears the Mandarin-agent notice (after their offer)


def ladders() -> RouterConfig:
    mandarin = Ladder((LadderStep(0, Requirement.of(mandarin=3)),
                       LadderStep(OFFER_AFTER, Requirement.of(mandarin=2), offer_callback=True)))
    zhuang = Ladder((LadderStep(0, Requirement.of(zhuang=3)),
                     LadderStep(OFFER_AFTER, Requirement.of(zhuang=2), offer_callback=True),
                     LadderStep(NOTICE_AFTER, Requirement.of(mandarin=3), announce="mandarin_agent_notice")))
    return RouterConfig(ladders={("mandarin", "pension"): mandarin, ("zhuang", "pension"): zhuang}, ring_timeout=3,
                        default_wrap_up_seconds=0.2, retry_seconds=0.3, scarce_horizon_seconds=0)


def policy(**overrides: object) -> CallbackPolicy:
    settings: dict[str, object] = dict(
        dial="Local/{number}@test-callback-phones", ring_s=2, retry_delay_s=0.5, max_attempts=2,
        offer_at_estimated_wait_s=10_000, offer_when_no_agent_s=10_000, max_hold_s=600, offer_key_ms=4000)
    settings.update(overrides)
    return CallbackPolicy(**settings)  # type: ignore[arg-type]


def running_clock(start: datetime) -> Callable[[], datetime]:
    """Real time, moved to `start`: retries fall due as they would, on a staffed day."""
    offset = start - datetime.now(UTC)
    return lambda: datetime.now(UTC) + offset


class CallbackStack(RoutingStack):
    def __init__(self, ami: AmiClient, agi: AgiServer, store: RecordStore, **policy_overrides: object) -> None:
        super().__init__(ami, agi, ladders())
        self.store = store
        self.policy = policy(**policy_overrides)
        self.hold = VirtualHold(self.adapter, store, self.policy, demo_hours, languages={"mandarin": "zh"},
                                clock=running_clock(OPEN_MOMENT))
        self.hold.attach(ami)
        agi.routes["hold"] = hold_handler(self.adapter, after=self.hold.at_hold)

    async def start(self) -> None:
        await super().start()
        await self.hold.start()

    async def stop(self) -> None:
        await self.hold.stop()
        await super().stop()


@pytest.fixture
async def make_callback_stack(clipped_ami: AmiClient, agi_server: AgiServer,
                              sqlite_store: RecordStore) -> AsyncIterator:
    def build(**policy_overrides: object) -> CallbackStack:
        return CallbackStack(clipped_ami, agi_server, sqlite_store, **policy_overrides)

    async with started_stacks(clipped_ami, build, hang_up=("caller", "agents", "callback-phones")) as make:
        yield make
