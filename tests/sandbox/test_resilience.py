"""A dead sandbox Asterisk: the development service restarts it and keeps its core file and
log; the test session restarts its shared one and fails only the test that was running; a
killed run's instance directory does not outlive it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ivr.sandbox import Sandbox
from ivr.sandbox.keeper import SandboxKeeper
from ivr.sandbox.runner import INSTANCES_DIR, remove_stale_instances

pytestmark = pytest.mark.asterisk
PROJECT = Path(__file__).resolve().parents[2]


def test_a_crashed_sandbox_is_restarted_with_its_core_file_and_log_kept(asterisk_root: Path, tmp_path: Path) -> None:
    restarted = threading.Event()
    box = Sandbox(asterisk_root, agi_port=1, name="keeper")
    keeper = SandboxKeeper(box, tmp_path / "crashes", on_restart=lambda report: restarted.set())
    keeper.start()
    try:
        first = box.pid
        os.kill(first, signal.SIGSEGV)  # what the libc fault seen in a test run did to it
        assert restarted.wait(30), "the keeper did not restart the sandbox"
        assert box.running() and box.pid != first
        assert "fully booted" in box.cli("core waitfullybooted")
        (report,) = (tmp_path / "crashes").iterdir()
        kept = {p.name for p in report.iterdir()}
        assert {"messages.log", "README"} <= kept, kept
        if Path("/proc/sys/kernel/core_pattern").read_text().strip() == "core":  # relative: the instance's
            assert "core" in kept, kept
        assert "(SIGSEGV)" in (report / "README").read_text()
    finally:
        keeper.stop()
    assert not box.host_path(box.layout.base).exists()


def test_stale_instances_of_dead_runs_go_and_live_ones_stay(asterisk_root: Path, sandbox: Sandbox) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    instances = asterisk_root / str(INSTANCES_DIR).lstrip("/")
    stale = instances / f"run-{gone.pid}-0000aa"
    (stale / "etc").mkdir(parents=True)
    # an Asterisk that missed its parent-death signal, as seen once: it stands for one here
    orphan = subprocess.Popen([sys.executable, "-c", "import time; print(flush=True); time.sleep(60)",
                               "-C", f"{INSTANCES_DIR}/{stale.name}/etc/asterisk.conf"],
                              stdout=subprocess.PIPE)
    # its command line is the one to find only once it has exec'd: wait for its first line
    assert orphan.stdout is not None and orphan.stdout.readline() == b"\n"
    try:
        assert remove_stale_instances(asterisk_root) == [stale.name]
        assert orphan.wait(5) == -signal.SIGTERM
    finally:
        if orphan.poll() is None:
            orphan.kill()
            orphan.wait()
    assert not stale.exists()
    assert sandbox.host_path(sandbox.layout.base).is_dir()  # this session's own, alive


def test_the_session_restarts_a_dead_shared_sandbox_and_fails_only_the_running_test(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, asterisk_root: Path) -> None:
    pytester.makeconftest('pytest_plugins = ["tests.conftest"]\n')
    pytester.makepyfile(test_dies="""
        import os, signal

        def test_during_which_asterisk_dies(sandbox):
            os.kill(sandbox.pid, signal.SIGKILL)
            sandbox.process.wait()

        def test_after_it(sandbox):
            assert "Asterisk 22." in sandbox.cli("core show version")
    """)
    monkeypatch.setenv("PYTHONPATH", str(PROJECT))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # seconds of imports it does not need
    monkeypatch.setenv("HOTLINE_ASTERISK_ROOT", str(asterisk_root))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", timeout=120)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_during_which_asterisk_dies*",
                                 "*sandbox Asterisk died during this test and was restarted*"])
