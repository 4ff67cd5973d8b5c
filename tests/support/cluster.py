"""One local cluster per test session (Kamailio, two sandbox nodes, the registrar's tables in a
PostgreSQL database of its own): starting one costs seconds, and the suite has a time budget.

Its nodes send FastAGI to the session's agi_port, so a test's `agi_server` serves them; the
agents' phones are the session's `sip_phones` (extension -> a secret made up for the session).
Tests that kill a part of it build their own (ivr.kamailio.local.LocalCluster). Tests may
reload the nodes' dialplan (tests/reload/test_cluster_reload.py): one that needs particular
menus loads them itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from ivr.kamailio.local import LocalCluster
from ivr.pjsip import AgentPhone

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PROJECT = Path(__file__).resolve().parents[2]


def create_kamailio_database() -> str:
    name = f"kamailio_test_{secrets.token_hex(5)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def drop_kamailio_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def cluster(asterisk_root: Path, agi_port: int, sip_phones: tuple[AgentPhone, ...],
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    db_url = create_kamailio_database()
    built = PROJECT / "prompts" / "build" / "sounds"
    local = LocalCluster(asterisk_root, tmp_path_factory.mktemp("cluster"), db_url, agi_port,
                         phones={p.name: p.secret for p in sip_phones},
                         dialplan_dirs=[PROJECT / "dialplans", PROJECT / "tests" / "dialplans"],
                         sounds_dir=built if built.is_dir() else None,
                         ami_secret=secrets.token_urlsafe(18))  # one AMI account on both, as a site has
    try:
        local.start()
        yield local
    finally:
        local.stop()
        drop_kamailio_database(db_url)
