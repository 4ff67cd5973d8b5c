"""Hostile or accidental input is refused in one line, within a time and memory budget
enforced on a real `ivrctl config check` process (an address-space limit set in the child)."""
from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "config"
IVRCTL = Path(sys.executable).with_name("ivrctl")
MEMORY_BUDGET = 1024 * 1024 * 1024  # address space: the interpreter with its libraries is ~300 MB
TIME_BUDGET_S = 30  # CPU seconds; each case takes well under one on this machine


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BUDGET, MEMORY_BUDGET))
    resource.setrlimit(resource.RLIMIT_CPU, (TIME_BUDGET_S, TIME_BUDGET_S))


def alias_bomb() -> bytes:
    """The 'billion laughs': nine levels of nine aliases, 9**9 strings from under 1 KB."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 10)]
    return ("\n".join(lines) + "\nagents: []\n").encode()


def nested(depth: int) -> bytes:
    return b"agents:\n" + b"".join(b"  " * (n + 1) + b"- \n" for n in range(depth))


# Two sites, every file of each broken a different way: each file must get its own one line.
SITES = {
    "bombs": {
        "agents.yaml": (lambda path: path.write_bytes(alias_bomb()), "aliases count as what they repeat"),
        "hotline.yaml": (lambda path: path.write_bytes(b"name: x\n" + b"# padding\n" * 220_000), "larger than the 1,048,576-byte limit"),
        "hours.yaml": (lambda path: path.write_bytes(nested(200)), "nested more than 32 levels"),
        "callbacks.yaml": (lambda path: path.write_bytes(b"enabled: true\ndial: \"PJSIP/\x00{number}\"\n"), "control character U+0000"),
        "calendar/2026.yaml": (lambda path: path.write_bytes("year: 2026\nsource: 国务院\n".encode("gbk")), "is not UTF-8"),
    },
    "not-files": {
        "agents.yaml": (lambda path: os.mkfifo(path), "a pipe, not a regular file"),
        "callbacks.yaml": (lambda path: path.mkdir(), "a directory, not a regular file"),
        "hours.yaml": (lambda path: path.write_bytes(b"lines: " + b"[" * 100_000 + b"]" * 100_000), "nest"),
    },
}


@pytest.mark.parametrize("name", list(SITES))
def test_hostile_files_are_refused_one_line_each_within_budget(tmp_path, name):
    site = tmp_path / "config"
    shutil.copytree(CONFIG, site)
    for file, (make, _) in SITES[name].items():
        (site / file).unlink()
        make(site / file)
    done = subprocess.run([str(IVRCTL), "config", "check", "--dir", str(site)], capture_output=True, text=True,
                          timeout=120, preexec_fn=_limited)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    for file, (_, words) in SITES[name].items():
        about = [line for line in done.stderr.splitlines() if line.startswith(f"{site / file}:")]
        assert len(about) == 1, (file, done.stderr)
        assert words in about[0] and ". Fix: " in about[0], about[0]
