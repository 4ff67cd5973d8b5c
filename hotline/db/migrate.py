"""Schema migrations, from Python: `upgrade(url)` brings any database to the latest schema.

The Alembic scripts live in hotline/db/migrations inside the package, so an installed
hotline migrates without an alembic.ini. To write a new revision:
`python -c "from hotline.db.migrate import revision; revision(URL, 'what changed')"`.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL

from hotline.db.engine import make_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(url: str | URL, revision: str = "head", *, interval_thresholds: object = None) -> None:
    """`interval_thresholds` (hotline.records.intervals.Thresholds): what the interval summary's
    back-fill counts with, when a revision builds it (default: the staffing config's defaults)."""
    def run(config: Config) -> None:
        if interval_thresholds is not None:
            config.attributes["interval_thresholds"] = interval_thresholds
        command.upgrade(config, revision)
    _with_connection(url, run)


def downgrade(url: str | URL, revision: str) -> None:
    _with_connection(url, lambda config: command.downgrade(config, revision))


def revision(url: str | URL, message: str) -> None:
    """Autogenerate a new revision script by comparing the models with `url`'s schema."""
    _with_connection(url, lambda config: command.revision(config, message, autogenerate=True))


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def known_revisions() -> frozenset[str]:
    return frozenset(script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions())


def current_revision(url: str | URL) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def _with_connection(url: str | URL, run) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = _config()
            config.attributes["connection"] = connection
            run(config)
    finally:
        engine.dispose()
