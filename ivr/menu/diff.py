"""What changed between two configurations, in a few lines an operator can read in a
reload history ("menu main: key 9 added -> pension")."""
from __future__ import annotations

from ivr.menu.models import Action, HotlineConfig, Menu

_MENU_FIELDS = ("title", "prompt", "business", "next", "on_timeout", "back", "timeout_s", "retries")


def summarise_change(old: HotlineConfig | None, new: HotlineConfig) -> list[str]:
    """Short lines, in config order; empty when nothing a caller could notice changed."""
    if old is None:
        return [f"first version: {len(new.menus)} menus"]
    lines: list[str] = []
    for section in ("dialects", "business_lines", "self_service", "menus"):
        before, after = getattr(old, section), getattr(new, section)
        added = [name for name in after if name not in before]
        removed = [name for name in before if name not in after]
        if added:
            lines.append(f"{section}: added {', '.join(added)}")
        if removed:
            lines.append(f"{section}: removed {', '.join(removed)}")
    for menu_id, menu in new.menus.items():
        if menu_id in old.menus and old.menus[menu_id] != menu:
            lines += [f"menu {menu_id}: {change}" for change in _menu_changes(old.menus[menu_id], menu)]
    for section in ("name", "default_dialect", "global_keys", "defaults", "routing", "entry"):
        if getattr(old, section) != getattr(new, section):
            lines.append(f"{section} changed")
    for section in ("dialects", "business_lines", "self_service"):
        before, after = getattr(old, section), getattr(new, section)
        changed = [name for name in after if name in before and before[name] != after[name]]
        if changed:
            lines.append(f"{section}: changed {', '.join(changed)}")
    return lines


def _menu_changes(old: Menu, new: Menu) -> list[str]:
    changes = []
    for key in new.keys:
        if key not in old.keys:
            changes.append(f"key {key} added -> {_say(new.keys[key])}")
        elif old.keys[key] != new.keys[key]:
            changes.append(f"key {key} {_say(old.keys[key])} -> {_say(new.keys[key])}")
    changes += [f"key {key} removed" for key in old.keys if key not in new.keys]
    for field in _MENU_FIELDS:
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            shown = (_say(before), _say(after)) if isinstance(after, Action) or isinstance(before, Action) else (before, after)
            changes.append(f"{field} {shown[0]} -> {shown[1]}")
    return changes


def _say(action: Action | None) -> str:
    if action is None:
        return "none"
    target = action.goto or (f"self-service {action.self_service}" if action.self_service else "agent")
    return f"{action.dialect}, {target}" if action.dialect else target
