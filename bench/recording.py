"""What recording costs Asterisk per call: the same SIPp load of bridged calls with and without
MixMonitor, legs interleaved in one run (`python -m bench recording`).

Each call is a SIPp caller on the sandbox Asterisk's 12333 trunk, sending a 400 Hz tone (RTP
from a pcap) for TALK_S seconds, then hanging up. The dialplan answers and bridges it to an
"agent" that echoes what it hears (a Local channel in Echo(): both directions carry audio, as
a conversation does). The two arms differ in one line: the recorded arm starts
`MixMonitor(<dir>/<uniqueid>.wav,b)` before the bridge, as hotline-agent.conf does for an
agent call. Legs alternate (recorded, plain, plain, recorded, ...) so drift in the machine's
load falls on both. Per leg: Asterisk's CPU seconds (user + system, all threads, from
/proc/<pid>/stat) over the leg, divided by the calls completed; the files written are counted
and removed after each recorded leg. Reported: Asterisk CPU per recorded call against a plain
call's (ratio), and the run's CPU steal and load average.

    python -m bench recording          # BENCH_REC_CALLS=40 BENCH_REC_RATE=4 BENCH_REC_ROUNDS=3
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path, PurePosixPath

from bench.results import Record, cpu_ticks, steal_percent
from bench.sip import _process_cpu
from ivr.sipp.process import start_sipp
from ivr.sipp.scenarios import CALLER, scenario, tone_ulaw
from ivr.sipp.staff import rtp_pcap

PROJECT = Path(__file__).resolve().parents[1]
CALLS = int(os.environ.get("BENCH_REC_CALLS", 40))  # per leg
RATE = float(os.environ.get("BENCH_REC_RATE", 4))  # new calls a second
ROUNDS = int(os.environ.get("BENCH_REC_ROUNDS", 3))  # legs of each arm
TALK_S = float(os.environ.get("BENCH_REC_TALK_S", 15))
RECORDED, PLAIN = "12340", "12341"


def dialplan(recordings: PurePosixPath) -> str:
    return f"""\
; bench/recording.py: a bridged call, recorded or not; the agent echoes.
[hotline-entry]
exten => {RECORDED},1,Answer()
 same => n,MixMonitor({recordings}/${{UNIQUEID}}.wav,b)
 same => n,Dial(Local/agent@bench-rec-agent)
 same => n,Hangup()
exten => {PLAIN},1,Answer()
 same => n,Dial(Local/agent@bench-rec-agent)
 same => n,Hangup()

[bench-rec-agent]
exten => agent,1,Answer()
 same => n,Echo()
 same => n,Hangup()
"""


def caller_scenario(tone: Path, talk_ms: int) -> str:
    """Call [service], send `tone` (an RTP pcap) once answered, hang up after `talk_ms`."""
    return scenario("a bridged call", CALLER.invite(1) + CALLER.answered(1)
                    + f'  <nop><action><exec play_pcap_audio="{tone}"/></action></nop>\n'
                    + f'  <pause milliseconds="{talk_ms}"/>\n' + CALLER.bye(2))


def _completed(workdir: Path, name: str) -> int:
    """Successful calls from SIPp's final statistics (its screen file)."""
    screen = workdir / f"{name}-screen.log"
    text = screen.read_text(errors="replace") if screen.exists() else ""
    for line in reversed(text.splitlines()):
        if line.strip().startswith("Successful call"):
            return int(line.split("|")[2].split()[0]) if "|" in line else int(line.split()[-1])
    return 0


