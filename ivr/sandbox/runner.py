"""Start, watch and stop a sandbox Asterisk inside the Debian root that `make asterisk` builds.

Asterisk runs chrooted into that root, so everything it reads (config, dialplans, prompts)
is copied into a private instance directory inside the root. The chroot shares the host's
network, so AMI, FastAGI and SIP on 127.0.0.1 connect both ways.
"""

from __future__ import annotations

import ctypes
import logging
import os
import resource
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath

from ivr.ami.settings import AmiSettings
from ivr.sandbox.config import (
    DEBIAN_DATA_DIR,
    LINKED_DATA,
    SandboxLayout,
    SandboxPorts,
    render_config_set,
)
from ivr.pjsip import AgentPhone
from ivr.sandbox.ports import free_sip_port, free_tcp_port, free_udp_range

log = logging.getLogger(__name__)

INSTANCES_DIR = PurePosixPath("/var/lib/hotline-sandbox")
_PR_SET_PDEATHSIG = 1


class SandboxError(RuntimeError):
    """The sandbox could not be started or answered wrongly; the message carries its log."""


def _die_with_parent() -> None:
    # Asterisk gets SIGTERM if the process that started it dies, so a killed test run or a
    # crashed `make run` leaves no Asterisk behind. (Tied to the starting thread: start
    # sandboxes from a thread that lives as long as they should.)
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    os.setsid()  # Ctrl-C in a terminal reaches us, and we stop Asterisk in order.


def _enter_instance(root: str, base: str) -> Callable[[], None]:
    """Run Asterisk chrooted with its working directory in its instance directory, allowed
    to dump core: with the kernel's default core pattern (a relative `core`), a crash leaves
    its core file beside the instance's log, for a bug report."""
    def enter() -> None:
        _die_with_parent()
        soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
        os.chroot(root)
        os.chdir(base)
    return enter


