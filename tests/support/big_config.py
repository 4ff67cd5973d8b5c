"""A valid hotline.yaml of any number of menus (the bench and the bounded-input tests).

The demo config's sections with its menus replaced by a tree: every menu offers keys 1-9,
each leading to the next menus of the tree; a menu without children queues for an agent.
Every menu is reachable, has one referrer and no silent loop, so the text validates clean.
"""
from __future__ import annotations

from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "config" / "hotline.yaml"
LINES = ("pension", "medical", "unemployment", "work_injury", "employment", "labour_relations", "personnel", "ss_card")


def hotline_yaml(menus: int) -> str:
    head = DEMO.read_text(encoding="utf-8").split("\nentry:", 1)[0]
    out = [head, "entry:", "  start: m0", "menus:"]
    for index in range(menus):
        children = [child for child in range(9 * index + 1, 9 * index + 10) if child < menus]
        out.append(f"  m{index}:")
        out.append(f"    title: \"菜单 menu {index}\"")
        out.append("    prompt: menu_main")
        out.append(f"    business: {LINES[index % len(LINES)]}")
        if children:
            keys = ", ".join(f"\"{key}\": {{goto: m{child}}}" for key, child in enumerate(children, start=1))
        else:
            keys = "\"1\": {agent: true}, \"2\": {self_service: balance}"
        out.append(f"    keys: {{{keys}}}")
    return "\n".join(out) + "\n"
