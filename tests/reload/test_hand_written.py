"""The hand-written contexts go live with the generated ones in one reload, as one version:
a change to them alone is a new version, a rollback brings their old text back, and a reload
Asterisk does not take puts them back as they were."""
from __future__ import annotations

import dataclasses
import shutil

from ivr.dialplan import names
from ivr.dialplan.live_asterisk import reload_module
from ivr.dialplan.reload import reload, rollback
from tests.reload.configs import CATALOG, FAST, write
from tests.reload.conftest import listing

OURS = "hotline-zz-test.conf"


def hand_written(directory, word: str):
    directory.mkdir(exist_ok=True)
    (directory / OURS).write_text(f"[hotline-zz-test]\nexten => s,1,NoOp({word})\n", encoding="utf-8")
    return directory


async def said(ami) -> list[str]:
    return [row[4] for row in await listing(ami) if row[0] == "hotline-zz-test"]


async def test_hand_written_contexts_are_versioned_with_the_generated_ones(box_ami, box_settings, reload_box, tmp_path):
    settings = dataclasses.replace(box_settings, hand_written_dir=hand_written(tmp_path / "hand", "one"))
    config = write(tmp_path, FAST, "fast.yaml")
    live = reload_box.dialplan_dir
    try:
        first = await reload(box_ami, settings, config_path=config, catalog_path=CATALOG, who="test")
        assert first.result == "ok", first.messages
        assert await said(box_ami) == ["one"]

        hand_written(tmp_path / "hand", "two")  # the same config, a changed hand-written context
        second = await reload(box_ami, settings, config_path=config, catalog_path=CATALOG, who="test")
        assert second.result == "ok", second.messages
        assert second.version != first.version
        assert await said(box_ami) == ["two"]

        back = await rollback(box_ami, settings, who="test")
        assert (back.result, back.version) == ("ok", first.version), back.messages
        assert (live / OURS).read_text() == "[hotline-zz-test]\nexten => s,1,NoOp(one)\n"
        assert await said(box_ami) == ["one"]
    finally:
        (live / OURS).unlink(missing_ok=True)
        await reload_module(box_ami, "pbx_config")


async def test_a_reload_asterisk_does_not_take_puts_the_hand_written_files_back(box_ami, box_settings, reload_box,
                                                                               tmp_path):
    # HOTLINE_DIALPLAN_LIVE_DIR that is not the directory Asterisk includes: the new version is
    # never seen loaded, and the swap is undone, hand-written files included.
    config = write(tmp_path, FAST, "fast.yaml")
    wrong = tmp_path / "not-included"
    wrong.mkdir()
    for name in (names.ENTRY_FILE, *(p.name for p in reload_box.dialplan_dir.glob(names.VERSION_FILE_GLOB))):
        shutil.copy2(reload_box.dialplan_dir / name, wrong / name)
    hand_written(wrong, "before")
    settings = dataclasses.replace(box_settings, dialplan_live_dir=wrong,
                                   hand_written_dir=hand_written(tmp_path / "hand", "after"))

    attempt = await reload(box_ami, settings, config_path=config, catalog_path=CATALOG, who="test")

    assert attempt.result == "rolled_back", attempt.messages
    assert (wrong / OURS).read_text() == "[hotline-zz-test]\nexten => s,1,NoOp(before)\n"
