"""`ivrctl run` as an operator runs it: comes up with its sandbox, survives its Asterisk dying,
and Ctrl-C leaves nothing behind (nor does a run killed before it)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from collections.abc import Callable

import httpx
import pytest

from hotline.db.migrate import upgrade
from ivr.sandbox.ports import free_tcp_port

pytestmark = pytest.mark.asterisk
IVRCTL = Path(sys.executable).with_name("ivrctl")


def _asterisk_of(run_pid: int) -> list[str]:
    found = subprocess.run(["pgrep", "-f", f"hotline-sandbox/run-{run_pid}-"], capture_output=True, text=True)
    return found.stdout.split()


def _instances(root: Path, run_pid: int) -> list[Path]:
    return list((root / "var/lib/hotline-sandbox").glob(f"run-{run_pid}-*"))


def _health(port: int) -> dict | None:
    try:  # the port answers once uvicorn is up; until then connection refused
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).json()
    except httpx.TransportError:
        return None


def _wait_health(port: int, proc: subprocess.Popen, ok: Callable[[dict], bool], timeout: float = 30) -> dict | None:
    deadline, body = time.monotonic() + timeout, None
    while time.monotonic() < deadline and proc.poll() is None:
        body = _health(port)
        if body is not None and ok(body):
            return body
        time.sleep(0.1)  # an HTTP poll of another process: there is no event to wait for
    return body


def _stale_instance(root: Path) -> Path:
    """An instance directory as a `make run` killed with SIGKILL leaves it (its pid is gone)."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = root / "var/lib/hotline-sandbox" / f"run-{gone.pid}-dead00"
    (stale / "log").mkdir(parents=True)
    (stale / "log" / "messages.log").write_text("left by a killed run\n")
    return stale


def test_run_serves_health_and_ctrl_c_stops_everything(asterisk_root: Path, tmp_path: Path) -> None:
    port = free_tcp_port()
    stale = _stale_instance(asterisk_root)
    upgrade(f"sqlite:///{tmp_path}/hotline.db")  # as `make run` does first: run refuses an old schema
    env = {**os.environ, "HOTLINE_HTTP_PORT": str(port), "HOTLINE_AGI_PORT": "0",
           "HOTLINE_ASTERISK_ROOT": str(asterisk_root), "HOTLINE_VAR_DIR": str(tmp_path)}
    proc = subprocess.Popen([str(IVRCTL), "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = _wait_health(port, proc, lambda b: b["status"] == "ok")
        assert body is not None and body["status"] == "ok", body
        assert _asterisk_of(proc.pid), "the sandbox Asterisk should be running"
        assert not stale.exists(), "a killed run's instance directory is removed at start"

        # kill -9 of its Asterisk: restarted, AMI reconnected, /health green again, the log kept
        (first,) = _asterisk_of(proc.pid)
        os.kill(int(first), signal.SIGKILL)
        body = _wait_health(port, proc, lambda b: b["status"] == "ok" and b["ami"]["reconnects"] >= 1)
        assert body is not None and body["status"] == "ok" and body["ami"]["reconnects"] >= 1, body
        assert _asterisk_of(proc.pid) not in ([], [first])
        (report,) = (tmp_path / "asterisk-crashes").iterdir()
        assert "exited with -9 (SIGKILL)" in (report / "README").read_text()
        assert "Asterisk 22." in (report / "messages.log").read_text()

        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=20)[0].decode()
        assert proc.returncode == 0, output
        assert "stopping the sandbox Asterisk" in output
        # the softphone line, and the agents' demo secrets generated into the var dir, never printed
        assert "Call the hotline: sip:12333@127.0.0.1:" in output
        secrets_file = tmp_path / "sip-demo-secrets"
        assert secrets_file.stat().st_mode & 0o777 == 0o600
        demo = [line.split(" = ")[1] for line in secrets_file.read_text().splitlines() if " = " in line]
        assert len(demo) == 5 and not [secret for secret in demo if secret in output]
        assert _asterisk_of(proc.pid) == []
        assert _instances(asterisk_root, proc.pid) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
