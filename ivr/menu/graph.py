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
    return _referrers(config).get(menu_id, [])


def _referrers(config: HotlineConfig) -> dict[str, list[str]]:
    """Every menu's referrers in file order, computed once per config: asked of every menu by
    the validator and the renderer, a scan per menu made both quadratic (2,000 menus: 35 s)."""
    cache = config.graph_cache
    if "referrers" not in cache:
        found: dict[str, list[str]] = {}
        for other_id, other in config.menus.items():
            targets = [action.goto for action in other.keys.values()]
            targets += [other.on_timeout.goto] if other.on_timeout else []
            for target in dict.fromkeys(t for t in targets if t and t != other_id):
                found.setdefault(target, []).append(other_id)
        cache["referrers"] = found
    referrers: dict[str, list[str]] = cache["referrers"]
    return referrers


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
    """Cycles of automatic moves, each listed once, starting at its earliest menu in the file.

    Each menu has at most one automatic successor (the earliest in the file when it has two),
    so every menu is walked once: linear in the number of menus."""
    order = {menu_id: index for index, menu_id in enumerate(config.menus)}
    successor: dict[str, str | None] = {}
    for menu_id, menu in config.menus.items():
        nexts = [t for t in automatic_edges(menu) if t in config.menus]
        successor[menu_id] = min(nexts, key=order.__getitem__) if nexts else None
    loops: list[list[str]] = []
    done: set[str] = set()
    for start in config.menus:
        path: list[str] = []
        on_path: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = successor[node]
        if node is not None and node in on_path:
            cycle = path[on_path[node]:]
            first = min(cycle, key=order.__getitem__)
            at = cycle.index(first)
            loops.append(cycle[at:] + cycle[:at])
        done.update(path)
    return loops
