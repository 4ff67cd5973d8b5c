"""The built music on hold plays in Asterisk, from the musiconhold.conf ivr.prompts renders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ivr.ami import AmiClient
from ivr.prompts.moh import MOH_CLASS, render_built_moh_conf
from ivr.sandbox import Sandbox
from tests.prompts_asterisk.support import call_into, hang_up
from tests.prompts_asterisk.opened import OpenedFiles
from tests.support.events import EventLog


async def test_hold_music_plays_the_built_tracks(make_sandbox: Callable[..., Sandbox], built: Path):
    # Its own instance: the session sandbox has Debian's music and only a [default] class.
    box = make_sandbox(moh_dir=built / "moh", extra_files={"musiconhold.conf": render_built_moh_conf()})
    classes = box.cli("moh show classes")
    assert f"Class: {MOH_CLASS}\n" in classes and f"Directory: moh/{MOH_CLASS}\n" in classes
    tracks = {f"{MOH_CLASS}/{p.stem}" for p in (built / "moh" / MOH_CLASS).glob("*.ulaw")}
    assert tracks

    ami = AmiClient(box.ami)
    await ami.connect()
    events = EventLog(ami)
    try:
        # The queue's class by name, and "default" (a queue or channel that names none).
        for music_class in (MOH_CLASS, "default"):
            with OpenedFiles(box.host_path(box.layout.data) / "moh") as opened:
                call = await call_into(ami, "test-prompts-moh", MOH_CLASS=music_class)
                try:
                    started = await events.wait("MusicOnHoldStart", Uniqueid=call.uniqueid)
                    # The generator opens its first track a tick after MusicOnHoldStart.
                    first_track = await opened.wait_until(lambda stems: stems and stems[0], "a track")
                finally:
                    await hang_up(ami, call)
            assert started["Class"] == music_class
            assert first_track in tracks
    finally:
        events.close()
        await ami.close()

