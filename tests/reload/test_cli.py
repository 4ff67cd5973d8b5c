"""`ivrctl dialplan reload | history | rollback` against the package's sandbox, configured
through HOTLINE_* variables as an operator would."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from hotline.cli import main
from ivr.dialplan.history import History
from tests.reload.configs import CATALOG, FAST, FAST_SWAPPED, write


@pytest.fixture
def env(reload_box, tmp_path):
    return {
        "HOTLINE_AMI_HOST": reload_box.ami.host, "HOTLINE_AMI_PORT": str(reload_box.ami.port),
        "HOTLINE_AMI_USERNAME": reload_box.ami.username, "HOTLINE_AMI_SECRET": reload_box.ami.secret,
        "HOTLINE_DIALPLAN_LIVE_DIR": str(reload_box.dialplan_dir), "HOTLINE_VAR_DIR": str(tmp_path / "var"),
        "HOTLINE_PROMPTS_DIR": str(CATALOG.parent), "HOTLINE_ASTERISK_ROOT": str(reload_box.root),
    }


def run(env, *args):
    return CliRunner(env=env).invoke(main, ["dialplan", *args])


def test_reload_history_rollback(env, tmp_path):
    fast, swapped = write(tmp_path, FAST, "fast.yaml"), write(tmp_path, FAST_SWAPPED, "swapped.yaml")
    first = run(env, "reload", "--config", str(fast), "--who", "alice")
    assert first.exit_code == 0, first.output
    second = run(env, "reload", "--config", str(swapped), "--who", "bob")
    assert second.exit_code == 0, second.output
    assert "menu main: key 1 pension -> medical" in second.stderr
    versions = [a.version for a in History(tmp_path / "var").attempts()]
    assert second.stdout.startswith(f"ok: dialplan reload version {versions[1]} (was {versions[0]})")

    back = run(env, "rollback")
    assert back.exit_code == 0, back.output
    assert back.stdout.startswith(f"ok: dialplan rollback version {versions[0]} (was {versions[1]})")

    listed = run(env, "history")
    assert listed.exit_code == 0
    rows = [line for line in listed.stdout.splitlines() if not line.startswith("    ")]
    assert [row.split()[2:5] for row in rows] == [["dialplan", "reload", "ok"], ["dialplan", "reload", "ok"], ["dialplan", "rollback", "ok"]]
    assert rows[0].endswith("alice") and rows[1].endswith("bob")


def test_reload_refused_and_busy(env, tmp_path):
    broken = write(tmp_path, FAST.replace("prompt: year", "prompt: no_such_prompt"))
    refused = run(env, "reload", "--config", str(broken))
    assert refused.exit_code == 1
    assert "prompt 'no_such_prompt' is not in the prompt catalog" in refused.stderr
    assert refused.stdout.startswith("refused: dialplan reload")

    with History(tmp_path / "var").lock():  # another process is reloading
        busy = run(env, "reload", "--config", str(write(tmp_path, FAST, "fast.yaml")))
    assert busy.exit_code == 2
    assert "not reloaded: a reload is in progress" in busy.stderr
