"""The issue's test over SIP: a SIPp staff phone (an agent's PJSIP endpoint, digest auth) dials
*77, logs in, records two Zhuang prompts by playing known speech as RTP (a silent and a clipped
take refused first, with the spoken reason); the takes are conditioned and stored, approved,
built and copied live without touching Asterisk; a Zhuang caller then hears the `za` files
(inotify names them) while the other Zhuang prompts still fall back to Mandarin."""
from __future__ import annotations

import warnings
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydub import AudioSegment

from ivr.ami import AmiClient
from ivr.prompts import load_catalog
from ivr.prompts.progress import prompt_numbers
from ivr.prompts.takes import TakeStatus
from ivr.sipp import process
from ivr.sipp.staff import Keys, Speech, play_files, staff_call
from tests.prompts_asterisk.opened import OpenedFiles
from tests.prompts_asterisk.support import call_into
from tests.prompts_phone.conftest import CATALOG, STAFF_PHONE, STAFF_PHONE_SECRET, Desk
from tests.support.events import EventLog
from tests.support.sandboxes import connected_client

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop


def number(prompt_id: str) -> int:
    """A prompt's number as staff key it (its place in the catalog)."""
    return prompt_numbers(load_catalog(CATALOG))[prompt_id]


def ulaw(path: Path) -> bytes:
    segment = AudioSegment.from_wav(path).set_frame_rate(8000).set_channels(1).set_sample_width(2)
    return audioop.lin2ulaw(segment.raw_data, 2)


@pytest.fixture
async def line(desk: Desk) -> AsyncIterator[tuple[AmiClient, EventLog]]:
    async with connected_client(desk.box) as ami:
        with EventLog(ami) as events:
            yield ami, events


async def test_a_sipp_staff_member_records_two_zhuang_prompts_that_callers_then_hear(
        desk: Desk, line, tmp_path: Path) -> None:
    ami, events = line
    wei = desk.staff("recorder", "8001", "韦丽")
    voices = desk.voices
    steps = [Keys("8001#"), Keys(wei.pin + "#"), Keys("5"), Keys("2"), Keys("1#"),
             Speech(ulaw(voices / "silent.wav")), Speech(ulaw(voices / "clipped.wav")),
             Speech(ulaw(voices / "welcome.wav")), Keys("1"), Keys(f"{number('yuan')}#"), Speech(ulaw(voices / "yuan.wav")),
             Keys("1"), Keys("#")]
    groups = play_files(steps)
    workdir = tmp_path / "sipp"
    workdir.mkdir()
    for group in groups:
        for name, pcap, _pause in group:
            (workdir / name).write_bytes(pcap)
    scenario = staff_call([[(n, p) for n, _b, p in g] for g in groups], press_dir=str(workdir), user=STAFF_PHONE)
    run = process.start_sipp("staff", scenario, [
        f"127.0.0.1:{desk.box.ports.sip}", "-s", "*77", "-au", STAFF_PHONE, "-ap", STAFF_PHONE_SECRET,
        "-p", str(process.free_udp_port()), "-mp", str(process.free_udp_port()), "-m", "1",
        "-recv_timeout", "60s", "-timeout", "120s"], workdir)
    try:
        phone = (await events.wait_until(
            lambda: [m["Channel"] for m in events.matching("Newchannel")
                     if m.get("Channel", "").startswith(f"PJSIP/{STAFF_PHONE}-")], 15, "the staff phone's channel"))[0]

        def heard() -> list[str]:
            return [m["Message"] for m in events.matching("TestEvent", State="PLAYBACK", Channel=phone)
                    if "Message" in m]

        async def on(prompt: str, nth: int = 1) -> None:
            await events.wait_until(lambda: heard().count(prompt) >= nth, 20,
                                    f"{prompt} x{nth} on the staff phone; heard {heard()}")
            await ami.send({"Action": "PJSIPNotify", "Channel": phone, "Variable": "Event=hotline-keys"})

        for prompt in ("recorder_welcome", "recorder_enter_pin", "recorder_pick_language",
                       "recorder_walk_or_number", "recorder_enter_number"):
            await on(prompt)
        await on("beep", 1)  # the silent take
        await on("beep", 2)  # the clipped take
        await on("beep", 3)  # welcome, in Zhuang
        await on("recorder_keep_or_again", 1)
        await on("recorder_enter_number", 2)
        await on("beep", 4)  # yuan
        await on("recorder_keep_or_again", 2)
        await on("recorder_enter_number", 3)
        await on("recorder_goodbye")  # and the phone hangs up
        assert run.wait(20) == 0, run.errors()
    finally:
        run.stop()

    said = heard()
    assert said.index("recorder_take_silent") < said.index("recorder_take_clipped") < said.index("recorder_your_take")
    assert said.count("recorder_kept") == 2 and said.count("recorder_your_take") == 2
    outcomes = [(m["Prompt"], m["Outcome"]) for m in events.matching("UserEvent", UserEvent="HotlineRecorderTake")]
    assert outcomes == [("welcome", "refused_silent"), ("welcome", "refused_clipped"),
                        ("welcome", "kept"), ("yuan", "kept")]

    takes = {t.prompt_id: t for t in desk.library.takes.all()}
    assert {p: (t.status, t.recorded_by, t.source) for p, t in takes.items()} == {
        "welcome": (TakeStatus.AWAITING, "8001 韦丽", "phone"), "yuan": (TakeStatus.AWAITING, "8001 韦丽", "phone")}
    kept = AudioSegment.from_wav(desk.library.takes.audio(takes["welcome"]))
    assert kept.frame_rate == 8000 and abs(kept.dBFS - (-20)) < 2  # conditioned: levelled like every prompt
    spoken = len(AudioSegment.from_wav(voices / "welcome.wav"))
    assert 600 < len(kept) < spoken - 700  # trimmed: the speech, not the half-seconds of quiet around it

    zh_welcome = (desk.live / "zh" / "welcome.wav").read_bytes()
    assert (desk.live / "za" / "welcome.wav").read_bytes() == zh_welcome  # not live before approval
    assert desk.library.approve(takes["welcome"].id, by="ops 蓝").rebuilt == ["za/welcome"]
    assert desk.library.approve(takes["yuan"].id, by="ops 蓝").rebuilt == ["za/yuan"]
    assert (desk.live / "za" / "welcome.wav").read_bytes() != zh_welcome
    assert (desk.live / "za" / "goodbye.wav").read_bytes() == (desk.live / "zh" / "goodbye.wav").read_bytes()
    status = {row.prompt_id: row.status for row in desk.library.rows("za")}
    assert status["welcome"] == status["yuan"] == "recorded" and status["goodbye"] == "fallback to zh"

    with OpenedFiles(desk.live) as opened:
        for prompt in ("welcome", "yuan", "goodbye"):
            await call_into(ami, "test-prompts-play", PROMPT_LANG="za", PROMPT=prompt)
            await events.wait("UserEvent", 10, UserEvent="TestPromptPlayed", Prompt=prompt)
        assert {"za/welcome", "za/yuan", "za/goodbye"} <= set(opened.stems())
