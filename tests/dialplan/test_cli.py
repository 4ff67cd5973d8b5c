"""`dialplan check`: validates, renders to stdout or a directory, refuses broken configs."""
from __future__ import annotations

import click
from click.testing import CliRunner

from ivr.dialplan import names
from ivr.dialplan.cli import dialplan
from hotline.cli import main  # noqa: F401  (ivrctl's dialplan check: the site-wide one)
from tests.menu.samples import SMALL, edit, line_of, write_catalog, write_config, write_site_files


def run(*args: str):
    return CliRunner().invoke(dialplan, list(args))


def test_check_prints_the_dialplan(tmp_path):
    config, catalog = write_config(tmp_path, SMALL), write_catalog(tmp_path)
    write_site_files(tmp_path)
    result = run("check", "--config", str(config), "--catalog", str(catalog))
    assert result.exit_code == 0, result.output
    assert "-menu-ss_card]" in result.stdout and "[hotline-entry]" in result.stdout
    assert "ok: config version" in result.stderr


def test_check_writes_files_to_a_directory(tmp_path):
    config, catalog = write_config(tmp_path, SMALL), write_catalog(tmp_path)
    write_site_files(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "hotline-v000000000000.conf").write_text("; an older version\n")
    result = run("check", "--config", str(config), "--catalog", str(catalog), "--out", str(out))
    assert result.exit_code == 0, result.output
    version = result.stderr.rsplit("config version ", 1)[1].strip()
    assert sorted(path.name for path in out.iterdir()) == [names.ENTRY_FILE, names.version_file(version)]
    assert (out / names.ENTRY_FILE).read_text().startswith(";---")
    assert result.stdout == ""


def test_check_refuses_with_file_line_and_path(tmp_path):
    text = edit(SMALL, '"2": {goto: ss_card}', '"2": {goto: sscard}')
    config, catalog = write_config(tmp_path, text), write_catalog(tmp_path)
    write_site_files(tmp_path)
    result = run("check", "--config", str(config), "--catalog", str(catalog), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"{config}:{line_of(text, 'sscard')}: menus.main.keys.2.goto: menu 'sscard' does not exist" in result.stderr
    assert "refused: 2 errors" in result.stderr  # the dangling goto, and ss_card now unreachable
    assert not (tmp_path / "out").exists()


def test_the_group_takes_more_commands():
    @dialplan.command("probe-extra")
    def probe() -> None:
        click.echo("extra")

    try:
        assert run("probe-extra").stdout == "extra\n"
    finally:
        dialplan.commands.pop("probe-extra")
