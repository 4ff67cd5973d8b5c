"""SIPp processes: phones that register and answer (agents) and callers, on loopback.

Each process gets its own directory for its scenario and logs, so a failing test can show
SIPp's errors. Processes are ended by their own pid only.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from ivr.sandbox.ports import free_udp_port
from ivr.sipp import scenarios

SIPP = shutil.which("sipp") or "/usr/bin/sipp"


class SippError(RuntimeError):
    pass


@dataclass
class SippRun:
    """One SIPp process running one scenario."""

    name: str
    workdir: Path
    process: subprocess.Popen[bytes]

    def wait(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise SippError(f"SIPp {self.name} still running after {timeout} s\n{self.errors()}") from None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def running(self) -> bool:
        return self.process.poll() is None

    def stats(self) -> SippStats | None:
        """The counts SIPp wrote last to its stat file (`-trace_stat -stf NAME-stats.csv`), or
        None when it wrote none (not asked for, or killed before its first dump)."""
        path = self.workdir / f"{self.name}-stats.csv"
        return parse_stats(path.read_text(errors="replace")) if path.exists() else None

    def errors(self) -> str:
        """SIPp's error log and screen (what a failing test shows)."""
        parts = []
        for log in sorted(self.workdir.glob(f"{self.name}*")):
            if log.suffix in (".log", ".txt") and log.stat().st_size:
                parts.append(f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:])
        return "\n".join(parts) or "(SIPp left no log)"


@dataclass(frozen=True)
class SippStats:
    """A caller SIPp's cumulative counts: calls it placed, whose scenario ran to its end
    (the BYE answered), and that failed (any cause: a timeout, an unexpected message)."""

    created: int
    successful: int
    failed: int


def parse_stats(text: str) -> SippStats | None:
    """The last row of a SIPp `-trace_stat` file (semicolon-separated, a header row naming the
    columns, one row per dump; the cumulative columns end in (C)). A row cut short by a
    killed SIPp is skipped for the one before it."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    header = lines[0].rstrip(";").split(";")
    try:
        columns = [header.index(name) for name in ("TotalCallCreated", "SuccessfulCall(C)", "FailedCall(C)")]
    except ValueError:
        return None
    for line in reversed(lines[1:]):
        row = line.rstrip(";").split(";")
        try:
            created, successful, failed = (int(row[i]) for i in columns)
        except (IndexError, ValueError):
            continue
        return SippStats(created, successful, failed)
    return None


def start_sipp(name: str, scenario: str, args: list[str], workdir: Path, *, stats: bool = False) -> SippRun:
    """`stats`: SIPp keeps its counts in NAME-stats.csv (read by SippRun.stats)."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"{name}.xml"
    path.write_text(scenario)
    command = [SIPP, "-sf", str(path), "-nostdin", "-i", "127.0.0.1", "-mi", "127.0.0.1",
               "-trace_err", "-error_file", str(workdir / f"{name}-errors.log"), "-trace_screen",
               "-screen_file", str(workdir / f"{name}-screen.log"),
               "-cp", str(free_udp_port()), *args]  # its control port: never the shared default
    if stats:  # a dump every 5 s, and SIPp's last at its end
        command += ["-trace_stat", "-stf", str(workdir / f"{name}-stats.csv"), "-fd", "5"]
    with open(workdir / f"{name}-stdout.txt", "wb") as out:
        process = subprocess.Popen(command, cwd=workdir, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT)
    return SippRun(name, workdir, process)


@dataclass
class SippPhone:
    """An agent's phone: SIPp answering on its own port, registered under the agent's extension."""

    extension: str
    secret: str = field(repr=False)
    server: tuple[str, int]
    workdir: Path
    talk_ms: int = 60_000
    port: int = field(default_factory=free_udp_port)
    answering: SippRun | None = None

    def start(self, *, register: bool = True, timeout: float = 10.0) -> None:
        tone = self.workdir / "tone.ulaw"
        self.workdir.mkdir(parents=True, exist_ok=True)
        if not tone.exists():
            tone.write_bytes(scenarios.tone_ulaw(1.0, (440.0, 620.0)))
        self.answering = start_sipp(
            f"answer-{self.extension}", scenarios.answer(tone=tone, talk_ms=self.talk_ms),
            ["-p", str(self.port), "-s", self.extension, "-aa", "-mp", str(free_udp_port())], self.workdir)
        if register:
            self.register(timeout=timeout)

    def register(self, *, secret: str | None = None, expires: int = 3600, timeout: float = 10.0) -> int:
        """REGISTER the answering port; the SIPp exit code (0: registered)."""
        run = start_sipp(
            f"register-{self.extension}", scenarios.register(contact_port=self.port, expires=expires),
            [f"{self.server[0]}:{self.server[1]}", "-s", self.extension, "-au", self.extension,
             "-ap", secret if secret is not None else self.secret, "-p", str(free_udp_port()),
             "-m", "1", "-recv_timeout", "3000", "-timeout", f"{int(timeout)}s"],
            self.workdir)
        return run.wait(timeout + 2)

    def unregister(self, timeout: float = 10.0) -> int:
        return self.register(expires=0, timeout=timeout)

    def stop(self) -> None:
        if self.answering is not None:
            self.answering.stop()


def call(name: str, server: tuple[str, int], key_groups: list[str], *, workdir: Path,
         number: str = "12333", timeout_s: int = 60) -> SippRun:
    """One SIPp call to `number`: a group of keys at each NOTIFY, then a hang-up at the next."""
    workdir.mkdir(parents=True, exist_ok=True)
    for file_name, pcap in scenarios.press_files(key_groups):  # written only here: never logged
        (workdir / file_name).write_bytes(pcap)
    return start_sipp(name, scenarios.call(key_groups=key_groups, press_dir=workdir),
                      [f"{server[0]}:{server[1]}", "-s", number, "-p", str(free_udp_port()),
                       "-mp", str(free_udp_port()), "-m", "1", "-recv_timeout", f"{timeout_s}s",
                       "-timeout", f"{timeout_s}s"], workdir)


def wait_all(runs: list[SippRun], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    return [run.wait(max(0.1, deadline - time.monotonic())) for run in runs]
