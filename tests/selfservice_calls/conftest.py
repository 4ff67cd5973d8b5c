"""The self-service flows on a real Asterisk with real databases.

- `clipped_sandbox` (tests/support/clipped.py): prompts cut to their first 20 ms, so a flow's
  many prompts do not make each call last a minute. (One integration test in this directory
  uses the shared sandbox with the full prompts, through the generated menus.)
- `seeded_url`: a migrated, demo-seeded SQLite file or PostgreSQL database (each test runs on
  both); `backend`: a SqlBackend on it; `flows`: the flows' routes on the FastAGI server.
- Every test is checked afterwards: no Python log record, AMI event or Asterisk log line of
  the test holds a demo ID number or PIN.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.db.backend import SqlBackend
from hotline.db.seed import DEMO_PERSONS
from ivr.agi import AgiServer
from ivr.selfservice.flows import FlowSettings, routes



def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        uses = set(getattr(item, "fixturenames", ()))
        if Path(item.path).is_relative_to(here) and uses & {"clipped_sandbox", "sandbox"}:
            item.add_marker(pytest.mark.asterisk)


# --- databases ----------------------------------------------------------------------------
@pytest.fixture
def backend(seeded_url: str, id_hash_key: bytes, pin_hash_key: bytes) -> Iterator[SqlBackend]:
    backend = SqlBackend.from_url(seeded_url, id_hash_key=id_hash_key, pin_hash_key=pin_hash_key, workers=4, timeout=3.0)
    yield backend
    backend.close()


@pytest.fixture
def flows(agi_server: AgiServer, backend: SqlBackend) -> AgiServer:
    agi_server.routes.update(routes(backend, FlowSettings()))
    return agi_server


# --- privacy: checked after every test here ----------------------------------------------
def _secrets() -> list[re.Pattern[str]]:
    patterns = []
    for person in DEMO_PERSONS:
        keyed = person.id_number.replace("X", "*")
        patterns += [re.escape(person.id_number), re.escape(keyed), re.escape(person.id_number.lower())]
        patterns.append(rf"(?<!\d){person.pin}(?!\d)")  # a PIN is six digits standing alone
    return [re.compile(p) for p in patterns]


SECRETS = _secrets()


def leaks(text: str) -> list[str]:
    return [pattern.pattern for pattern in SECRETS if pattern.search(text)]


@pytest.fixture(autouse=True)
def _no_caller_secrets_anywhere(request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level("DEBUG")
    boxes = [request.getfixturevalue(name) for name in ("clipped_sandbox", "sandbox") if name in request.fixturenames]
    event_logs = [request.getfixturevalue(name) for name in ("clipped_events", "events") if name in request.fixturenames]
    starts = [box.log_size() for box in boxes]
    if not boxes:  # a pure test: no call, nothing to scan
        yield
        return
    yield
    records = caplog.get_records("setup") + caplog.get_records("call")
    logs = {"python log": "\n".join(_formatter.format(r) for r in records)}
    for number, log in enumerate(event_logs):
        logs[f"AMI events {number}"] = "\n".join(repr(dict(m)) for m in log.events)
    for box, start in zip(boxes, starts, strict=True):
        logs[f"Asterisk log {box.layout.base.name}"] = box.log_tail(10**6, since=start)
    assert all(logs.values()), f"nothing recorded to scan in {[k for k, v in logs.items() if not v]}"
    found = {where: hits for where, text in logs.items() if (hits := leaks(text))}
    assert not found, f"caller secrets leaked: {found}"


_formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
