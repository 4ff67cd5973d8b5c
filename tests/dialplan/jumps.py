"""Where the rendered dialplan jumps (Goto, GotoIf, Gosub), for structural tests."""
from __future__ import annotations

import re

_LINE = re.compile(r"^(?:exten\s*=>\s*([^,]+),[^,(]+|\s*same\s*=>\s*n)(?:\(([^)]+)\))?,(.*)$")


def steps_by_place(text: str) -> list[tuple[str, str, str | None, str]]:
    """(context, extension, label, step) for every priority."""
    found, context, exten = [], None, None
    for raw in text.splitlines():
        line = raw.split(";", 1)[0].rstrip() if not raw.lstrip().startswith(";") else ""
        if line.startswith("["):
            context = line[1 : line.index("]")]
        elif match := _LINE.match(line):
            exten = match.group(1) or exten
            found.append((context, exten, match.group(2), match.group(3)))
    return found


def jump_targets(step: str, context: str, exten: str) -> list[tuple[str, str, str]]:
    """(context, extension, priority-or-label) each jump in `step` can lead to."""
    app, _, args = step.partition("(")
    args = args[: args.rindex(")")] if ")" in args else args
    if app == "ExecIf":
        inner = args.split("?", 1)[1]
        return jump_targets(inner, context, exten)
    if app == "GotoIf":
        choices = args.rsplit("?", 1)[1].split(":")
        return [_place(choice, context, exten) for choice in choices if choice]
    if app in ("Goto", "Gosub"):
        return [_place(re.sub(r"\(.*\)$", "", args), context, exten)]
    return []


def _place(target: str, context: str, exten: str) -> tuple[str, str, str]:
    parts = target.split(",")
    if len(parts) == 1:
        return context, exten, parts[0]
    if len(parts) == 2:
        return context, parts[0], parts[1]
    return parts[0], parts[1], parts[2]
