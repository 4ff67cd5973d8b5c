import asyncio
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from hotline.db.backend import SqlBackend
from hotline.cli import main
from hotline.db.migrate import current_revision, head_revision, upgrade
from hotline.db.seed import SeedConflict, seed_demo
from tests.support.site import site_settings
from ivr.selfservice import PinAccepted, parse_keypad_entry, parse_pin

from .support import create_pg_database, drop_pg_database


def test_upgrade_then_seed_demo_on_the_embedded_default(tmp_path):
    settings = site_settings(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["db", "upgrade"], obj=settings)
    assert result.exit_code == 0, result.output
    assert current_revision(f"sqlite:///{tmp_path}/hotline.db") == head_revision()
    first, again = (runner.invoke(main, ["db", "seed-demo"], obj=settings),
                    runner.invoke(main, ["db", "seed-demo"], obj=settings))
    assert "added 4 demo persons" in first.output and "added 0 demo persons" in again.output

    # The hotline, configured the same way, finds the demo person ending in X by keypad.
    backend = SqlBackend.from_settings(settings.database())
    try:

        async def call():
            person = await backend.identify(parse_keypad_entry("45010219780615103*#"))
            return await backend.verify_pin(person, parse_pin("246813"), datetime.now(UTC))

        assert asyncio.run(call()) == PinAccepted()
    finally:
        backend.close()


def test_seed_demo_on_postgresql_needs_the_key(tmp_path):
    url = create_pg_database()
    try:
        refused = CliRunner().invoke(main, ["db", "seed-demo"], obj=site_settings(tmp_path, database_url=url))
        assert refused.exit_code != 0
        keyed = site_settings(tmp_path, database_url=url, id_hash_key="cd" * 32)
        assert CliRunner().invoke(main, ["db", "seed-demo"], obj=keyed).exit_code != 0  # the PIN key is needed too
        keyed = site_settings(tmp_path, database_url=url, id_hash_key="cd" * 32, pin_hash_key="ef" * 32)
        done = CliRunner().invoke(main, ["db", "seed-demo"], obj=keyed)
        assert done.exit_code == 0 and "added 4 demo persons" in done.output, done.output
    finally:
        drop_pg_database(url)


def test_reseeding_under_another_key_is_a_clear_error(tmp_path):
    url = f"sqlite:///{tmp_path}/hotline.db"
    upgrade(url)
    assert seed_demo(url, b"k" * 32, b"p" * 32) == 4
    with pytest.raises(SeedConflict, match="different ID-hash key"):
        seed_demo(url, b"j" * 32, b"p" * 32)