class Sandbox:
    def __init__(
        self,
        root: Path,
        *,
        agi_port: int,
        dialplan_dirs: Iterable[Path] = (),
        sounds_dir: Path | None = None,
        moh_dir: Path | None = None,
        name: str = "sandbox",
        extra_files: Mapping[str, str] | None = None,
        sip_phones: Sequence[AgentPhone] = (),
        ami_event_filter: Sequence[str] = (),
    ) -> None:
        self.root = Path(root)
        self.agi_port = agi_port
        self.dialplan_dirs = [Path(d) for d in dialplan_dirs]
        self.sounds_dir = sounds_dir
        self.moh_dir = moh_dir
        self.extra_files = dict(extra_files or {})
        self.sip_phones = tuple(sip_phones)
        self.ami_event_filter = tuple(ami_event_filter)  # manager.conf eventfilter lines; none: all
        self.layout = SandboxLayout(INSTANCES_DIR / f"{name}-{os.getpid()}-{secrets.token_hex(3)}")
        self.ports = SandboxPorts(free_tcp_port(), free_sip_port(), *free_udp_range(40))
        self.ami = AmiSettings(
            host="127.0.0.1",
            port=self.ports.ami,
            username="hotline",
            secret=secrets.token_urlsafe(18),
        )
        self.process: subprocess.Popen[bytes] | None = None

    # paths -----------------------------------------------------------------------------
    def host_path(self, path: PurePosixPath) -> Path:
        return self.root / str(path).lstrip("/")

    @property
    def dialplan_dir(self) -> Path:
        """Where the live dialplan files of this instance are, on the host."""
        return self.host_path(self.layout.dialplan)

    @property
    def log_file(self) -> Path:
        return self.host_path(self.layout.log) / "messages.log"

    @property
    def pid(self) -> int:
        if self.process is None:
            raise SandboxError("sandbox is not running")
        return self.process.pid

    # lifecycle -------------------------------------------------------------------------
    def prepare(self) -> None:
        """Write the instance directory: config, dialplans, data links. Idempotent."""
        if not (self.root / "usr/sbin/asterisk").exists():
            raise SandboxError(f"no Asterisk root at {self.root}: run `make asterisk`")
        base = self.host_path(self.layout.base)
        for sub in ("etc", "etc/dialplan", "data", "lib", "spool", "run", "log"):
            (base / sub).mkdir(parents=True, exist_ok=True)
        files = render_config_set(
            self.layout,
            self.ports,
            agi_url=f"agi://127.0.0.1:{self.agi_port}",
            ami_username=self.ami.username,
            ami_secret=self.ami.secret,
            sip_phones=self.sip_phones,
            ami_event_filter=self.ami_event_filter,
        )
        files.update(self.extra_files)
        for name, text in files.items():
            (base / "etc" / name).write_text(text)
        self.install_dialplans(self.dialplan_dirs)
        self._link_data(base / "data")

    def install_dialplans(self, dirs: Iterable[Path]) -> None:
        """Copy every *.conf of the given directories (and their generated/ subdirectory)."""
        for d in dirs:
            for src in sorted(d.glob("*.conf")) + sorted(d.glob("generated/*.conf")):
                shutil.copy2(src, self.dialplan_dir / src.name)

    def _link_data(self, data: Path) -> None:
        debian_data = self.host_path(DEBIAN_DATA_DIR)
        for sub in LINKED_DATA:
            link = data / sub
            # links point inside the chroot, so from the host they look dangling: is_symlink
            if not link.is_symlink():
                link.symlink_to(DEBIAN_DATA_DIR / sub)
        sounds = data / "sounds"
        if sounds.exists():
            shutil.rmtree(sounds)
        if self.sounds_dir is not None and self.sounds_dir.is_dir():
            shutil.copytree(self.sounds_dir, sounds, copy_function=_link_or_copy)
        else:
            sounds.mkdir()
        for lang_dir in (debian_data / "sounds").iterdir():
            if not (sounds / lang_dir.name).is_symlink() and not (sounds / lang_dir.name).exists():
                (sounds / lang_dir.name).symlink_to(DEBIAN_DATA_DIR / "sounds" / lang_dir.name)
        moh = data / "moh"
        if moh.is_symlink() or moh.is_file():
            moh.unlink()
        elif moh.exists():
            shutil.rmtree(moh)
        if self.moh_dir is not None and self.moh_dir.is_dir():
            shutil.copytree(self.moh_dir, moh, copy_function=_link_or_copy)
        else:
            moh.symlink_to(DEBIAN_DATA_DIR / "moh")

    def _asterisk(self, *args: str) -> list[str]:
        return ["chroot", str(self.root), "asterisk", "-C", str(self.layout.asterisk_conf), *args]

    def start(self, timeout: float = 30.0) -> None:
        self.prepare()
        stdout = open(self.host_path(self.layout.log) / "console.log", "ab")
        self.process = subprocess.Popen(
            ["/usr/sbin/asterisk", "-C", str(self.layout.asterisk_conf), "-f", "-n", "-g"],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.STDOUT,
            preexec_fn=_enter_instance(str(self.root), str(self.layout.base)),
        )
        stdout.close()
        try:
            self.wait_fully_booted(timeout)
        except BaseException:
            self.stop()
            raise
        log.info("sandbox Asterisk up: AMI %s, SIP %s", self.ports.ami, self.ports.sip)

    def wait_fully_booted(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        # -rx fails until asterisk.ctl exists; waitfullybooted then blocks until boot ends.
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise SandboxError(f"Asterisk exited with {self.process.returncode}\n{self.log_tail()}")
            result = subprocess.run(
                self._asterisk("-rx", "core waitfullybooted"),
                capture_output=True,
                text=True,
                timeout=max(1.0, deadline - time.monotonic()),
            )
            if "fully booted" in result.stdout:
                return
            time.sleep(0.05)
        raise SandboxError(f"Asterisk did not boot within {timeout} s\n{self.log_tail()}")

    def cli(self, command: str, timeout: float = 10.0) -> str:
        """Run one CLI command through the control socket and return its output."""
        result = subprocess.run(
            self._asterisk("-rx", command), capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise SandboxError(f"CLI {command!r} failed: {result.stderr or result.stdout}")
        return result.stdout

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def freeze(self, timeout: float = 5.0) -> None:
        """SIGSTOP: Asterisk keeps its sockets open and answers nothing (a stalled PBX).

        Returns once every Asterisk thread is stopped: the signal is asynchronous, and a thread
        running on the other core could otherwise answer one more request."""
        os.kill(self.pid, signal.SIGSTOP)
        deadline = time.monotonic() + timeout
        while not _all_threads_stopped(self.pid):
            if time.monotonic() > deadline:
                raise SandboxError(f"Asterisk {self.pid} did not stop within {timeout} s of SIGSTOP")
            time.sleep(0.001)  # the kernel offers no event for "stopped"; this takes microseconds

    def thaw(self) -> None:
        os.kill(self.pid, signal.SIGCONT)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop Asterisk (in order if it answers, by signal if not). Keeps the instance files."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.thaw()  # a frozen Asterisk cannot hear "core stop now"
            try:
                subprocess.run(self._asterisk("-rx", "core stop now"), capture_output=True, timeout=3)
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.terminate()
                try:
                    self.process.wait(3)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        self.process = None

    def restart(self, timeout: float = 30.0) -> None:
        """Stop and start again on the same ports, credentials and files."""
        self.stop()
        self.start(timeout)

    def remove(self) -> None:
        """Stop and delete the instance directory."""
        self.stop()
        shutil.rmtree(self.host_path(self.layout.base), ignore_errors=True)

    def crash_report(self, reports_dir: Path, keep: int = 3) -> Path:
        """Move what a dead Asterisk left (its core file, log and console output) out of the
        instance directory into a report directory under `reports_dir`, for a bug report.
        Keeps the newest `keep` reports: a core file is tens of megabytes."""
        status = self.process.returncode if self.process is not None else None
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        report = Path(reports_dir) / f"{stamp}-{self.layout.base.name}"
        report.mkdir(parents=True, exist_ok=True)
        base = self.host_path(self.layout.base)
        for found in [*base.glob("core*"), *self.host_path(self.layout.log).glob("*.log")]:
            shutil.move(str(found), report / found.name)
        signal_name = ""
        if status is not None and status < 0:
            signal_name = f" ({signal.Signals(-status).name})"
        lines = [f"Asterisk of sandbox {self.layout.base.name} exited with {status}{signal_name}."]
        if any(report.glob("core*")):
            lines.append("Backtrace: gdb /usr/sbin/asterisk core, chrooted into the Asterisk root (with asterisk-dbg).")
        else:
            lines.append("No core file here: a signal that dumps none, or a kernel core_pattern that sends it "
                         "elsewhere (/proc/sys/kernel/core_pattern).")
        (report / "README").write_text("\n".join(lines) + "\n")
        for old in sorted(p for p in Path(reports_dir).iterdir() if p.is_dir())[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
        return report

    def log_tail(self, lines: int = 80, since: int = 0) -> str:
        """The end of Asterisk's log (from byte offset `since`), for failing tests and errors."""
        try:
            with open(self.log_file, "rb") as f:
                f.seek(since)
                text = f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return "(no Asterisk log yet)"
        return "\n".join(text.splitlines()[-lines:])

    def log_size(self) -> int:
        try:
            return self.log_file.stat().st_size
        except FileNotFoundError:
            return 0

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def _link_or_copy(source: str, target: str) -> None:
    # Prompts are hard-linked when the Asterisk root is on the same filesystem: an instance
    # then costs kilobytes of its own instead of a copy of every built sound.
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop_orphans(config: PurePosixPath, timeout: float = 3.0) -> None:
    """Stop an Asterisk still running from a dead run's instance (it missed its parent-death
    signal): nobody can reach it any more, and it would hold the ports it was given."""
    wanted = f"-C\0{config}\0".encode()
    orphans = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if wanted in (proc / "cmdline").read_bytes() + b"\0":
                orphans.append(int(proc.name))
        except OSError:
            continue  # gone meanwhile, or not ours to read
    for pid in orphans:
        log.warning("stopping Asterisk %s left running by a dead run (%s)", pid, config)
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while orphans and time.monotonic() < deadline:
        orphans = [pid for pid in orphans if _pid_alive(pid)]
        time.sleep(0.05)  # another process's exit: /proc offers no event for it
    for pid in orphans:
        _signal(pid, signal.SIGKILL)


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def remove_stale_instances(root: Path) -> list[str]:
    """Delete instance directories whose owning process (the pid in `<name>-<pid>-<id>`) is
    gone: left by a `make run` or test run that was killed (SIGKILL runs no clean-up).
    Instances of live processes, other runs' included, are left alone."""
    removed = []
    instances = Path(root) / str(INSTANCES_DIR).lstrip("/")
    if not instances.is_dir():
        return removed
    for directory in instances.iterdir():
        parts = directory.name.rsplit("-", 2)
        if len(parts) != 3 or not parts[1].isdigit() or _pid_alive(int(parts[1])):
            continue
        _stop_orphans(INSTANCES_DIR / directory.name / "etc" / "asterisk.conf")
        shutil.rmtree(directory, ignore_errors=True)
        removed.append(directory.name)
    if removed:
        log.info("removed %d stale sandbox instance(s): %s", len(removed), ", ".join(removed))
    return removed


def _all_threads_stopped(pid: int) -> bool:
    """Every thread of `pid` in state T (stopped), from /proc."""
    try:
        states = [(task / "stat").read_text().rsplit(")", 1)[1].split()[0]
                  for task in Path(f"/proc/{pid}/task").iterdir()]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return bool(states) and all(state in ("T", "t") for state in states)
