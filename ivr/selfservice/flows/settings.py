"""How the self-service flows behave: script names, tries, timeouts. Pure data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

from ivr.menu.models import HotlineConfig

FLOWS = ("balance", "card_loss", "card_status")


def utc_now() -> datetime:
    return datetime.now(UTC)


def never() -> bool:
    return False


@dataclass(frozen=True)
class FlowSettings:
    # flow id -> FastAGI script name (config/hotline.yaml `self_service:`); flows missing
    # here are not served.
    scripts: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({flow: flow for flow in FLOWS})
    )
    id_tries: int = 3  # ID number entries (invalid, unknown or none) before an agent
    entry_misses: int = 3  # PIN entries that are not six digits, or silence, before an agent
    option_tries: int = 3  # plays of a key menu (balance options, loss confirmation)
    first_key_ms: int = 8000  # GET DATA: silence allowed after a prompt before the first key
    # Asterisk's GET DATA applies one timeout to the first key and between keys.
    option_key_ms: int = 5000
    backend_timeout: float = 5.0  # seconds for one backend call, on top of its own limit
    report_channel: str = "ivr"  # how loss reports made here are marked
    clock: Callable[[], datetime] = utc_now
    # Whether the service is saturated now (ivr.agi.load): a new caller is then told so and
    # offered an agent instead of starting the flow, so callers already in one go first.
    overloaded: Callable[[], bool] = never

    def __post_init__(self) -> None:
        unknown = set(self.scripts) - set(FLOWS)
        if unknown:
            raise ValueError(f"unknown self-service flows: {sorted(unknown)} (known: {FLOWS})")
        if min(self.id_tries, self.entry_misses, self.option_tries) < 1:
            raise ValueError("tries must be at least 1")

    @classmethod
    def from_config(cls, config: HotlineConfig, **overrides: object) -> FlowSettings:
        """Script names as the hotline configuration's `self_service:` section names them."""
        # Flows this package does not implement are left to whoever serves them.
        scripts = {f: flow.agi for f, flow in config.self_service.items() if f in FLOWS}
        return cls(scripts=MappingProxyType(scripts), **overrides)  # type: ignore[arg-type]
