"""A Kamailio process for development and tests: config checked, then run in the foreground.

Production runs Debian's kamailio service with the rendered files installed under
/etc/kamailio; this runner is for `make`-style clusters on one machine and for the tests.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ivr.kamailio.render import FrontDoor, render_dispatcher_list, render_kamailio_cfg

KAMAILIO = shutil.which("kamailio") or "/usr/sbin/kamailio"
KAMCMD = shutil.which("kamcmd") or "/usr/sbin/kamcmd"


class KamailioError(RuntimeError):
    pass


def write_front_door(door: FrontDoor, cfg: Path) -> None:
    """Render both files; the dispatcher list goes where the config says it is."""
    cfg.parent.mkdir(parents=True, exist_ok=True)
    Path(door.dispatcher_list).parent.mkdir(parents=True, exist_ok=True)
    Path(door.dispatcher_list).write_text(render_dispatcher_list(door))
    cfg.write_text(render_kamailio_cfg(door))


def check_config(cfg: Path) -> None:
    """`kamailio -c`: refuse a config Kamailio would not start with, in its own words."""
    done = subprocess.run([KAMAILIO, "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if "ERROR" in line or "CRITICAL" in line]
        raise KamailioError(f"{cfg}: kamailio refused the config: {' | '.join(errors[-3:]) or done.stderr[-300:]}")


@dataclass(frozen=True)
class Destination:
    uri: str
    node: str
    flags: str  # A active, I inactive, D disabled; P probing

    @property
    def active(self) -> bool:
        return self.flags.startswith("A")


class Kamailio:
    """One Kamailio in the foreground (-DD), logging to a file in its work directory."""

    def __init__(self, door: FrontDoor, workdir: Path) -> None:
        self.door = door
        self.workdir = workdir
        self.cfg = workdir / "kamailio.cfg"
        self.log = workdir / "kamailio.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> tuple[str, int]:
        return self.door.listen_host, self.door.listen_port

    def start(self, timeout: float = 15.0) -> None:
        write_front_door(self.door, self.cfg)
        check_config(self.cfg)
        Path(self.door.runtime_dir).mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [KAMAILIO, "-f", str(self.cfg), "-DD", "-E", "-Y", self.door.runtime_dir,
                 "-w", str(self.workdir), "-m", "32", "-M", "8"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise KamailioError(f"kamailio exited with {self.process.returncode}: {self.log_tail()}")
            try:
                self.destinations()
                return
            except KamailioError:
                time.sleep(0.1)  # its control socket is not up yet: nothing to wait on but time
        self.stop()
        raise KamailioError(f"kamailio did not answer on its control socket in {timeout} s: {self.log_tail()}")

    def rpc(self, *command: str) -> str:
        done = subprocess.run([KAMCMD, "-s", f"unix:{self.door.runtime_dir}/kamailio_ctl", *command],
                              capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            raise KamailioError(f"kamcmd {' '.join(command)}: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout

    def destinations(self) -> list[Destination]:
        """The dispatcher's view of the media nodes (`kamcmd dispatcher.list`)."""
        text = self.rpc("dispatcher.list")
        found = re.findall(r"URI: (\S+)\s+FLAGS: (\S+).*?DUID: (\S+)", text, re.S)
        return [Destination(uri, node, flags) for uri, flags, node in found]

    def log_tail(self, lines: int = 20) -> str:
        if not self.log.exists():
            return "(no log)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
