"""Meaning checks on a typed config: names point at things that exist, values are in range,
every menu is reachable, no caller can be trapped, and the router and the prompt catalog
know everything the menus use. Returns every issue found; raises nothing.
"""
from __future__ import annotations

import re
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator, Mapping

from ivr.menu.catalog import PromptCatalog, load_catalog
from ivr.menu.graph import actions_of, key_referrers, reachable, silent_loops
from ivr.menu.issues import ConfigError, Issue
from ivr.menu.models import Action, HotlineConfig
from ivr.menu.speech import validate_speech

TIMEOUT_RANGE_S = (1, 30)  # under 1 s nobody can answer; over 30 s callers think the line died
RETRIES_RANGE = (0, 5)
KEYPAD = "0123456789*#"
# Names end up inside dialplan (context names, Goto/AGI arguments): keep them plain.
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*\Z")
PROMPT_ID = re.compile(r"[a-z0-9_]+(/[a-z0-9_]+)*\Z")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(_[a-z0-9]+)*\Z")
NUMBER = re.compile(r"[0-9]+\Z")


def validate(config: HotlineConfig, catalog: PromptCatalog | str | Path | None = None) -> list[Issue]:
    """All problems in `config`. `catalog` is a loaded catalog or the path of one; prompts
    are checked only when it is given. A path that does not exist is a warning (prompts
    unchecked), not an error: it must not block a menu change, but the operator should know."""
    checks = [_names, _global_keys, _menu_shapes, _references, _router_knows, _ranges, _graph, validate_speech]
    issues = [issue for check in checks for issue in check(config)]
    if isinstance(catalog, (str, Path)):
        catalog, catalog_issues = _read_catalog(Path(catalog))
        issues += catalog_issues
    if catalog is not None:
        issues += list(_prompts(config, catalog))
    return issues


def _read_catalog(path: Path) -> tuple[PromptCatalog | None, list[Issue]]:
    if not path.exists():
        return None, [Issue("catalog-missing", (), f"prompt catalog {path} does not exist, prompts were not checked", "build the prompt catalog or pass --catalog", str(path), severity="warning")]
    try:
        return load_catalog(path), []
    except ConfigError as error:
        return None, error.issues


def _names(config: HotlineConfig) -> Iterator[Issue]:
    src = config.source
    groups: dict[str, Mapping[str, object]] = {"menus": config.menus, "dialects": config.dialects, "business_lines": config.business_lines, "self_service": config.self_service}
    for section, entries in groups.items():
        for name in entries:
            if not IDENTIFIER.match(name):
                yield src.issue("bad-name", (section, name), f"'{name}' is not a usable name", "use lowercase letters, digits and _ , starting with a letter")
    for name, flow in config.self_service.items():
        if not IDENTIFIER.match(flow.agi):
            yield src.issue("bad-name", ("self_service", name, "agi"), f"AGI script name '{flow.agi}' is not plain", "use lowercase letters, digits and _")
    for name, dialect in config.dialects.items():
        if not LANGUAGE_CODE.match(dialect.language):
            yield src.issue("bad-language", ("dialects", name, "language"), f"'{dialect.language}' is not an Asterisk language code", "use a code like zh, zh_yue or za")
    for index, number in enumerate(config.entry.numbers):
        if not NUMBER.match(number):
            yield src.issue("bad-number", ("entry", "numbers", index), f"'{number}' is not a dialled number", "write digits only, quoted, e.g. \"12333\"")
    for path, prompt in _prompts_used(config):
        if not PROMPT_ID.match(prompt):
            yield src.issue("bad-name", path, f"'{prompt}' is not a prompt id", "use lowercase letters, digits, _ and /")
    texts = [(("name",), config.name)] + [(("menus", m, "title"), menu.title) for m, menu in config.menus.items()]
    texts += [(("dialects", d, "name"), v.name) for d, v in config.dialects.items()]
    texts += [(("business_lines", b, "name"), v.name) for b, v in config.business_lines.items()]
    for path, text in texts:
        if "\n" in text or "\r" in text:
            yield src.issue("multi-line", path, "names and titles must fit on one line", "remove the line break")


