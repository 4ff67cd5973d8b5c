"""Render a validated `HotlineConfig` into Asterisk 22 dialplan (extensions.conf syntax).

Pure and deterministic: the same config gives byte-identical text, whose header names a
version hash of the config, so a reload can tell what Asterisk has loaded.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from ivr.dialplan import names
from ivr.dialplan.menus import render_flow, render_menu
from ivr.dialplan.text import comment, extension, set_inherited, user_event, var
from ivr.menu.issues import ConfigError, errors_only
from ivr.menu.models import HotlineConfig
from ivr.menu.validate import validate

# Bump when the rendered shape changes, so the version hash changes with it.
RENDERER_VERSION = 1


def config_version(config: HotlineConfig, companions: Mapping[str, str] | None = None) -> str:
    """12 hex characters naming this config (and renderer), the same on every machine.
    `companions` (hand-written files deployed with it, by name) are part of the version when given."""
    parts: list[object] = [RENDERER_VERSION, config.model_dump(mode="json")]
    if companions:
        parts.append(sorted(companions.items()))
    canonical = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def render_dialplan(config: HotlineConfig, companions: Mapping[str, str] | None = None) -> dict[str, str]:
    """{file name: text} for dialplans/generated/: hotline-entry.conf (stable entry point)
    and hotline-v<version>.conf (every context of this version), plus `companions` (the
    hand-written contexts a reload deploys and versions with them). Refuses (ConfigError) a
    config that would render broken dialplan; prompts are the catalog's business, not checked here."""
    problems = errors_only(validate(config))
    if problems:
        raise ConfigError(problems)
    version = config_version(config, companions)
    entry = [_header(config, version, "the entry point: new calls start on this version")[:11] + [";" + "-" * 94], _entry(config, version)]
    body = [_header(config, version, "every context a call of this version runs"), _to_agent(version), _hangup(version)]
    body += [render_menu(config, version, menu_id) for menu_id in config.menus]
    body += [render_flow(version, flow_id, flow.agi) for flow_id, flow in config.self_service.items()]
    return {names.ENTRY_FILE: _join(entry), names.version_file(version): _join(body), **(companions or {})}


def _join(blocks: list[list[str]]) -> str:
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _header(config: HotlineConfig, version: str, holds: str) -> list[str]:
    keys = config.global_keys
    # The file name only: the same config must render the same bytes from any directory.
    source = Path(config.source.file).name if config.source.file else "the hotline configuration"
    lines = [
        "GENERATED FILE - DO NOT EDIT. Hand edits are lost on the next reload.",
        f"Rendered from {source} by ivr.dialplan (renderer {RENDERER_VERSION}).",
        f"Config version: {version} - this file holds {holds}.",
        f"Hotline: {config.name}",
        "",
        "Change the YAML, then `ivrctl dialplan check` and `ivrctl dialplan reload`.",
        "A reload loads the new version's contexts beside the old ones and points hotline-entry at",
        "them: calls already in a menu finish on their version; an old version's file may go once",
        f"no channel has {names.CONFIG_VERSION}={version} (or a context starting {names.version_prefix(version)}).",
        "",
        f"Global keys in every menu: {keys.agent} = agent, {keys.back} = previous menu, {keys.repeat} = repeat the menu.",
        "Invalid keys and silence replay the menu (after the invalid_key / no_input prompt) up to",
        "the menu's retry limit; the next miss goes to an agent. Nobody is hung up on for it.",
        "",
        "Needs from hand-written dialplan (dialplans/*.conf):",
        f"  [{names.AGENT_CONTEXT}]  Gosub({names.AGENT_CONTEXT},s,1(dialect,business)): queue the caller",
        f"  [{names.HOURS_CONTEXT}]  Gosub({names.HOURS_CONTEXT},s,1(dialect,business)): returns while",
        "                   agents are on duty; after hours it takes the call over",
        f"  global {names.AGI_BASE}  agi://host:port of the self-service FastAGI server",
        "",
        f"Channel variables: {names.CALL_ID}, {names.DIALECT}, {names.BUSINESS} (inherited),",
        f"  {names.MENU}, {names.TRIES}, {names.AGENT_REASON}, {names.FLOW_RESULT}, {names.CONFIG_VERSION}.",
        "UserEvents (each with CallID, never caller data): "
        + ", ".join([names.EVENT_CALL_START, names.EVENT_MENU, names.EVENT_KEY, names.EVENT_INVALID_KEY]) + ",",
        "  " + ", ".join([names.EVENT_TIMEOUT, names.EVENT_SELF_SERVICE, names.EVENT_TO_AGENT, names.EVENT_CALL_END]) + ".",
    ]
    rule = ";" + "-" * 94
    return [rule, *(comment(line) for line in lines), rule]


def _entry(config: HotlineConfig, version: str) -> list[str]:
    dialect = config.default_dialect
    steps = [
        f"NoOp(12333 hotline, config version {version})",
        # An originator (tests, transfers) may bring its own call id; keep it so events join up.
        f'ExecIf($["{var(names.CALL_ID)}" = ""]?{set_inherited(names.CALL_ID, var("UNIQUEID"))})',
        set_inherited(names.CONFIG_VERSION, version),
        set_inherited(names.DIALECT, dialect),
        f"Set(CHANNEL(language)={config.dialects[dialect].language})",
        set_inherited(names.BUSINESS, config.defaults.business),
        f"Set(CHANNEL(hangup_handler_push)={names.hangup_context(version)},s,1)",
        "Answer()",
        user_event(names.EVENT_CALL_START, ("Version", version), ("Dialect", dialect)),
        f"Goto({names.menu_context(version, config.entry.start)},s,1)",
    ]
    lines = [
        f"[{names.ENTRY_CONTEXT}]",
        comment("Every call starts here: extension s, or a dialled hotline number. The caller starts on"),
        comment(f"the {dialect} line ({config.dialects[dialect].language}) until a menu switches it."),
        *extension("s", steps),
    ]
    for number in config.entry.numbers:
        lines += extension(number, ["Goto(s,1)"])
    return lines


def _to_agent(version: str) -> list[str]:
    lines = [
        f"[{names.to_agent_context(version)}]",
        comment("Every way to a person goes through here, so the router and the service see one event."),
        comment("The extension says why: " + ", ".join(names.AGENT_REASONS) + "."),
    ]
    for reason in names.AGENT_REASONS:
        lines += extension(reason, [f"Set({names.AGENT_REASON}={reason})", "Goto(route,1)"])
    route = [
        user_event(
            names.EVENT_TO_AGENT,
            ("Menu", var(names.MENU)),
            ("Dialect", var(names.DIALECT)),
            ("Business", var(names.BUSINESS)),
            ("Reason", var(names.AGENT_REASON)),
        ),
        f"Gosub({names.HOURS_CONTEXT},s,1({var(names.DIALECT)},{var(names.BUSINESS)}))",
        f"Gosub({names.AGENT_CONTEXT},s,1({var(names.DIALECT)},{var(names.BUSINESS)}))",
        "Hangup()",
    ]
    lines.append(comment(f"After hours {names.HOURS_CONTEXT} keeps the call; {names.AGENT_CONTEXT} returns when the call is done."))
    return lines + extension("route", route)


def _hangup(version: str) -> list[str]:
    return [
        f"[{names.hangup_context(version)}]",
        comment("Hangup handler pushed at entry: tells the service where the caller left."),
        *extension("s", [user_event(names.EVENT_CALL_END, ("Menu", var(names.MENU))), "Return()"]),
    ]
