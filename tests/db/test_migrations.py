from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from hotline.db.engine import make_engine
from hotline.db.migrate import current_revision, downgrade, head_revision, upgrade
from hotline.db.models import Base


def schema_differences(url):
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    return differences


def table_names(url):
    engine = make_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def test_upgrade_from_empty_builds_exactly_the_models(empty_database_url):
    assert current_revision(empty_database_url) is None
    upgrade(empty_database_url)
    assert current_revision(empty_database_url) == head_revision() is not None
    assert schema_differences(empty_database_url) == []


def test_upgrade_twice_is_harmless_and_downgrade_empties(empty_database_url):
    upgrade(empty_database_url)
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")
    assert table_names(empty_database_url) <= {"alembic_version"}
    upgrade(empty_database_url)
    assert {t.name for t in Base.metadata.sorted_tables} <= table_names(empty_database_url)
