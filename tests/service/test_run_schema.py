"""`ivrctl run` on a database not at the head schema refuses to start, in one line, before any
Asterisk or listener is started (no sandbox is needed to see it)."""

from click.testing import CliRunner

from hotline.cli import main
from hotline.db.migrate import head_revision, upgrade


def test_run_on_an_old_database_says_to_upgrade_and_starts_nothing(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/hotline.db"
    upgrade(url, "0002_call_records")
    monkeypatch.setenv("HOTLINE_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("HOTLINE_DATABASE_URL", raising=False)
    monkeypatch.setenv("HOTLINE_ASTERISK_ROOT", str(tmp_path / "no-asterisk"))  # reached only if not refused

    result = CliRunner().invoke(main, ["run"])

    assert result.exit_code == 1, result.output
    assert result.output == (f"Error: database {url} is at schema revision 0002_call_records,"
                             f" not the head {head_revision()}: run `ivrctl db upgrade`\n")
