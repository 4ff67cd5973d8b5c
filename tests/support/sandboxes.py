"""Which sandboxes a test used, so a failing test shows the part of each one's Asterisk log
written while it ran (the hook is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from ivr.sandbox import Sandbox

WATCHED = pytest.StashKey[list[tuple[Sandbox, int]]]()


def watch_sandbox_log(node: pytest.Item, box: Sandbox) -> None:
    node.stash.setdefault(WATCHED, []).append((box, box.log_size()))