def _global_keys(config: HotlineConfig) -> Iterator[Issue]:
    seen: dict[str, str] = {}
    for role, key in config.global_keys.model_dump().items():
        path = ("global_keys", role)
        if len(key) != 1 or key not in KEYPAD:
            yield config.source.issue("bad-key", path, f"'{key}' is not a keypad key", f"use one of {' '.join(KEYPAD)} (quote * and #)")
        elif key in seen:
            yield config.source.issue("duplicate-key", path, f"'{key}' is already the global {seen[key]} key", "give each global key its own keypad key")
        seen.setdefault(key, role)


def _menu_shapes(config: HotlineConfig) -> Iterator[Issue]:
    src = config.source
    global_roles = {key: role for role, key in config.global_keys.model_dump().items()}
    for menu_id, menu in config.menus.items():
        here = ("menus", menu_id)
        if menu.is_announcement and menu.keys:
            yield src.issue("invalid-value", here + ("next",), "a menu with keys cannot also have next (next makes it an announcement)", "remove next, and use on_timeout to say what silence does")
        if menu.is_announcement and menu.on_timeout is not None:
            yield src.issue("invalid-value", here + ("on_timeout",), "an announcement does not wait for keys, so it has no timeout", "remove on_timeout, or use next")
        for name in ("next", "on_timeout"):
            action = getattr(menu, name)
            if action is not None and action.self_service:
                yield src.issue("invalid-value", here + (name, "self_service"), f"{name} cannot start a self-service flow: only a key press can", "use goto: <menu> or agent: true here")
        for key in menu.keys:
            if len(key) != 1 or key not in KEYPAD:
                yield src.issue("bad-key", here + ("keys", key), f"'{key}' is not a single keypad key", f"use one of {' '.join(KEYPAD)} (quote * and #)")
            elif key in global_roles:
                yield src.issue("global-key-clash", here + ("keys", key), f"key '{key}' is the global {global_roles[key]} key in every menu", "pick another key, or change global_keys")


def _references(config: HotlineConfig) -> Iterator[Issue]:
    src = config.source
    menus, dialects, lines = config.menus, config.dialects, config.business_lines

    def missing(path: tuple[str, ...], kind: str, name: str, known: Iterable[str]) -> Issue:
        return src.issue("dangling-target", path, f"{kind} '{name}' does not exist", f"use one of: {', '.join(known) or '(none defined)'}")

    if config.entry.start not in menus:
        yield missing(("entry", "start"), "menu", config.entry.start, menus)
    if config.default_dialect not in dialects:
        yield missing(("default_dialect",), "dialect", config.default_dialect, dialects)
    if config.defaults.business not in lines:
        yield missing(("defaults", "business"), "business line", config.defaults.business, lines)
    for menu_id, menu in config.menus.items():
        here = ("menus", menu_id)
        if menu.business and menu.business not in lines:
            yield missing(here + ("business",), "business line", menu.business, lines)
        if menu.back and menu.back not in menus:
            yield missing(here + ("back",), "menu", menu.back, menus)
        for sub, action in actions_of(menu):
            yield from _action_references(config, here + sub, action, missing)


def _action_references(config: HotlineConfig, path: tuple[str, ...], action: Action,
                       missing: Callable[[tuple[str, ...], str, str, Iterable[str]], Issue]) -> Iterator[Issue]:
    if action.goto and action.goto not in config.menus:
        yield missing(path + ("goto",), "menu", action.goto, config.menus)
    if action.self_service and action.self_service not in config.self_service:
        yield missing(path + ("self_service",), "self-service flow", action.self_service, config.self_service)
    if action.dialect and action.dialect not in config.dialects:
        yield missing(path + ("dialect",), "dialect", action.dialect, config.dialects)


