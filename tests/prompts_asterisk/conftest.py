"""Fixtures of the prompt tests on the sandbox Asterisk: the build it plays, what it opens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ivr.sandbox import Sandbox
from tests.prompts_asterisk.opened import OpenedFiles
from tests.prompts_asterisk.support import BUILD, sounds_of


@pytest.fixture(scope="session")
def built() -> Path:
    """prompts/build, which the session sandbox plays (make test builds it first)."""
    if not (BUILD / "sounds" / "zh" / "welcome.ulaw").exists():
        pytest.fail(f"no built prompts in {BUILD}: run `make prompts` (make test does it)")
    return BUILD


@pytest.fixture
def opened_sounds(sandbox: Sandbox, built: Path) -> Iterator[OpenedFiles]:
    """Every sound file the session sandbox opens while the test runs."""
    with OpenedFiles(sounds_of(sandbox)) as opened:
        yield opened
