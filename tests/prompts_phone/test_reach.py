"""Callers cannot reach the recorder line: no jump from where the 12333 number lands leads to it."""
from __future__ import annotations

from pathlib import Path

from tests.dialplan.jumps import jump_targets, steps_by_place

DIALPLANS = Path(__file__).resolve().parents[2] / "dialplans"


def reachable_contexts(start: str) -> set[str]:
    steps = [s for path in sorted(DIALPLANS.glob("*.conf")) + sorted(DIALPLANS.glob("generated/*.conf"))
             for s in steps_by_place(path.read_text(encoding="utf-8"))]
    seen, pending = set(), [start]
    while pending:
        context = pending.pop()
        if context in seen:
            continue
        seen.add(context)
        for where, exten, _label, step in steps:
            if where == context:
                pending += [target for target, _e, _p in jump_targets(step, where, exten)]
    return seen


def test_the_recorder_line_is_reached_from_staff_phones_only():
    assert "hotline-recorder" in reachable_contexts("hotline-staff")
    from_callers = reachable_contexts("hotline-entry")
    assert len(from_callers) > 5  # the walk does follow the menus
    assert "hotline-recorder" not in from_callers and "hotline-staff" not in from_callers
