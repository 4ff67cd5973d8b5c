"""Does what Asterisk loaded match what we rendered? Pure comparisons of dialplan outlines.

`loaded` is what ShowDialPlan lists, as {context: {extension: ["App(data)", ...]}}.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ivr.dialplan import names
from ivr.dialplan.outline import dialplan_outline

Loaded = dict[str, dict[str, list[str]]]

_VERSION_SET = re.compile(rf"Set\(__{names.CONFIG_VERSION}=([0-9a-f]+)\)")


def loaded_from_listing(events: Iterable[Mapping[str, str]]) -> Loaded:
    """ShowDialPlan's ListDialplan events -> {context: {exten: steps}} (priority order as listed)."""
    loaded: Loaded = {}
    for event in events:
        if event.get("Event") != "ListDialplan" or not event.get("Extension"):
            continue  # includes and switches come as events without an extension
        steps = loaded.setdefault(event["Context"], {}).setdefault(event["Extension"], [])
        steps.append(f"{event.get('Application', '')}({event.get('AppData', '')})")
    return loaded


def missing_parts(files: Mapping[str, str], loaded: Loaded) -> list[str]:
    """Every context and extension of the rendered files that Asterisk has not loaded."""
    problems = []
    for name, text in sorted(files.items()):
        for context, extensions in dialplan_outline(text).items():
            if context not in loaded:
                problems.append(f"context {context} (from {name}) is not loaded")
                continue
            problems += [f"extension {exten} of context {context} (from {name}) is not loaded"
                         for exten in extensions if exten not in loaded[context]]
    return problems


def entry_version(loaded: Loaded) -> str | None:
    """The config version new calls start on: what hotline-entry's s extension sets."""
    for step in loaded.get(names.ENTRY_CONTEXT, {}).get("s", []):
        if match := _VERSION_SET.fullmatch(step):
            return match.group(1)
    return None


def file_version(entry_text: str | None) -> str | None:
    """The version a hotline-entry.conf text starts calls on."""
    if entry_text is None:
        return None
    match = _VERSION_SET.search(entry_text)
    return match.group(1) if match else None


def verify_loaded(files: Mapping[str, str], version: str, loaded: Loaded) -> list[str]:
    """Problems with a reload of `files` (version `version`); empty when all is loaded."""
    problems = missing_parts(files, loaded)
    running = entry_version(loaded)
    if names.ENTRY_FILE in files and running != version:
        problems.append(f"{names.ENTRY_CONTEXT} starts calls on version {running or 'none'}, not {version}")
    return problems
