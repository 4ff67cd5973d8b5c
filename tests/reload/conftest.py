"""A dedicated sandbox for the tests that reload its live dialplan (one for this package, so
the shared sandbox is never disturbed), with its AMI client, event log and reload settings."""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from ivr.ami import AmiClient
from ivr.dialplan.reload_settings import ReloadSettings
from tests.support.site import reload_settings
from ivr.sandbox import Sandbox
from tests.conftest import _dialplan_dirs, _sounds_dir
from tests.support.events import EventLog
from tests.support.sandboxes import connected_client


@pytest.fixture(scope="package")
def reload_box(asterisk_root: Path, agi_port: int) -> Iterator[Sandbox]:
    box = Sandbox(asterisk_root, agi_port=agi_port, dialplan_dirs=_dialplan_dirs(), sounds_dir=_sounds_dir(), name="reload")
    box.start()
    yield box
    box.remove()


@pytest.fixture
async def box_ami(reload_box: Sandbox) -> AsyncIterator[AmiClient]:
    async with connected_client(reload_box) as client:
        yield client


@pytest.fixture
async def box_events(box_ami: AmiClient) -> AsyncIterator[EventLog]:
    with EventLog(box_ami) as log:
        yield log


@pytest.fixture
def box_settings(reload_box: Sandbox, tmp_path: Path) -> ReloadSettings:
    return reload_settings(tmp_path / "var", dialplan_live_dir=reload_box.dialplan_dir,
                          asterisk_root=reload_box.root, staged_check="always")


async def listing(ami: AmiClient) -> list[tuple[str, ...]]:
    """Everything Asterisk has loaded, priority by priority: equal lists mean an unchanged dialplan."""
    result = await ami.send_list({"Action": "ShowDialPlan"})
    return sorted((m.get("Context", ""), m.get("Extension", ""), m.get("Priority", ""), m.get("Application", ""),
                   m.get("AppData", "")) for m in result.events)


def files_of(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file()}
