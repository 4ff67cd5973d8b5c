"""The contexts and extensions an extensions.conf text defines, in order.

Used to check that what Asterisk loaded (ShowDialPlan) is what we rendered, and by the
tests to check the rendered structure without an Asterisk.
"""
from __future__ import annotations

import re

_CONTEXT = re.compile(r"^\[([^\]]+)\]")
_EXTEN = re.compile(r"^exten\s*=>?\s*([^,]+),")
_COMMENT = re.compile(r"(?<!\\);.*$")


def dialplan_outline(text: str) -> dict[str, list[str]]:
    """{context: [extension, ...]} with each extension once, in the order first defined."""
    outline: dict[str, list[str]] = {}
    context = None
    for raw in text.splitlines():
        line = _COMMENT.sub("", raw).strip()
        if match := _CONTEXT.match(line):
            context = match.group(1).strip()
            outline.setdefault(context, [])
        elif (match := _EXTEN.match(line)) and context is not None:
            name = match.group(1).strip()
            if name not in outline[context]:
                outline[context].append(name)
    return outline


def extension_steps(text: str, context: str, exten: str) -> list[str]:
    """The application steps (`App(args)`) of one extension, in priority order."""
    steps: list[str] = []
    current_context, current_exten = None, None
    for raw in text.splitlines():
        line = _COMMENT.sub("", raw).strip()
        if match := _CONTEXT.match(line):
            current_context, current_exten = match.group(1).strip(), None
        elif match := _EXTEN.match(line):
            current_exten = match.group(1).strip()
            if (current_context, current_exten) == (context, exten):
                steps.append(line.split(",", 2)[2])
        elif line.startswith("same") and (current_context, current_exten) == (context, exten):
            steps.append(line.split(",", 1)[1])
    return steps
