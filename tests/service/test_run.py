"""`ivrctl run` as an operator runs it: comes up with its sandbox, and Ctrl-C leaves nothing behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from hotline.db.migrate import upgrade
from ivr.sandbox.ports import free_tcp_port

pytestmark = pytest.mark.asterisk
IVRCTL = Path(sys.executable).with_name("ivrctl")


def _asterisk_of(run_pid: int) -> list[str]:
    found = subprocess.run(["pgrep", "-f", f"hotline-sandbox/run-{run_pid}-"], capture_output=True, text=True)
    return found.stdout.split()


def test_run_serves_health_and_ctrl_c_stops_everything(asterisk_root: Path, tmp_path: Path) -> None:
    port = free_tcp_port()
    upgrade(f"sqlite:///{tmp_path}/hotline.db")  # as `make run` does first: run refuses an old schema
    env = {**os.environ, "HOTLINE_HTTP_PORT": str(port), "HOTLINE_AGI_PORT": "0",
           "HOTLINE_ASTERISK_ROOT": str(asterisk_root), "HOTLINE_VAR_DIR": str(tmp_path)}
    proc = subprocess.Popen([str(IVRCTL), "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        body = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:  # the port answers once uvicorn is up; until then connection refused
                body = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).json()
                if body["status"] == "ok":
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        assert body is not None and body["status"] == "ok", body
        assert _asterisk_of(proc.pid), "the sandbox Asterisk should be running"
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
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
