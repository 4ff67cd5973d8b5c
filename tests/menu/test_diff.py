"""The change summary a reload history shows."""
from __future__ import annotations

from ivr.menu import load_config
from ivr.menu.diff import summarise_change
from tests.menu.samples import SMALL, edit, write_config


def test_summary_names_menus_keys_and_settings(tmp_path):
    old = load_config(write_config(tmp_path, SMALL, "old.yaml"))
    text = edit(SMALL, '"2": {goto: ss_card}', '"2": {goto: ss_card}\n      "3": {goto: pension}')
    text = edit(text, '"1": {goto: pension}', '"1": {goto: ss_card}')
    text = edit(text, "    retries: 1\n", "    retries: 3\n")
    text = edit(text, '      "9": {agent: true}\n', "")
    text = edit(text, "  timeout_s: 5", "  timeout_s: 6")
    text += "  holiday:\n    title: holiday\n    prompt: goodbye\n    next: {goto: main}\n"
    new = load_config(write_config(tmp_path, text, "new.yaml"))
    assert summarise_change(old, new) == [
        "menus: added holiday",
        "menu main: key 1 pension -> ss_card",
        "menu main: key 3 added -> pension",
        "menu ss_card: key 9 removed",
        "menu ss_card: retries 1 -> 3",
        "defaults changed",
    ]


def test_no_change_and_first_version(tmp_path):
    config = load_config(write_config(tmp_path, SMALL))
    assert summarise_change(config, load_config(write_config(tmp_path, SMALL + "\n# a comment\n", "b.yaml"))) == []
    assert summarise_change(None, config) == ["first version: 5 menus"]
