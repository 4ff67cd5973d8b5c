"""An "existing" Asterisk 22, set up by hand as an admin would, then given the hotline's bundle.

Deliberately no sandbox code: the files below are what an admin's Asterisk already has (a
minimal asterisk.conf, extensions.conf, manager.conf, ...), each with the one `#include` line
the bundle's INSTALL.txt asks for. Asterisk runs chrooted in the project's Asterisk root (the
Debian sid package, which created the `asterisk` user) and drops to that user (runuser).
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ivr.ami import AmiSettings
from ivr.sandbox.ports import free_sip_port, free_tcp_port, free_udp_range

MODULE_DIR = "/usr/lib/x86_64-linux-gnu/asterisk/modules"
DEBIAN_DATA = PurePosixPath("/usr/share/asterisk")


def _uid_gid(root: Path, user: str) -> tuple[int, int]:
    for line in (root / "etc/passwd").read_text().splitlines():
        fields = line.split(":")
        if fields[0] == user:
            return int(fields[2]), int(fields[3])
    raise LookupError(f"no user {user} in {root}/etc/passwd")


@dataclass
class AdminAsterisk:
    root: Path  # the Asterisk root (chroot)
    base: PurePosixPath  # the instance, as a path inside the root
    ami_port: int
    sip_port: int
    rtp: tuple[int, int]
    process: subprocess.Popen[bytes] | None = None
    tester_secret: str = secrets.token_hex(8)

    @classmethod
    def create(cls, root: Path) -> AdminAsterisk:
        base = PurePosixPath("/tmp") / f"hotline-admin-{secrets.token_hex(4)}"
        return cls(root, base, free_tcp_port(), free_sip_port(), free_udp_range(40))

    def tester(self) -> AmiSettings:
        return AmiSettings(host="127.0.0.1", port=self.ami_port, username="tester", secret=self.tester_secret)

    def host(self, path: PurePosixPath) -> Path:
        return self.root / path.relative_to("/")

    @property
    def etc(self) -> PurePosixPath:
        return self.base / "etc"

    @property
    def data(self) -> PurePosixPath:
        return self.base / "data"

    @property
    def live_dir(self) -> Path:
        """The bundle's live dialplan directory as the service (on this host) sees it."""
        return self.host(self.etc / "hotline")

    def install(self, bundle: Path, extra_dialplan: str = "", service_uid: int = 0) -> None:
        """What INSTALL.txt says (the service runs as `service_uid`), plus the admin's own
        minimal configuration."""
        uid, gid = _uid_gid(self.root, "asterisk")
        etc, data = self.host(self.etc), self.host(self.data)
        etc.mkdir(parents=True)
        for sub in ("lib", "spool", "run", "log"):
            self.host(self.base / sub).mkdir()
            os.chown(self.host(self.base / sub), uid, gid)
        shutil.copytree(bundle / "etc", etc, dirs_exist_ok=True)
        for path in etc.glob("*-hotline.conf"):
            os.chown(path, 0, gid)  # INSTALL.txt: chown root:asterisk
        for path in [self.live_dir, *self.live_dir.iterdir()]:
            os.chown(path, service_uid, gid)  # INSTALL.txt: chown -R hotline:asterisk, chmod 2750
        self.live_dir.chmod(0o2750)
        data.mkdir()
        (data / "documentation").symlink_to(DEBIAN_DATA / "documentation")
        shutil.copytree(bundle / "sounds", data / "sounds")
        if (bundle / "moh").is_dir():
            shutil.copytree(bundle / "moh", data / "moh")
        files = {
            "asterisk.conf": f"""\
[directories]
astetcdir => {self.etc}
astmoddir => {MODULE_DIR}
astvarlibdir => {self.base}/lib
astdbdir => {self.base}/lib
astkeydir => {self.base}/lib
astdatadir => {self.data}
astagidir => {DEBIAN_DATA}/agi-bin
astspooldir => {self.base}/spool
astrundir => {self.base}/run
astlogdir => {self.base}/log
astsbindir => /usr/sbin

[options]
runuser = asterisk
rungroup = asterisk
""",
            # app_senddtmf: the tests' caller presses keys with AMI PlayDTMF
            "modules.conf": f'[modules]\nautoload = no\nload => app_senddtmf.so\n#include "{self.etc}/modules-hotline.conf"\n',
            "extensions.conf": f"""\
[general]
static = yes
writeprotect = yes
clearglobalvars = yes

#include "{self.etc}/extensions-hotline.conf"
{extra_dialplan}""",
            "manager.conf": f"""\
[general]
enabled = yes
bindaddr = 127.0.0.1
port = {self.ami_port}

#include "{self.etc}/manager-hotline.conf"

; the admin's own user, which sees every event (the tests' caller listens to TestEvents)
[tester]
secret = {self.tester_secret}
deny = 0.0.0.0/0.0.0.0
permit = 127.0.0.1/255.255.255.255
read = all
write = all
""",
            "pjsip.conf": f"""\
[transport-udp]
type = transport
protocol = udp
bind = 127.0.0.1:{self.sip_port}

#include "{self.etc}/pjsip-hotline.conf"
""",
            "musiconhold.conf": f'#include "{self.etc}/musiconhold-hotline.conf"\n',
            "logger.conf": "[logfiles]\nmessages.log => notice,warning,error,verbose\n",
            "rtp.conf": f"[general]\nrtpstart = {self.rtp[0]}\nrtpend = {self.rtp[1]}\n",
        }
        for name in ("acl.conf", "cdr.conf", "cel.conf", "ccss.conf", "udptl.conf", "features.conf",
                     "indications.conf", "pjproject.conf"):
            files.setdefault(name, "")
        for name, text in files.items():
            (etc / name).write_text(text)

    def _asterisk(self, *args: str) -> list[str]:
        return ["chroot", str(self.root), "asterisk", "-C", str(self.etc / "asterisk.conf"), *args]

    def start(self, timeout: float = 30.0) -> None:
        console = open(self.host(self.base / "log") / "console.log", "ab")
        self.process = subprocess.Popen(self._asterisk("-f", "-n"), stdin=subprocess.DEVNULL, stdout=console,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        console.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:  # -rx fails until asterisk.ctl exists
            if self.process.poll() is not None:
                raise RuntimeError(f"Asterisk exited with {self.process.returncode}: {self.log_tail()}")
            done = subprocess.run(self._asterisk("-rx", "core waitfullybooted"), capture_output=True, text=True,
                                  timeout=max(1.0, deadline - time.monotonic()))
            if "fully booted" in done.stdout:
                return
            time.sleep(0.05)
        raise RuntimeError(f"Asterisk did not boot within {timeout} s: {self.log_tail()}")

    def uid(self) -> int:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
        raise LookupError("no Uid line")

    def log_tail(self, lines: int = 40) -> str:
        path = self.host(self.base / "log") / "messages.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else "(no log)"

    def remove(self) -> None:
        if self.process is not None and self.process.poll() is None:
            subprocess.run(self._asterisk("-rx", "core stop now"), capture_output=True, timeout=5)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.host(self.base), ignore_errors=True)
