"""For any valid menu tree: validation passes, rendering is stable, every jump lands."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from ivr.dialplan import config_version, dialplan_outline, render_dialplan
from ivr.dialplan import names
from ivr.menu import HotlineConfig, validate
from tests.dialplan.jumps import jump_targets, steps_by_place

HAND_WRITTEN = Path(__file__).resolve().parents[2] / "dialplans"
KEYS = list("123456789")


@st.composite
def menu_trees(draw) -> HotlineConfig:
    count = draw(st.integers(1, 7))
    menus: dict[str, dict] = {f"m{i}": {"title": f"menu {i}", "prompt": "menu_main", "keys": {}} for i in range(count)}
    menus["m0"]["back"] = "m0"  # keys below may lead back to m0 from several menus
    for child in range(1, count):  # a tree first, so every menu is reachable
        parent = draw(st.integers(0, child - 1))
        free = [k for k in KEYS if k not in menus[f"m{parent}"]["keys"]]
        menus[f"m{parent}"]["keys"][draw(st.sampled_from(free))] = {"goto": f"m{child}"}
        menus[f"m{child}"]["back"] = f"m{parent}"
    for menu_id, menu in menus.items():
        for key in draw(st.lists(st.sampled_from(KEYS), max_size=3, unique=True)):
            if key not in menu["keys"]:
                menu["keys"][key] = draw(st.sampled_from([
                    {"agent": True}, {"self_service": "balance"}, {"goto": "m0", "dialect": "cantonese"},
                ]))
        index = int(menu_id[1:])
        if index + 1 < count and draw(st.booleans()):  # silence only moves forward: no loops
            menu["on_timeout"] = {"goto": f"m{draw(st.integers(index + 1, count - 1))}"}
        menu["retries"] = draw(st.integers(0, 5))
        menu["timeout_s"] = draw(st.integers(1, 30))
    return HotlineConfig.model_validate({
        "name": "property", "default_dialect": "mandarin",
        "dialects": {"mandarin": {"name": "M", "language": "zh"}, "cantonese": {"name": "C", "language": "zh_yue"}},
        "business_lines": {"pension": {"name": "P"}},
        "defaults": {"business": "pension"},
        "self_service": {"balance": {"agi": "balance"}},
        "routing": {"dialects": ["mandarin", "cantonese"], "business_lines": ["pension"]},
        "entry": {"start": "m0"},
        "menus": menus,
    })


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(menu_trees())
def test_any_valid_tree_renders_to_dialplan_whose_jumps_all_land(config):
    assert validate(config) == []
    files = render_dialplan(config)
    assert files == render_dialplan(config.model_copy())
    text = "\n".join(files.values())
    places = steps_by_place(text)
    for path in sorted(HAND_WRITTEN.glob("hotline-*.conf")):
        places += steps_by_place(path.read_text(encoding="utf-8"))
    priorities = {(c, e, "1") for c, e, _, _ in places} | {(c, e, label) for c, e, label, _ in places if label}
    for context, exten, _, step in places:
        for target in jump_targets(step, context, exten):
            assert target in priorities, f"{step} jumps to missing {target}"
    outline = dialplan_outline(text)
    version = config_version(config)
    assert all(names.menu_context(version, menu_id) in outline for menu_id in config.menus)
