"""Fixtures every test stands on: one sandbox Asterisk per session, AMI and FastAGI per test.

The sandbox runs the project's dialplans plus tests/dialplans. A failing test gets the part
of Asterisk's log written while it ran, as a report section.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from ivr.agi import AgiServer
from ivr.ami import AmiClient
from ivr.pjsip import AgentPhone, pjsip_name
from ivr.sandbox import Sandbox
from ivr.sandbox.ports import free_tcp_port
from ivr.sandbox.runner import remove_stale_instances
from routing.asterisk import load_roster
from tests.support.events import EventLog
from tests.support.sandboxes import WATCHED, connected_client, watch_sandbox_log

pytest_plugins = ["tests.support.databases", "tests.support.clipped", "tests.support.cluster", "pytester"]

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_ROOT = Path.home() / ".cache/hotline12333/asterisk-root"
CRASH_REPORTS = PROJECT / "test-artifacts" / "asterisk-crashes"


@pytest.fixture(scope="session")
def asterisk_root() -> Path:
    root = Path(os.environ.get("HOTLINE_ASTERISK_ROOT", DEFAULT_ROOT))
    if not (root / ".complete").exists():
        pytest.fail(f"no Asterisk root at {root}: run `make asterisk` (make test does it)")
    remove_stale_instances(root)  # left by test runs that were killed
    return root


@pytest.fixture(scope="session")
def agi_port() -> int:
    return free_tcp_port()


def _dialplan_dirs() -> list[Path]:
    return [PROJECT / "dialplans", PROJECT / "tests" / "dialplans"]


@pytest.fixture(scope="session")
def sip_phones() -> tuple[AgentPhone, ...]:
    """A phone for every agent in config/agents.yaml, with secrets made up for this session."""
    import secrets

    roster = load_roster(PROJECT / "config" / "agents.yaml")
    names = [name for agent in roster.values() if (name := pjsip_name(agent.endpoint))]
    return tuple(AgentPhone(name, secrets.token_urlsafe(12)) for name in names)


def _sounds_dir() -> Path | None:
    built = PROJECT / "prompts" / "build" / "sounds"
    return built if built.is_dir() else None


@pytest.fixture(scope="session")
def sandbox(asterisk_root: Path, agi_port: int, sip_phones: tuple[AgentPhone, ...]) -> Iterator[Sandbox]:
    box = Sandbox(asterisk_root, agi_port=agi_port, dialplan_dirs=_dialplan_dirs(),
                  sounds_dir=_sounds_dir(), name="tests", sip_phones=sip_phones)
    box.start()
    yield box
    box.remove()


@pytest.fixture
def make_sandbox(request: pytest.FixtureRequest, asterisk_root: Path, agi_port: int) -> Iterator[Callable[..., Sandbox]]:
    """Dedicated sandboxes for tests that stop, freeze or restart Asterisk."""
    made: list[Sandbox] = []

    def make(**kwargs: object) -> Sandbox:
        box = Sandbox(asterisk_root, agi_port=kwargs.pop("agi_port", agi_port),  # type: ignore[arg-type]
                      dialplan_dirs=_dialplan_dirs(), name="fault", **kwargs)  # type: ignore[arg-type]
        made.append(box)
        watch_sandbox_log(request.node, box)
        box.start()
        return box

    yield make
    for box in made:
        box.remove()


@pytest.fixture(autouse=True)
def _watch_sandbox_log(request: pytest.FixtureRequest) -> Iterator[None]:
    """Show the Asterisk log of a failing test; and if a session sandbox died (Asterisk has
    crashed here once), keep its core file and log, start it again and fail only this test."""
    boxes: list[Sandbox] = [request.getfixturevalue(name) for name in ("sandbox", "clipped_sandbox")
                            if name in request.fixturenames]
    for box in boxes:
        if not box.running():  # died between tests: this test did nothing wrong
            _revive(box)
        watch_sandbox_log(request.node, box)
    yield
    dead = [box for box in boxes if not box.running()]
    reports = [_revive(box) for box in dead]
    if reports:
        pytest.fail(f"the session's sandbox Asterisk died during this test and was restarted; its core "
                    f"file and log are in {', '.join(map(str, reports))}", pytrace=False)


def _revive(box: Sandbox) -> Path:
    report = box.crash_report(CRASH_REPORTS)
    box.process = None
    box.start()
    return report


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.failed and report.when in ("setup", "call"):
        for box, offset in item.stash.get(WATCHED, []):
            report.sections.append((f"Asterisk log: {box.layout.base.name}", box.log_tail(150, since=offset)))


@pytest.fixture
async def ami(sandbox: Sandbox) -> AsyncIterator[AmiClient]:
    async with connected_client(sandbox) as client:
        yield client


@pytest.fixture
async def events(ami: AmiClient) -> AsyncIterator[EventLog]:
    with EventLog(ami) as log:
        yield log


@pytest.fixture
async def agi_server(agi_port: int) -> AsyncIterator[AgiServer]:
    """A FastAGI server on the port the sandbox's HOTLINE_AGI points at; tests add routes."""
    server = AgiServer({}, port=agi_port, read_timeout=5.0)
    await server.start()
    yield server
    await server.close()
