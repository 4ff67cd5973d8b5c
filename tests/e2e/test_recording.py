"""Call recording end to end on the sandbox: a Mandarin pension caller hears call_recorded, an
agent answers; the file Asterisk wrote has both sides' audio (the caller sends 400 Hz, the
agent 1000 Hz; sox measures each band), is registered (agent, length, size, checksum), and is
streamed with HTTP Range to a supervisor, never to a viewer or an agent, each listen audited.
With the recording directory unwritable the call is still answered and bridged, unrecorded,
and /health and /metrics say so."""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import httpx
import pytest
import uvicorn

from hotline.assembly import AsteriskSite, Hotline, assemble
from hotline.auth import TokenStore
from hotline.db import recordings_store as recordings
from hotline.db.migrate import upgrade
from hotline.db.records_store import RecordStore
from ivr.ami import AmiClient
from ivr.sandbox.calls import place_call
from tests.api.test_wallboard import ARTIFACTS, browser, log_in  # noqa: F401  (the Chromium fixture)
from tests.e2e.test_caller_to_agent import WORKING_THURSDAY_NOON, press
from tests.support.events import EventLog
from tests.support.site import CONFIG_DIR, site_settings

pytestmark = pytest.mark.asterisk

AGENTS = """\
agents:
  - id: "2001"
    name: tone agent
    endpoint: Local/tone@test-rec-agents/n
    proficiencies: {mandarin: 5, pension: 5}
"""


@pytest.fixture(autouse=True)
def tones(sandbox) -> None:
    write_tones(sandbox)


def write_tones(sandbox) -> None:
    """The tones the test contexts play, where the sandbox Asterisk finds them."""
    directory = sandbox.host_path(PurePosixPath("/tmp/hotline-tones"))
    directory.mkdir(parents=True, exist_ok=True)
    for name, hertz, seconds in (("caller400", 400, 40), ("agent1000", 1000, 3)):
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(directory / f"{name}.wav"),
                        "synth", str(seconds), "sine", str(hertz), "vol", "0.3"], check=True, timeout=30)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    (config / "agents.yaml").write_text(AGENTS, encoding="utf-8")
    return config


def band_rms(path: Path, low: int, high: int) -> float:
    """RMS amplitude (0-1) of the recording within low-high Hz (sox's sinc band-pass)."""
    out = subprocess.run(["sox", str(path), "-n", "sinc", f"{low}-{high}", "stat"], capture_output=True, text=True,
                         timeout=30, check=True).stderr
    return float(re.search(r"RMS\s+amplitude:\s+([0-9.]+)", out).group(1))


async def call_an_agent(ami: AmiClient, events: EventLog, *, announced: bool) -> str:
    call = await place_call(ami, caller_context="test-rec-caller", context="hotline-entry",
                            caller_id="13800138000")
    await events.wait("UserEvent", UserEvent="HotlineMenu", Menu="language", Uniqueid=call.uniqueid, timeout=20)
    await press(ami, call.channel, "1")  # Mandarin
    await events.wait("UserEvent", UserEvent="HotlineMenu", Menu="main", Uniqueid=call.uniqueid)
    await press(ami, call.channel, "1")  # pension
    await events.wait("UserEvent", UserEvent="HotlineMenu", Menu="pension", Uniqueid=call.uniqueid)
    await press(ami, call.channel, "0")  # an agent
    await events.wait("UserEvent", UserEvent="HotlineQueueJoin", Uniqueid=call.uniqueid, timeout=15)
    heard = [e for e in events.matching("TestEvent", State="PLAYBACK", Message="call_recorded")
             if e.get("Uniqueid") == call.uniqueid or e.get("Channel") == call.channel]
    assert bool(heard) == announced
    await events.wait("BridgeEnter", Uniqueid=call.uniqueid, timeout=15)
    await events.wait("TestEvent", State="PLAYBACK", Message="survey_rate", timeout=15)
    await press(ami, call.channel, "5")
    await events.wait("Hangup", Uniqueid=call.uniqueid, timeout=15)
    return call.uniqueid


def build(tmp_path: Path, config_dir: Path, sandbox, agi_port: int, call_recordings: tuple[Path, str]) -> Hotline:
    upgrade(f"sqlite:///{tmp_path / 'hotline.db'}")
    settings = site_settings(tmp_path, config_dir=config_dir, agi_port=agi_port)
    site = AsteriskSite(ami=sandbox.ami, dialplan_live_dir=None, messages_dir=None, call_recordings=call_recordings)
    return assemble(settings, site, agi_port=agi_port, clock=lambda: WORKING_THURSDAY_NOON)


