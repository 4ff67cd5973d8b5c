"""Reloads against a real Asterisk (a sandbox of this module's own): callers mid-menu keep
their version, failures roll back by themselves, two reloads never run at once."""
from __future__ import annotations

import asyncio
import dataclasses
import shutil

import pytest

from ivr.dialplan import names
from ivr.dialplan.history import History, ReloadInProgress
from ivr.dialplan.live_asterisk import loaded_dialplan, reload_module
from ivr.dialplan.reload import reload, rollback
from ivr.dialplan.verify import entry_version
from tests.reload.callers import Caller
from tests.reload.configs import CATALOG, FAST, FAST_SWAPPED, write
from tests.reload.conftest import files_of, listing


@pytest.fixture
def configs(tmp_path):
    return {"fast": write(tmp_path, FAST, "fast.yaml"), "swapped": write(tmp_path, FAST_SWAPPED, "swapped.yaml")}


async def load(ami, settings, config, who="test"):
    attempt = await reload(ami, settings, config_path=config, catalog_path=CATALOG, who=who)
    assert attempt.result == "ok", attempt.messages
    return attempt


async def test_silence_and_invalid_keys_replay_the_menu_then_their_limits_send_to_an_agent(box_ami, box_events, box_settings, configs):
    version = (await load(box_ami, box_settings, configs["fast"])).version
    silent, confused = Caller(box_ami, box_events), Caller(box_ami, box_events)
    await asyncio.gather(silent.dial(), confused.dial())

    async def stay_silent() -> None:
        await silent.event("HotlineTimeout", Menu="language", Action="goto", Target="main")  # silence = Mandarin
        await silent.event("HotlineTimeout", Menu="main", Attempt="1", Action="replay")
        await silent.wait_played("year", 2)  # main's prompt again
        route = await silent.event("HotlineToAgent")  # one replay after silence (silence_replays)
        assert (route["Menu"], route["Reason"]) == ("main", "timeout")
        await silent.hang_up()  # leave no channel on this version for the tests after

    async def press_wrong_keys() -> None:
        await confused.reached("language")
        await confused.press("2")
        await confused.reached("main")
        await confused.press("9")
        await confused.event("HotlineInvalidKey", Menu="main", Key="9", Attempt="1")
        await confused.wait_played("year", 2)
        await confused.press("7")
        await confused.event("HotlineInvalidKey", Menu="main", Key="7", Attempt="2")
        route = await confused.event("HotlineToAgent")
        assert (route["Menu"], route["Dialect"], route["Reason"]) == ("main", "cantonese", "retries")
        await confused.hang_up()

    await asyncio.gather(stay_silent(), press_wrong_keys())
    assert (await silent.event("HotlineCallStart"))["Version"] == version
    assert silent.played("fen") == 1 and confused.played("jiao") == 1  # no-input and invalid-key prompts


async def test_a_caller_mid_menu_finishes_on_the_old_menu_and_the_next_gets_the_new(box_ami, box_events, box_settings, configs, reload_box):
    old = (await load(box_ami, box_settings, configs["fast"])).version
    before = Caller(box_ami, box_events)
    await before.dial()
    await before.reached("main")

    change = await load(box_ami, box_settings, configs["swapped"], who="ops")
    new = change.version
    assert change.previous_version == old and new != old
    assert "menu main: key 1 pension -> medical" in change.changes
    assert names.version_file(old) not in change.pruned  # a caller still runs it
    assert (reload_box.dialplan_dir / names.version_file(old)).exists()

    after = Caller(box_ami, box_events)
    await after.dial()
    await asyncio.gather(before.press("1"), after.reached("main"))
    await before.reached("pension")  # the menu as it was when the call started
    await after.press("1")
    await after.reached("medical")  # the new menu
    assert (await after.event("HotlineCallStart"))["Version"] == new
    for caller, business in ((before, "pension"), (after, "medical")):
        assert (await caller.event("HotlineToAgent"))["Business"] == business
        await caller.hang_up()

    tidy = await load(box_ami, box_settings, configs["swapped"])  # nobody on the old version now
    assert names.version_file(old) in tidy.pruned
    assert not (reload_box.dialplan_dir / names.version_file(old)).exists()