def _router_knows(config: HotlineConfig) -> Iterator[Issue]:
    for dialect in config.dialects:
        if dialect not in config.routing.dialects:
            yield config.source.issue("unknown-to-router", ("dialects", dialect), f"the router does not know dialect '{dialect}'", "add it to routing.dialects once the router has queues for it, or remove the dialect")
    for line in config.business_lines:
        if line not in config.routing.business_lines:
            yield config.source.issue("unknown-to-router", ("business_lines", line), f"the router does not know business line '{line}'", "add it to routing.business_lines once the router has queues for it, or remove the line")


def _ranges(config: HotlineConfig) -> Iterator[Issue]:
    values: list[tuple[tuple[str, ...], int | None, int | None]] = [(("defaults",), config.defaults.timeout_s, config.defaults.retries)]
    values += [(("menus", m), menu.timeout_s, menu.retries) for m, menu in config.menus.items()]
    for path, timeout, retries in values:
        low, high = TIMEOUT_RANGE_S
        if timeout is not None and not low <= timeout <= high:
            yield config.source.issue("out-of-range", path + ("timeout_s",), f"timeout of {timeout} s is out of range", f"use {low} to {high} seconds")
        low, high = RETRIES_RANGE
        if retries is not None and not low <= retries <= high:
            yield config.source.issue("out-of-range", path + ("retries",), f"{retries} retries is out of range", f"use {low} to {high}")
    replays = [(("defaults",), config.defaults.silence_replays)] + [(("menus", m), menu.silence_replays) for m, menu in config.menus.items()]
    for path, count in replays:
        low, high = RETRIES_RANGE
        if count is not None and not low <= count <= high:
            yield config.source.issue("out-of-range", path + ("silence_replays",), f"{count} silence replays is out of range", f"use {low} to {high}")


def _graph(config: HotlineConfig) -> Iterator[Issue]:
    src = config.source
    if config.entry.start not in config.menus:
        return  # reported as a dangling target; reachability would flag every menu
    seen = reachable(config)
    for menu_id in config.menus:
        if menu_id not in seen:
            yield src.issue("unreachable", ("menus", menu_id), f"no caller can reach menu '{menu_id}' from entry.start '{config.entry.start}'", "lead a key of another menu to it (goto), or delete it")
    for loop in silent_loops(config):
        trail = " -> ".join(loop + [loop[0]])
        yield src.issue("silent-loop", ("menus", loop[0]), f"a caller who presses nothing goes round {trail} for ever, never reaching an agent", "end the loop: let silence replay the menu (remove on_timeout) or lead next/on_timeout elsewhere")
    for menu_id, menu in config.menus.items():
        referrers = key_referrers(config, menu_id)
        if not menu.is_announcement and menu.back is None and len(referrers) > 1:
            yield src.issue("ambiguous-back", ("menus", menu_id), f"menu '{menu_id}' is reached from {', '.join(referrers)}, so '{config.global_keys.back}' (back) has no single previous menu", f"add back: <one of {', '.join(referrers)}>")


def _prompts_used(config: HotlineConfig) -> list[tuple[tuple[str, ...], str]]:
    used = [(("defaults", "invalid_key_prompt"), config.defaults.invalid_key_prompt), (("defaults", "no_input_prompt"), config.defaults.no_input_prompt),
            (("defaults", "silence_to_agent_prompt"), config.defaults.silence_to_agent_prompt)]
    return used + [(("menus", m, "prompt"), menu.prompt) for m, menu in config.menus.items()]


def _prompts(config: HotlineConfig, catalog: PromptCatalog) -> Iterator[Issue]:
    for name, dialect in config.dialects.items():
        if catalog.languages and dialect.language not in catalog.languages:
            yield config.source.issue("language-without-prompts", ("dialects", name, "language"), f"the prompt catalog has no language '{dialect.language}'; callers on this line hear fallback prompts", f"add it to the catalog, or use one of: {', '.join(sorted(catalog.languages))}", severity="warning")
    for path, prompt in _prompts_used(config):
        if PROMPT_ID.match(prompt) and prompt not in catalog:
            yield config.source.issue("missing-prompt", path, f"prompt '{prompt}' is not in the prompt catalog {catalog.path}", "record it and add it to the catalog, or use an id the catalog has")
