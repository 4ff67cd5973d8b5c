"""config/staffing.yaml: service-level targets per phone line, the short-abandon threshold,
the report interval, shrinkage and forecast weeks. Refused as hotline.yaml is: every problem in
one line each, file:line: key.path: what is wrong. Fix: how."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hotline.shipped import shipped
from hotline.staffing.erlang import Target
from ivr.menu.issues import ConfigError, Issue
from ivr.menu.positions import SourceMap, parse_yaml

DEFAULT_STAFFING_PATH = shipped("config/staffing.yaml")
MAX_BYTES = 64 * 1024  # a planning file is a few lines; anything bigger is not one


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


def parse_staffing(text: str, file: str = "") -> StaffingConfig:
    if len(text) > MAX_BYTES:
        raise ConfigError([Issue("too-big", (), f"the file is over {MAX_BYTES} bytes",
                                 "start from the demo config/staffing.yaml", file, 1)])
    parsed = parse_yaml(text, file)
    issues = list(parsed.issues)
    data = parsed.data if parsed.data is not None else {}
    if not isinstance(data, dict):
        issues.append(parsed.source.issue("wrong-type", (), "the file must be a mapping",
                                          "start from the demo config/staffing.yaml"))
        raise ConfigError(issues)
    try:
        config = StaffingConfig.model_validate(data)
    except ValidationError as error:
        issues.extend(_issue(detail, parsed.source) for detail in error.errors())
    if issues:
        raise ConfigError(issues)
    return config


def load_staffing(path: str | Path = DEFAULT_STAFFING_PATH) -> StaffingConfig:
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([Issue("unreadable", (), f"cannot read the file: {error}",
                                 "check the path and that it is UTF-8 text", str(path))]) from None
    return parse_staffing(text, str(path))


def _issue(detail: Any, source: SourceMap) -> Issue:
    loc = tuple(detail["loc"])
    if detail["type"] == "extra_forbidden":
        return source.issue("unknown-field", loc, f"unknown field '{loc[-1]}'",
                            "see the comments in config/staffing.yaml for the fields")
    got = detail.get("input")
    shown = repr(got) if not isinstance(got, (dict, list)) else type(got).__name__
    message = str(detail["msg"]).removeprefix("Value error, ").lower()
    return source.issue("invalid-value", loc, f"{message} (got {shown})", "see the comments in config/staffing.yaml")
