"""Music on hold through the same safe path: write our class, reload res_musiconhold without
a restart, check `moh show classes`, and put the previous file back when a class fails to load."""
from __future__ import annotations

import pytest

from ivr.ami import AmiClient
from ivr.dialplan.history import History
from ivr.dialplan.moh_reload import loaded_classes, reload_moh, render_moh_file
from tests.support.site import reload_settings
from ivr.prompts.moh import MOH_CLASS
from ivr.sandbox.config import render_musiconhold_conf
from tests.reload.configs import PROJECT

OUR_FILE = "hotline-moh.conf"  # what a production musiconhold.conf #includes


@pytest.fixture
async def moh_box(make_sandbox):
    built = PROJECT / "prompts" / "build" / "moh"
    box = make_sandbox(moh_dir=built, extra_files={
        "musiconhold.conf": render_musiconhold_conf() + f'\n#include "{OUR_FILE}"\n', OUR_FILE: ""})
    client = AmiClient(box.ami)
    await client.connect()
    yield box, client
    await client.close()


async def test_moh_class_reloads_without_restart_and_a_broken_one_rolls_back(moh_box, tmp_path):
    box, ami = moh_box
    live = box.host_path(box.layout.etc) / OUR_FILE
    settings = reload_settings(tmp_path / "var", moh_live_file=live)
    started = box.pid

    loaded = await reload_moh(ami, settings, who="test")
    assert loaded.result == "ok", loaded.messages
    assert loaded.changes == [f"class {MOH_CLASS} added"]
    assert MOH_CLASS in loaded_classes(await ami.command("moh show classes"))
    good = live.read_text()

    broken = await reload_moh(ami, settings, render_moh_file(directory="moh/no-such-directory"), who="test")
    assert broken.result == "rolled_back"
    assert broken.messages[0].startswith(f"music-on-hold class {MOH_CLASS} is not loaded")
    assert live.read_text() == good
    shown = await ami.command("moh show classes")
    assert MOH_CLASS in loaded_classes(shown) and f"moh/{MOH_CLASS}" in shown
    assert box.pid == started  # reloaded, never restarted
    assert [(a.target, a.result) for a in History(settings.var_dir).attempts()] == [("moh", "ok"), ("moh", "rolled_back")]
