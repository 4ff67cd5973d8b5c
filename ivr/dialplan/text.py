"""Small builders for extensions.conf text: extensions, comments, UserEvents.

Everything that reaches the dialplan from the config has been validated as a plain name;
free text (titles) only ever appears in comments, flattened to one line so it cannot end
the comment and start dialplan.
"""
from __future__ import annotations

from ivr.dialplan import names


def comment(text: str = "") -> str:
    flat = " ".join(text.splitlines()).rstrip()  # keep inner spacing (tables), never a line break
    return f"; {flat}" if flat else ";"


def extension(name: str, steps: list[str]) -> list[str]:
    """`exten => name,1,...` then `same => n,...`. A step written `(label)App(...)` gets a label."""
    lines = []
    for index, step in enumerate(steps):
        label = ""
        if step.startswith("("):
            label, step = step[: step.index(")") + 1], step[step.index(")") + 1 :]
        if index == 0:
            lines.append(f"exten => {name},1{label},{step}")
        else:
            lines.append(f" same => n{label},{step}")
    return lines


def user_event(name: str, *fields: tuple[str, str]) -> str:
    """UserEvent with CallID first. Values are names or channel variables, never caller data."""
    body = ",".join(f"{key}: {value}" for key, value in (("CallID", var(names.CALL_ID)), *fields))
    return f"UserEvent({name},{body})"


def var(name: str) -> str:
    return "${" + name + "}"


def set_inherited(name: str, value: str) -> str:
    return f"Set(__{name}={value})"
