"""Read config/hotline.yaml into a `HotlineConfig`, or say precisely why it cannot be read.

I/O happens only in `load_config`; `parse_config` turns text into a config or issues and
is pure, so tests and the reload path can feed it text directly.
"""
from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ivr.menu.issues import ConfigError, Issue, KeyPath
from ivr.menu.limits import ReadLimits, read_config_text
from ivr.menu.models import HotlineConfig
from ivr.menu.positions import SourceMap, parse_yaml

Model = TypeVar("Model", bound=BaseModel)


def load_config(path: str | Path, limits: ReadLimits | None = None) -> HotlineConfig:
    """Load and type-check the file; raises ConfigError listing every structural problem."""
    return parse_config(read_config_text(path, limits), str(path), limits)


def parse_config(text: str, file: str = "", limits: ReadLimits | None = None) -> HotlineConfig:
    config = parse_model(text, file, HotlineConfig, "config/hotline.yaml", limits)
    return config


def parse_model(text: str, file: str, model: type[Model], demo: str, limits: ReadLimits | None = None) -> Model:
    """Any configuration file: bounded YAML, duplicate keys refused, then `model` (strict:
    unknown fields refused with a did-you-mean). Every problem of the file in one ConfigError;
    the model's private `_source` (when it has one) gets the file's lines for later checks."""
    parsed = parse_yaml(text, file, limits)
    issues = list(parsed.issues)
    if parsed.data is None and not issues:
        issues.append(Issue("empty", (), "the file holds no configuration", f"start from the demo {demo}", file, 1))
    elif parsed.data is not None and not isinstance(parsed.data, dict):
        issues.append(parsed.source.issue("wrong-type", (), "the file must be a mapping of sections", f"start from the demo {demo}"))
    if issues and (parsed.data is None or not isinstance(parsed.data, dict)):
        raise ConfigError(issues)
    try:
        config = model.model_validate(parsed.data)
    except ValidationError as error:
        issues.extend(structure_issue(detail, parsed.source, model, demo) for detail in error.errors())
        raise ConfigError(issues) from None
    if issues:
        raise ConfigError(issues)
    if "_source" in (model.__private_attributes__ or {}):
        config._source = parsed.source  # type: ignore[attr-defined]
    return config


def structure_issue(detail: Any, source: SourceMap, root: type[BaseModel] = HotlineConfig, demo: str = "config/hotline.yaml") -> Issue:
    loc: KeyPath = tuple(detail["loc"])
    kind = detail["type"]
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1], root)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        hint += f"allowed here: {', '.join(allowed)}" if allowed else "remove it"
        return source.issue("unknown-field", loc, f"unknown field '{loc[-1]}'", hint)
    if kind == "missing":
        return source.issue("missing-field", loc, f"required field '{loc[-1]}' is missing", f"add '{loc[-1]}:' here")
    if kind == "value_error":
        message = str(detail["msg"]).removeprefix("Value error, ")
        return source.issue("invalid-value", loc, message, f"see the comments at the top of {demo}")
    got = detail.get("input")
    shown = repr(got) if not isinstance(got, (dict, list)) else type(got).__name__
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return source.issue("wrong-type", loc, f"{detail['msg'].lower()} (got {shown})", f"see the comments at the top of {demo}")


def _fields_at(loc: KeyPath, root: type[BaseModel] = HotlineConfig) -> list[str]:
    """Field names the model at `loc` accepts, to suggest the right spelling."""
    annotation: Any = root
    for part in loc:
        model = _model_in(annotation)
        named = {(f.alias or n): f for n, f in model.model_fields.items()} if model is not None else {}
        if isinstance(part, str) and part in named:
            annotation = named[part].annotation
            continue
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        annotation = args[-1] if args else None  # dict[str, X] -> X; list[X] -> X
    model = _model_in(annotation)
    return sorted(f.alias or n for n, f in model.model_fields.items()) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):  # Optional[Model]
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None