async def test_an_agent_call_is_recorded_registered_and_played_only_to_supervisors(
        sandbox, agi_port, ami: AmiClient, events: EventLog, config_dir: Path, tmp_path: Path,
        browser) -> None:  # noqa: F811
    inside = sandbox.layout.spool / "calls-e2e"
    directory = sandbox.host_path(inside)
    shutil.rmtree(directory, ignore_errors=True)
    hotline = build(tmp_path, config_dir, sandbox, agi_port, (directory, str(inside)))
    tokens = TokenStore(tmp_path / "tokens.json")
    hotline.app.state.token_store = tokens
    as_role = {role: {"Authorization": f"Bearer {tokens.create(role, name=f'{role} Lan', agent_id='2001' if role == 'agent' else None)[0]}"}
               for role in ("supervisor", "viewer", "agent", "ops")}
    await hotline.start()
    try:
        await hotline.service.ami.wait_connected(5)
        await hotline.desk.login("2001")
        call_id = await call_an_agent(ami, events, announced=True)
        await hotline.recordings.wait_finished(call_id)
        path = directory / f"{call_id}.wav"
        assert path.is_file()
        kept = RecordStore.from_url(f"sqlite:///{tmp_path / 'hotline.db'}")
        try:
            row = kept.run(lambda s: recordings.get(s, call_id))
        finally:
            kept.close()
        data = path.read_bytes()
        assert (row.status, row.agent, row.business) == ("complete", "2001", "pension")
        assert row.size_bytes == len(data) and row.sha256 == hashlib.sha256(data).hexdigest()
        assert 2.0 <= row.duration_s <= 6.0  # the agent talks three seconds
        caller, agent, between = band_rms(path, 350, 450), band_rms(path, 950, 1050), band_rms(path, 600, 800)
        assert caller > 0.02 and agent > 0.02, (caller, agent)  # both sides are in it
        assert between < min(caller, agent) / 5, (caller, agent, between)  # and they are tones, not noise

        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=hotline.app), base_url="http://h") as http:
            url = f"/calls/{call_id}/recording"
            for role in ("viewer", "agent"):
                assert (await http.get(url, headers=as_role[role])).status_code == 403, role
            part = await http.get(url, headers={**as_role["supervisor"], "Range": "bytes=100-1099"})
            assert part.status_code == 206 and part.content == data[100:1100]
            assert part.headers["content-range"] == f"bytes 100-1099/{len(data)}"
            whole = await http.get(url, headers=as_role["ops"])
            assert whole.status_code == 200 and whole.content == data
            detail = (await http.get(f"/calls/{call_id}", headers=as_role["supervisor"])).json()
            assert detail["recording"]["status"] == "complete" and detail["recording"]["url"] == url
            health = (await http.get("/health")).json()
            assert health["recording"] == {"available": True, "reason": None}
        await play_in_the_supervisors_page(hotline, browser, tokens.create("supervisor", name="page Lan")[0], call_id)
        kept = RecordStore.from_url(f"sqlite:///{tmp_path / 'hotline.db'}")
        try:
            listens = kept.run(lambda s: [(a.detail, a.at) for a in recordings.audit_trail(s, "recording_listen")])
        finally:
            kept.close()
        assert [d for d, _ in listens][:2] == [f"call {call_id} by supervisor Lan (supervisor), bytes bytes=100-1099",
                                               f"call {call_id} by ops Lan (ops), bytes all"]
        from_page = [d for d, _ in listens[2:]]  # the audio element asks for byte ranges
        assert from_page and all(d.startswith(f"call {call_id} by page Lan (supervisor), bytes bytes=")
                                 for d in from_page), from_page
    finally:
        await hotline.stop()
        shutil.rmtree(directory, ignore_errors=True)
    # a clean stop switches recording off: with no service, nobody would register the files
    # (and later callers on this Asterisk would hear call_recorded for nothing)
    switch = await ami.send({"Action": "Getvar", "Variable": "HOTLINE_RECORD_pension"})
    assert switch.get("Value") == "0", switch


async def play_in_the_supervisors_page(hotline: Hotline, browser, token: str, call_id: str) -> None:  # noqa: F811
    """Log in on /supervisor, find the call, play its recording to the end (real HTTP)."""
    server = uvicorn.Server(uvicorn.Config(hotline.app, host="127.0.0.1", port=0, log_level="warning",
                                           lifespan="off"))
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:  # uvicorn offers no event for this
                await asyncio.sleep(0.01)
        url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
        page = await browser.new_page()
        await page.goto(f"{url}/supervisor")
        await log_in(page, token)
        row = f'#calls tr[data-call="{call_id}"]'
        await page.wait_for_selector(row)
        await page.evaluate("""() => { window.ended = new Promise(done =>
            document.getElementById("player").addEventListener("ended", () => done(true))); }""")
        await page.click(f"{row} button.play")
        assert await page.evaluate("() => window.ended") is True  # the whole recording played
        assert await page.evaluate("() => document.getElementById('player').duration") > 2
        await page.screenshot(path=ARTIFACTS / "supervisor-recording.png", full_page=True)
        await page.close()
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def test_an_unwritable_directory_never_drops_a_call(sandbox, agi_port, ami: AmiClient, events: EventLog,
                                                         config_dir: Path, tmp_path: Path) -> None:
    inside = sandbox.layout.spool / "not-a-directory"
    blocker = sandbox.host_path(inside)
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the directory should be\n")  # root can write anywhere else
    hotline = build(tmp_path, config_dir, sandbox, agi_port, (blocker / "calls", str(inside / "calls")))
    await hotline.start()
    try:
        await hotline.service.ami.wait_connected(5)
        await hotline.desk.login("2001")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=hotline.app), base_url="http://h") as http:
            health = (await http.get("/health")).json()
            metrics = (await http.get("/metrics")).text
        assert health["recording"]["available"] is False and "not writable" in health["recording"]["reason"]
        assert "hotline_recording_available 0.0" in metrics
        assert "hotline_recordings_failed_total 0.0" in metrics  # exported from the start, for the alert rule
        call_id = await call_an_agent(ami, events, announced=False)  # answered and bridged, not told
        assert hotline.router.router.calls == {} and call_id
        assert not list(blocker.parent.glob(f"**/{call_id}.wav"))
    finally:
        await hotline.stop()
        blocker.unlink()
