"""Tests' handles on sandboxes: a connected AMI client, and which sandboxes a test used, so a
failing test shows the part of each one's Asterisk log written while it ran (the hook is in
tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from ivr.ami import AmiClient
from ivr.sandbox import Sandbox

WATCHED = pytest.StashKey[list[tuple[Sandbox, int]]]()


def watch_sandbox_log(node: pytest.Item, box: Sandbox) -> None:
    node.stash.setdefault(WATCHED, []).append((box, box.log_size()))


@asynccontextmanager
async def connected_client(box: Sandbox) -> AsyncIterator[AmiClient]:
    client = AmiClient(box.ami)
    await client.connect()
    try:
        yield client
    finally:
        await client.close()
