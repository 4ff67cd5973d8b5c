"""No traceback from ivrctl on an operator's mistake: each one, run as a real process, ends in
one line saying what to do and a non-zero exit (issue 16, point 7)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path


from hotline.db.migrate import upgrade

IVRCTL = Path(sys.executable).with_name("ivrctl")
CONFIG = Path(__file__).resolve().parents[2] / "config"
UNREACHABLE = "postgresql://nobody@127.0.0.1:1/hotline"  # nothing listens on port 1


def cases(tmp: Path) -> dict[str, tuple[dict[str, str], list[str], str]]:
    """name -> (HOTLINE_* variables, arguments, words of the one line)."""
    migrated, empty = tmp / "migrated", tmp / "empty"
    broken = tmp / "broken-config"
    return {
        "db upgrade, a URL that is not one": ({"HOTLINE_DATABASE_URL": "not-a-url"}, ["db", "upgrade"], "database URL is not usable"),
        "db upgrade, database unreachable": ({"HOTLINE_DATABASE_URL": UNREACHABLE}, ["db", "upgrade"], "cannot use the database"),
        "db upgrade, unknown revision": ({"HOTLINE_VAR_DIR": str(empty)}, ["db", "upgrade", "--revision", "nope"], "Can't locate revision"),
        "report on an unmigrated database": ({"HOTLINE_VAR_DIR": str(empty)}, ["report", "satisfaction", "--quarter", "2026Q4"],
                                             "run `ivrctl db upgrade` first"),
        "prompts outside a site": ({"HOTLINE_SITE_DIR": str(empty)}, ["prompts", "build"], "catalog.yaml: No such file"),
        "run with a broken config": ({"HOTLINE_VAR_DIR": str(migrated), "HOTLINE_CONFIG_DIR": str(broken)}, ["run"],
                                     "agents.0.proficiences: unknown field"),
        "run without an Asterisk root": ({"HOTLINE_VAR_DIR": str(migrated), "HOTLINE_ASTERISK_ROOT": str(tmp / "nowhere")}, ["run"],
                                         "no Asterisk root"),
        "run with PostgreSQL down": ({"HOTLINE_DATABASE_URL": UNREACHABLE}, ["run"], "cannot use the database"),
        "a misspelt setting": ({"HOTLINE_DATABSE_URL": "x"}, ["config", "check"], "did you mean HOTLINE_DATABASE_URL"),
    }


# One child process runs every case through ivrctl's own entry point, each with its own
# environment and output: a process start costs seconds of CPU on this machine, nine of them
# would be most of a minute. A case that raises past ivrctl prints its traceback, as ivrctl would.
DRIVER = """
import contextlib, io, json, os, sys, traceback
from hotline.cli import main
results = {}
for name, (variables, args) in json.loads(sys.stdin.read()).items():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    os.environ.clear(); os.environ.update({**clean, **variables})
    out, err, code = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main.main(args, prog_name="ivrctl", standalone_mode=True)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        except BaseException:
            traceback.print_exc()
            code = -1
    results[name] = [code, out.getvalue() + err.getvalue()]
print(json.dumps(results))
"""


def test_operator_mistakes_end_in_one_line_and_a_non_zero_exit(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "migrated").mkdir()
    upgrade(f"sqlite:///{tmp_path / 'migrated' / 'hotline.db'}")
    shutil.copytree(CONFIG, tmp_path / "broken-config")
    agents = tmp_path / "broken-config" / "agents.yaml"
    agents.write_text(agents.read_text(encoding="utf-8").replace("proficiencies:", "proficiences:", 1), encoding="utf-8")
    table = cases(tmp_path)
    clean = {name: value for name, value in os.environ.items() if not name.startswith("HOTLINE_")}
    done = subprocess.run([sys.executable, "-c", DRIVER], input=json.dumps({n: [v, a] for n, (v, a, _) in table.items()}),
                          env=clean, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout.splitlines()[-1])
    failures = []
    for name, (code, output) in results.items():
        lines = [line for line in output.splitlines() if line.strip()]
        if code in (0, -1) or "Traceback" in output or len(lines) != 1 or table[name][2] not in lines[0]:
            failures.append(f"{name}: exit {code}, output:\n{output}")
    assert failures == [], "\n\n".join(failures)


def test_version():
    done = subprocess.run([str(IVRCTL), "--version"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("ivrctl, version ")
