"""The built prompts on the real sandbox Asterisk: each language line hears its own files.

Each call is hung up as soon as Asterisk has opened its prompt, so the tests take about as
long as SayNumber's eight short words.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ivr.ami import AmiClient
from ivr.menu import load_config
from ivr.prompts import load_catalog, zh_saynumber_files
from ivr.prompts.build import read_manifest
from ivr.sandbox import Sandbox
from tests.prompts_asterisk.support import PROJECT, call_into, hang_up, sounds_of
from tests.prompts_asterisk.opened import OpenedFiles
from tests.support.events import EventLog

# The language lines the hotline really has: the dialects of the shipped menu configuration.
LINE_LANGUAGES = sorted({d.language for d in load_config(PROJECT / "config/hotline.yaml").dialects.values()})
CATALOG = load_catalog(PROJECT / "prompts/catalog.yaml")


def test_every_language_line_has_built_prompts():
    assert set(LINE_LANGUAGES) <= set(CATALOG.languages), "a dialect plays a language the catalog lacks"


@pytest.mark.parametrize("language", LINE_LANGUAGES)
async def test_each_language_line_hears_its_own_welcome(
    ami: AmiClient, events: EventLog, opened_sounds: OpenedFiles, language: str
):
    call = await call_into(ami, "test-prompts-play", PROMPT_LANG=language, PROMPT="welcome")
    try:
        playback = await events.wait("TestEvent", State="PLAYBACK", Channel=call.channel)
        # Asterisk would quietly play zh/welcome (or nothing) if <language>/welcome were absent
        # (see the control test below): the file it opened is the one the caller hears.
        await opened_sounds.wait_for(f"{language}/welcome")
    finally:
        await hang_up(ami, call)
    assert playback["Message"] == "welcome"


def _borrowed_zhuang_prompt(built: Path) -> str:
    """A Zhuang prompt with no recording yet (welcome while it is unrecorded)."""
    borrowed = sorted(name.split("/", 1)[1] for name, entry in read_manifest(built).items()
                      if name.startswith("za/") and entry.kind == "fallback")
    if not borrowed:
        pytest.skip("every Zhuang prompt is recorded: nothing falls back")
    return "welcome" if "welcome" in borrowed else borrowed[0]


async def test_zhuang_without_a_recording_hears_the_configured_fallback(
    ami: AmiClient, events: EventLog, opened_sounds: OpenedFiles, built: Path
):
    prompt = _borrowed_zhuang_prompt(built)
    entry = read_manifest(built)[f"za/{prompt}"]
    fallback = CATALOG.languages["za"].fallback[0]  # configured: za borrows from zh
    assert (entry.kind, entry.origin_language) == ("fallback", fallback)
    sounds = built / "sounds"
    for suffix in (".wav", ".ulaw"):  # the build copied the fallback's audio into za/
        copy, original = sounds / "za" / (prompt + suffix), sounds / fallback / (prompt + suffix)
        assert copy.read_bytes() == original.read_bytes()

    call = await call_into(ami, "test-prompts-play", PROMPT_LANG="za", PROMPT=prompt)
    try:
        playback = await events.wait("TestEvent", State="PLAYBACK", Channel=call.channel)
        # Asterisk itself has no za -> zh fallback: the caller hears the za/ copy.
        await opened_sounds.wait_for(f"za/{prompt}")
    finally:
        await hang_up(ami, call)
    assert playback["Message"] == prompt


async def test_mandarin_saynumber_reads_12345_with_chinese_number_words(
    ami: AmiClient, events: EventLog, opened_sounds: OpenedFiles
):
    call = await call_into(ami, "test-prompts-saynumber", PROMPT_LANG="zh", NUMBER="12345")
    try:
        await events.wait("UserEvent", UserEvent="TestSayNumberDone", Uniqueid=call.uniqueid)
    finally:
        await hang_up(ami, call)
    said = [m["Number"] for m in events.matching("TestEvent", State="SAYNUM", Channel=call.channel)]
    played = [m["Message"] for m in events.matching("TestEvent", State="PLAYBACK", Channel=call.channel)]
    assert said == ["12345"]
    # 一万二千三百四十五: English rules would say digits/12, digits/thousand, ...
    assert played == ["digits/1", "digits/wan", "digits/2", "digits/thousand",
                      "digits/3", "digits/hundred", "digits/40", "digits/5"]
    assert played == zh_saynumber_files(12345)
    digits_opened = [s for s in opened_sounds.stems() if "/digits/" in s]
    assert digits_opened == [f"zh/{name}" for name in played]  # the built Mandarin words



async def test_saynumber_on_the_zhuang_line_falls_to_english_rules(ami: AmiClient, events: EventLog):
    """Why Zhuang numbers need care: "za" does not start with "zh", so SayNumber(15) asks for
    English's digits/15 (found only in Debian's English sounds), where zh rules say 十 五."""
    assert zh_saynumber_files(15) == ["digits/10", "digits/5"]
    call = await call_into(ami, "test-prompts-saynumber", PROMPT_LANG="za", NUMBER="15")
    try:
        first = await events.wait("TestEvent", State="PLAYBACK", Channel=call.channel)
    finally:
        await hang_up(ami, call)
    assert first["Message"] == "digits/15"

async def test_asterisk_alone_would_not_give_these_lines_their_own_prompts(
    make_sandbox: Callable[..., Sandbox], built: Path, tmp_path: Path
):
    """Control: with only zh/welcome installed, Asterisk quietly plays it to a Hakka caller
    (its zh_hak -> zh fallback), and a Zhuang caller hears nothing: so the opened file, not
    the PLAYBACK event, tells a line's own prompt, and Zhuang's fallback has to be the build's copy."""
    (tmp_path / "zh").mkdir()
    for suffix in (".wav", ".ulaw"):
        name = "welcome" + suffix
        (tmp_path / "zh" / name).write_bytes((built / "sounds/zh" / name).read_bytes())
    box = make_sandbox(sounds_dir=tmp_path)
    ami = AmiClient(box.ami)
    await ami.connect()
    events = EventLog(ami)
    try:
        with OpenedFiles(sounds_of(box)) as opened:
            hakka = await call_into(ami, "test-prompts-play", PROMPT_LANG="zh_hak", PROMPT="welcome")
            try:
                playback = await events.wait("TestEvent", State="PLAYBACK", Channel=hakka.channel)
                await opened.wait_for("zh/welcome")
            finally:
                await hang_up(ami, hakka)
            assert playback["Message"] == "welcome"  # the same event as for a real Hakka prompt

            zhuang = await call_into(ami, "test-prompts-play", PROMPT_LANG="za", PROMPT="welcome")
            played = await events.wait("UserEvent", UserEvent="TestPromptPlayed", Uniqueid=zhuang.uniqueid)
            await hang_up(ami, zhuang)
            assert played["Status"] == "FAILED"
            assert not events.matching("TestEvent", State="PLAYBACK", Channel=zhuang.channel)
            assert opened.stems() == ["zh/welcome"]
    finally:
        events.close()
        await ami.close()
