"""The one settings object: HOTLINE_* read once at ivrctl's edge, every path from one site."""
from __future__ import annotations

import ast
import shutil

import pytest
from click.testing import CliRunner

from hotline.cli import main
from hotline.db.settings import ConfigurationError
from hotline.settings import Settings
from tests.support.site import CATALOG, CONFIG_DIR, REPO


def test_every_path_derives_from_the_site_directory(tmp_path):
    settings = Settings.from_env({"HOTLINE_SITE_DIR": str(tmp_path)})
    assert settings.config_path == tmp_path / "config" / "hotline.yaml"
    assert settings.hours_path.parent == settings.agents_path.parent == settings.callbacks_path.parent \
        == tmp_path / "config"
    assert settings.tokens_file == tmp_path / "var" / "tokens.json"
    assert settings.database().resolved_url() == f"sqlite:///{tmp_path}/var/hotline.db"
    assert settings.catalog_path == tmp_path / "prompts" / "catalog.yaml"
    assert settings.reload().var_dir == tmp_path / "var"


def test_one_part_can_move_and_the_rest_stays_in_the_site(tmp_path):
    settings = Settings.from_env({"HOTLINE_SITE_DIR": str(tmp_path / "site"), "HOTLINE_VAR_DIR": str(tmp_path / "v")})
    assert settings.tokens_file == tmp_path / "v" / "tokens.json"
    assert settings.presence_file.parent == settings.reload().var_dir == tmp_path / "v"
    assert settings.config_dir == tmp_path / "site" / "config"


def test_in_a_checkout_the_site_is_the_checkout():
    settings = Settings.from_env({})
    assert settings.config_path == REPO / "config" / "hotline.yaml"
    assert settings.dialplans_dir == REPO / "dialplans"


@pytest.mark.parametrize(("environ", "words"), [
    ({"HOTLINE_DATABSE_URL": "postgresql://h/db"}, "HOTLINE_DATABSE_URL is not a hotline setting (did you mean HOTLINE_DATABASE_URL?)"),
    ({"HOTLINE_CONFIG_PATH": "/etc/hotline/hotline.yaml"}, "HOTLINE_CONFIG_PATH is no longer read: set HOTLINE_CONFIG_DIR"),
    ({"HOTLINE_AMI_PORT": "five"}, "HOTLINE_AMI_PORT: Input should be a valid integer"),
    ({"HOTLINE_ASTERISK_MODE": "remote"}, "HOTLINE_ASTERISK_MODE: Input should be 'sandbox' or 'external'"),
    ({"HOTLINE_CLUSTER": "1"}, "HOTLINE_CLUSTER: Value error, an active/standby pair shares its lease in PostgreSQL"),
    ({"HOTLINE_CLUSTER": "1", "HOTLINE_DATABASE_URL": "sqlite:////tmp/x.db"},
     "HOTLINE_CLUSTER: Value error, an active/standby pair shares its lease in PostgreSQL"),
])
def test_a_wrong_variable_is_refused_in_one_line(environ, words):
    with pytest.raises(ConfigurationError, match="^" + words.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        Settings.from_env(environ)
    result = CliRunner(env=environ).invoke(main, ["calendar", "check", "2026-10-01"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {words}") and result.output.count("\n") == 1, result.output
    assert "Traceback" not in result.output


BROKEN = "dialects: [mandarin\n"


def test_dialplan_check_reads_the_config_reload_would_load(tmp_path):
    """`ivrctl dialplan check` used to read ./config/hotline.yaml whatever the environment said,
    while `reload` and `run` honoured it: check could pass a file that was not the one loaded."""
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    (config / "hotline.yaml").write_text(BROKEN, encoding="utf-8")
    env = {"HOTLINE_CONFIG_DIR": str(config), "HOTLINE_PROMPTS_DIR": str(CATALOG.parent)}

    result = CliRunner(env=env).invoke(main, ["dialplan", "check", "--quiet"])

    assert result.exit_code == 1, result.output
    assert f"{config / 'hotline.yaml'}:" in result.output
    assert Settings.from_env(env).reload().config_path == config / "hotline.yaml"


def test_dialplan_check_passes_the_site_it_is_pointed_at(tmp_path):
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    env = {"HOTLINE_CONFIG_DIR": str(config), "HOTLINE_PROMPTS_DIR": str(CATALOG.parent)}
    result = CliRunner(env=env).invoke(main, ["dialplan", "check", "--quiet"])
    assert result.exit_code == 0, result.output


def test_no_module_reads_the_environment_but_ivrctl_main():
    """Configuration as values passed in: the environment is read at the edge only."""
    readers = []
    for package in ("hotline", "ivr", "routing"):
        for path in sorted((REPO / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
                    readers.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert [reader.split(":")[0] for reader in readers] == ["hotline/cli.py"], readers