async def test_a_reload_asterisk_does_not_take_is_rolled_back_by_itself(box_ami, box_settings, configs, reload_box, tmp_path):
    # A real misconfiguration: HOTLINE_DIALPLAN_LIVE_DIR is not the directory Asterisk includes.
    # The files swap, Asterisk reloads, and ShowDialPlan shows the new version is not there.
    await load(box_ami, box_settings, configs["fast"])
    await reload_module(box_ami, "pbx_config")  # forget contexts of files that load pruned
    wrong = tmp_path / "not-included"
    wrong.mkdir()
    for name in (names.ENTRY_FILE, *(p.name for p in reload_box.dialplan_dir.glob(names.VERSION_FILE_GLOB))):
        shutil.copy2(reload_box.dialplan_dir / name, wrong / name)
    settings = dataclasses.replace(box_settings, dialplan_live_dir=wrong)
    loaded_before, files_before = await listing(box_ami), files_of(wrong)

    attempt = await reload(box_ami, settings, config_path=configs["swapped"], catalog_path=CATALOG, who="test")

    assert attempt.result == "rolled_back", attempt.messages
    assert f"context hotline-v{attempt.version}-menu-main (from {names.version_file(attempt.version)}) is not loaded" in attempt.messages
    assert f"hotline-entry starts calls on version {attempt.previous_version}, not {attempt.version}" in attempt.messages
    assert files_of(wrong) == files_before  # the previous files are back
    assert await listing(box_ami) == loaded_before
    assert History(settings.var_dir).attempts()[-1].result == "rolled_back"


async def test_a_broken_hand_written_file_beside_ours_is_caught_before_the_swap(box_ami, box_settings, configs, reload_box):
    # One unparsable file in the included directory makes pbx_config drop every file after it:
    # loaded live, the whole hotline would vanish. The staged check loads the directory as it will be.
    await load(box_ami, box_settings, configs["fast"])
    broken = reload_box.dialplan_dir / "a-local.conf"
    broken.write_text("[local-override\nexten => s,1,NoOp()\n")
    try:
        loaded_before = await listing(box_ami)
        attempt = await reload(box_ami, box_settings, config_path=configs["swapped"], catalog_path=CATALOG)
        assert attempt.result == "refused"
        assert any("parse error: no closing ']'" in m and "a-local.conf" in m for m in attempt.messages), attempt.messages
        assert any(f"context hotline-v{attempt.version}-menu-main" in m for m in attempt.messages)
        assert await listing(box_ami) == loaded_before
    finally:
        broken.unlink()


async def test_two_reloads_at_once_the_second_is_told_one_is_in_progress(box_ami, box_settings, configs):
    results = await asyncio.gather(
        reload(box_ami, box_settings, config_path=configs["fast"], catalog_path=CATALOG, who="first"),
        reload(box_ami, box_settings, config_path=configs["swapped"], catalog_path=CATALOG, who="second"),
        return_exceptions=True)
    assert results[0].result == "ok"
    assert isinstance(results[1], ReloadInProgress) and "a reload is in progress" in str(results[1])
    recorded = {a.who: a.result for a in History(box_settings.var_dir).attempts()}
    assert recorded == {"first": "ok", "second": "busy"}


async def test_history_and_rollback(box_ami, box_settings, configs):
    first = await load(box_ami, box_settings, configs["fast"])
    second = await load(box_ami, box_settings, configs["swapped"])

    back = await rollback(box_ami, box_settings, who="ops")  # default: the version before
    assert (back.result, back.action, back.version, back.previous_version) == ("ok", "rollback", first.version, second.version)
    assert "menu main: key 1 medical -> pension" in back.changes
    assert entry_version(await loaded_dialplan(box_ami)) == first.version

    forward = await rollback(box_ami, box_settings, second.version)
    assert (forward.result, forward.version) == ("ok", second.version)
    assert entry_version(await loaded_dialplan(box_ami)) == second.version

    unknown = await rollback(box_ami, box_settings, "000000000000")
    assert unknown.result == "refused" and "version 000000000000 is not in the history" in unknown.messages[0]
    history = History(box_settings.var_dir).attempts("dialplan")
    assert [(a.action, a.result, a.version) for a in history][-4:] == [
        ("reload", "ok", second.version), ("rollback", "ok", first.version),
        ("rollback", "ok", second.version), ("rollback", "refused", None)]
    assert all(a.duration_ms > 0 and a.started_at.endswith("+00:00") for a in history)
