"""The menu tree as a graph: where each menu leads, who reaches it, where * goes back to.

Pure functions over a `HotlineConfig`; the validator and the dialplan renderer share them
so that what we check is exactly what we render.
"""
from __future__ import annotations

from ivr.menu.models import Action, HotlineConfig, Menu


def actions_of(menu: Menu) -> list[tuple[tuple[str, ...], Action]]:
    """Every action of a menu with its key path inside the menu, in file order."""
    found: list[tuple[tuple[str, ...], Action]] = [(("keys", key), action) for key, action in menu.keys.items()]
    found += [((name,), action) for name in ("next", "on_timeout") if (action := getattr(menu, name))]
    return found


def automatic_edges(menu: Menu) -> list[str]:
    """Menus a caller is moved to without pressing anything (after an announcement, on silence).

    A cycle of these is a loop a silent caller can never leave: each hop resets the retry
    count, so the retry limit that would send them to an agent is never reached.
    """
    return [action.goto for action in (menu.next, menu.on_timeout) if action and action.goto]


def key_referrers(config: HotlineConfig, menu_id: str) -> list[str]:
    """Menus whose keys or silence lead to `menu_id` (announcements do not count as 'previous')."""
    found = []
    for other_id, other in config.menus.items():
        targets = [action.goto for action in other.keys.values()]
        targets += [other.on_timeout.goto] if other.on_timeout else []
        if other_id != menu_id and menu_id in targets:
            found.append(other_id)
    return found


def back_target(config: HotlineConfig, menu_id: str) -> str | None:
    """Where * leads from `menu_id`: `back:`, else the one menu leading here, else nowhere
    (then * repeats the menu, as on the first menu a caller hears)."""
    menu = config.menus[menu_id]
    if menu.back:
        return menu.back
    referrers = key_referrers(config, menu_id)
    return referrers[0] if len(referrers) == 1 else None


def reachable(config: HotlineConfig) -> set[str]:
    seen: set[str] = set()
    todo = [config.entry.start] if config.entry.start in config.menus else []
    while todo:
        menu_id = todo.pop()
        if menu_id in seen:
            continue
        seen.add(menu_id)
        menu = config.menus[menu_id]
        targets = [action.goto for _, action in actions_of(menu) if action.goto]
        targets += [menu.back] if menu.back else []
        todo.extend(target for target in targets if target in config.menus)
    return seen


def silent_loops(config: HotlineConfig) -> list[list[str]]:
    """Cycles of automatic moves, each listed once, starting at its earliest menu in the file."""
    order = {menu_id: index for index, menu_id in enumerate(config.menus)}
    loops: list[list[str]] = []
    seen_sets: set[frozenset[str]] = set()
    for start in config.menus:
        path = [start]
        while True:
            nexts = [t for t in automatic_edges(config.menus[path[-1]]) if t in config.menus]
            if not nexts:
                break
            target = nexts[0] if len(nexts) == 1 else min(nexts, key=order.__getitem__)
            if target in path:
                cycle = path[path.index(target):]
                first = min(cycle, key=order.__getitem__)
                cycle = cycle[cycle.index(first):] + cycle[: cycle.index(first)]
                if frozenset(cycle) not in seen_sets:
                    seen_sets.add(frozenset(cycle))
                    loops.append(cycle)
                break
            path.append(target)
    return loops
