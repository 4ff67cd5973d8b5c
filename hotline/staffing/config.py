"""config/staffing.yaml: service-level targets per phone line, the short-abandon threshold,
the report interval, shrinkage and forecast weeks. Read through the site's configuration layer
(ivr.menu.loader.parse_model): bounded, unknown keys refused with a did-you-mean, every problem
one line, file:line: key.path."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hotline.shipped import shipped
from hotline.staffing.erlang import Target
from ivr.menu.limits import ReadLimits, read_config_text
from ivr.menu.loader import parse_model

DEFAULT_STAFFING_PATH = shipped("config/staffing.yaml")


class LineTarget(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    level: float = Field(gt=0, lt=1)
    within_s: float = Field(ge=0, le=3600)


class StaffingConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    interval_minutes: Literal[15, 30] = 30
    short_abandon_s: float = Field(5.0, ge=0, le=600)
    targets: dict[str, LineTarget] = Field(default_factory=lambda: {"default": LineTarget(level=0.8, within_s=20)})
    shrinkage: float = Field(0.30, ge=0, lt=1)
    forecast_weeks: int = Field(6, ge=1, le=52)

    def target(self, line: str) -> Target:
        chosen = self.targets.get(line) or self.targets.get("default") or LineTarget(level=0.8, within_s=20)
        return Target(chosen.level, chosen.within_s)


def parse_staffing(text: str, file: str = "", limits: ReadLimits | None = None) -> StaffingConfig:
    return parse_model(text, file, StaffingConfig, "config/staffing.yaml", limits)


def load_staffing(path: str | Path = DEFAULT_STAFFING_PATH, limits: ReadLimits | None = None) -> StaffingConfig:
    """Read through the configuration layer (bounded, UTF-8, regular files only); ConfigError
    lists every problem as file:line: key.path."""
    return parse_staffing(read_config_text(path, limits), str(path), limits)
