"""The start-up schema check, on real SQLite files and PostgreSQL databases."""

import pytest
from sqlalchemy import create_engine, text

from hotline.db.migrate import head_revision, known_revisions, upgrade
from hotline.db.schema_check import SchemaNotCurrent, masked, require_head_schema, schema_problem

from .support import create_pg_database, drop_pg_database

OLD = "0002_call_records"  # the revision before 0003_callback_place


def test_the_head_revision_may_be_served():
    assert schema_problem("db", "0003_callback_place", "0003_callback_place") is None


def test_an_old_revision_names_the_database_both_revisions_and_the_fix():
    assert schema_problem("db", OLD, "0003_callback_place") == (
        "database db is at schema revision 0002_call_records, not the head 0003_callback_place:"
        " run `ivrctl db upgrade`")


def test_an_empty_database_is_said_to_have_no_schema():
    assert schema_problem("db", None, "0003_callback_place") == (
        "database db has no schema (empty), not the head 0003_callback_place: run `ivrctl db upgrade`")


def test_a_revision_newer_than_this_version_is_not_told_to_upgrade():
    known = frozenset({OLD, "0003_callback_place"})
    assert schema_problem("db", "0009_later", "0003_callback_place", known) == (
        "database db is at schema revision 0009_later, which this version of the hotline does not"
        " know (head 0003_callback_place): run the hotline version that migrated it")
    assert schema_problem("db", OLD, "0003_callback_place", known).endswith("run `ivrctl db upgrade`")


def test_the_known_revisions_run_from_the_first_to_the_head():
    assert {OLD, head_revision()} <= known_revisions()


def test_masked_hides_the_password_only():
    assert masked("postgresql://hotline:s3cret@db-host/hotline") == "postgresql://hotline:***@db-host/hotline"


def test_an_old_database_is_refused(empty_database_url):
    upgrade(empty_database_url, OLD)
    with pytest.raises(SchemaNotCurrent) as refused:
        require_head_schema([empty_database_url])
    assert str(refused.value) == (f"database {masked(empty_database_url)} is at schema revision {OLD},"
                                  f" not the head {head_revision()}: run `ivrctl db upgrade`")


def test_an_empty_database_is_refused(empty_database_url):
    with pytest.raises(SchemaNotCurrent, match=r"has no schema \(empty\).*run `ivrctl db upgrade`"):
        require_head_schema([empty_database_url])


def test_a_head_database_passes(empty_database_url):
    upgrade(empty_database_url)
    require_head_schema([empty_database_url, empty_database_url])


def test_every_database_is_checked_not_only_the_first(empty_database_url, tmp_path):
    current = f"sqlite:///{tmp_path}/current.db"
    upgrade(current)
    upgrade(empty_database_url, OLD)
    with pytest.raises(SchemaNotCurrent, match=OLD):
        require_head_schema([current, empty_database_url])


@pytest.mark.postgres
def test_the_refusal_never_shows_the_password():
    url = create_pg_database()
    try:  # trust auth on the test server ignores the password, so the URL still connects
        with_password = url.replace("postgres@", "postgres:s3cret@", 1)
        with pytest.raises(SchemaNotCurrent) as refused:
            require_head_schema([with_password])
        assert "s3cret" not in str(refused.value) and "postgres:***@" in str(refused.value)
    finally:
        drop_pg_database(url)


def test_a_database_migrated_by_a_newer_hotline_is_refused_without_the_upgrade_advice(empty_database_url):
    upgrade(empty_database_url)
    engine = create_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0009_later'"))
    engine.dispose()
    with pytest.raises(SchemaNotCurrent, match="does not know") as refused:
        require_head_schema([empty_database_url])
    assert "ivrctl db upgrade" not in str(refused.value)
