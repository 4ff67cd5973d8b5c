"""Read config/hotline.yaml into a `HotlineConfig`, or say precisely why it cannot be read.

I/O happens only in `load_config`; `parse_config` turns text into a config or issues and
is pure, so tests and the reload path can feed it text directly.
"""
from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ivr.menu.issues import ConfigError, Issue, KeyPath
from ivr.menu.models import HotlineConfig
from ivr.menu.positions import SourceMap, parse_yaml


def load_config(path: str | Path) -> HotlineConfig:
    """Load and type-check the file; raises ConfigError listing every structural problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            [Issue("unreadable", (), f"cannot read the file: {error}", "check the path and that it is UTF-8 text", str(path))]
        ) from error
    return parse_config(text, str(path))


def parse_config(text: str, file: str = "") -> HotlineConfig:
    parsed = parse_yaml(text, file)
    issues = list(parsed.issues)
    if parsed.data is None and not issues:
        issues.append(Issue("empty", (), "the file holds no configuration", "start from the demo config/hotline.yaml", file, 1))
    elif parsed.data is not None and not isinstance(parsed.data, dict):
        issues.append(parsed.source.issue("wrong-type", (), "the file must be a mapping of sections", "start from the demo config/hotline.yaml"))
    if issues and (parsed.data is None or not isinstance(parsed.data, dict)):
        raise ConfigError(issues)
    try:
        config = HotlineConfig.model_validate(parsed.data)
    except ValidationError as error:
        issues.extend(_structure_issue(detail, parsed.source) for detail in error.errors())
        raise ConfigError(issues) from None
    if issues:
        raise ConfigError(issues)
    config._source = parsed.source
    return config


def _structure_issue(detail: Any, source: SourceMap) -> Issue:
    loc: KeyPath = tuple(detail["loc"])
    kind = detail["type"]
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        hint += f"allowed here: {', '.join(allowed)}" if allowed else "remove it"
        return source.issue("unknown-field", loc, f"unknown field '{loc[-1]}'", hint)
    if kind == "missing":
        return source.issue("missing-field", loc, f"required field '{loc[-1]}' is missing", f"add '{loc[-1]}:' here")
    if kind == "value_error":
        message = str(detail["msg"]).removeprefix("Value error, ")
        return source.issue("invalid-value", loc, message, "see the comments at the top of config/hotline.yaml")
    got = detail.get("input")
    shown = repr(got) if not isinstance(got, (dict, list)) else type(got).__name__
    return source.issue("wrong-type", loc, f"{detail['msg'].lower()} (got {shown})", "see the comments at the top of config/hotline.yaml")


def _fields_at(loc: KeyPath) -> list[str]:
    """Field names the model at `loc` accepts, to suggest the right spelling."""
    annotation: Any = HotlineConfig
    for part in loc:
        model = _model_in(annotation)
        if model is not None and isinstance(part, str) and part in model.model_fields:
            annotation = model.model_fields[part].annotation
            continue
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        annotation = args[-1] if args else None  # dict[str, X] -> X; list[X] -> X
    model = _model_in(annotation)
    return sorted(model.model_fields) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):  # Optional[Model]
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None