def _leg(box: object, number: str, work: Path, n: int, tone: Path, recordings: Path) -> dict[str, float]:
    from ivr.sandbox.ports import free_udp_port

    name = f"leg{n}-{'rec' if number == RECORDED else 'plain'}"
    talk_ms = int(TALK_S * 1000)
    pid = box.pid  # type: ignore[attr-defined]
    before, began = _process_cpu(pid), time.monotonic()
    run = start_sipp(name, caller_scenario(tone, talk_ms),
                     [f"127.0.0.1:{box.ports.sip}", "-s", number, "-p", str(free_udp_port()),  # type: ignore[attr-defined]
                      "-mp", str(free_udp_port()), "-r", f"{RATE:g}", "-l", str(CALLS), "-m", str(CALLS),
                      "-recv_timeout", "30s", "-timeout", f"{int(CALLS / RATE + TALK_S + 60)}s"], work)
    code = run.wait(CALLS / RATE + TALK_S + 90)
    cpu, seconds = _process_cpu(pid) - before, time.monotonic() - began
    completed = _completed(work, name)
    files = sorted(recordings.glob("*.wav")) if recordings.exists() else []
    written = [f for f in files if f.stat().st_size > 44]
    audio_s = sum((f.stat().st_size - 44) / 16000 for f in written)  # 8 kHz, 16-bit mono WAV
    for f in files:
        f.unlink()
    return {"recorded": number == RECORDED, "sipp_exit": code, "completed": completed,
            "asterisk_cpu_s": round(cpu, 3), "seconds": round(seconds, 1), "files": len(written), "recorded_audio_s": round(audio_s, 1),
            "load_average": os.getloadavg()[0]}


def run() -> list[Record]:
    from ivr.sandbox import Sandbox
    from ivr.sandbox.config import SandboxPorts
    from ivr.sandbox.ports import free_tcp_port, free_udp_range

    work = Path(tempfile.mkdtemp(prefix="bench-rec-"))
    root = Path(os.environ.get("HOTLINE_ASTERISK_ROOT", Path.home() / ".cache/hotline12333/asterisk-root"))
    box = Sandbox(root, agi_port=free_tcp_port(), dialplan_dirs=[work / "dialplan"],
                  sounds_dir=PROJECT / "prompts" / "build" / "sounds", name="bench-rec")
    box.ports = SandboxPorts(box.ports.ami, box.ports.sip, *free_udp_range(8 * CALLS + 100))
    inside = PurePosixPath(str(box.layout.spool)) / "bench-recordings"
    (work / "dialplan").mkdir()
    (work / "dialplan" / "bench-recording.conf").write_text(dialplan(inside))
    tone = work / "tone.pcap"
    tone.write_bytes(rtp_pcap(tone_ulaw(TALK_S + 2, (400.0,)), ssrc=0x12340, sequence=1000, timestamp=8000))
    legs: list[dict[str, float]] = []
    try:
        box.start()
        recordings = box.host_path(inside)
        recordings.mkdir(parents=True, exist_ok=True)
        os.chmod(recordings, 0o777)
        ticks = cpu_ticks()
        for n in range(2 * ROUNDS):  # ABBA: recorded, plain, plain, recorded, ...
            number = RECORDED if n % 4 in (0, 3) else PLAIN
            legs.append(_leg(box, number, work / "sipp", n, tone, recordings))
        steal = steal_percent(ticks, cpu_ticks())
    finally:
        box.remove()
        if not os.environ.get("BENCH_REC_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    per_call = {arm: [leg["asterisk_cpu_s"] / leg["completed"] for leg in legs
                      if leg["recorded"] == arm and leg["completed"]] for arm in (True, False)}
    recorded, plain = statistics.median(per_call[True]) * 1000, statistics.median(per_call[False]) * 1000
    conditions = {"calls_per_leg": CALLS, "calls_per_second": RATE, "talk_s": TALK_S, "legs": legs,
                  "cpu_steal_percent": steal, "agent": "Local channel in Echo()", "transport": "udp loopback",
                  "added_ms_per_call": round(recorded - plain, 2)}
    return [Record("Asterisk CPU per call, recorded (MixMonitor), median of legs", recorded, "ms",
                   "the same call unrecorded", plain, conditions)]
