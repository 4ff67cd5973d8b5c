"""Render one menu (or announcement) and one self-service flow into a context each.

Why Background()+WaitExten() and not Read(): each key becomes an extension of the menu's
context, so a key pressed during the prompt cuts it short and jumps straight there, the
invalid-key (`i`) and silence (`t`) paths are the standard ones, and the loaded dialplan
(ShowDialPlan) shows every key the config defines. Read() treats # as "end of input", so
'# = repeat' would be indistinguishable from an empty entry, and every branch would be a
GotoIf chain hidden inside one extension.
"""
from __future__ import annotations

from ivr.dialplan import names
from ivr.dialplan.text import comment, extension, set_inherited, user_event, var
from ivr.menu.graph import back_target
from ivr.menu.models import Action, HotlineConfig, Menu
from ivr.speech import dialplan as speech  # the speech hook; module import: the two import each other


def render_menu(config: HotlineConfig, version: str, menu_id: str) -> list[str]:
    menu = config.menus[menu_id]
    business = menu.business or config.defaults.business
    enter = [
        f"Set({names.MENU}={menu_id})",
        set_inherited(names.BUSINESS, business),
        f"Set({names.TRIES}=0)",
        f"Set({names.SILENCES}=0)",
        user_event(names.EVENT_MENU, ("Menu", menu_id), ("Dialect", var(names.DIALECT)), ("Business", business)),
    ]
    if menu.is_announcement:
        # Playback, not Background: a key pressed here would find no extension to go to.
        steps = enter + [f"Playback({menu.prompt})"] + action_steps(config, version, menu.next, "announcement")
        return [f"[{names.menu_context(version, menu_id)}]", *_describe(config, menu_id, menu), *extension("s", steps)]
    timeout = config.timeout_of(menu)
    lines = [f"[{names.menu_context(version, menu_id)}]", *_describe(config, menu_id, menu)]
    listen = speech.speech_steps(config, menu_id)  # [] unless the menu listens
    wait = f"(keys)WaitExten({timeout})" if listen else f"WaitExten({timeout})"
    lines += extension("s", enter + [f"(prompt)Background({menu.prompt})", *listen, wait])
    lines += speech.speech_extensions(config, version, menu_id)
    for key, action in menu.keys.items():
        event = user_event(names.EVENT_KEY, ("Menu", menu_id), ("Key", key), ("Action", action.kind), ("Target", _target(action)))
        lines += extension(key, [event] + action_steps(config, version, action, "key"))
    lines += _global_keys(config, version, menu_id)
    lines += _invalid_and_silence(config, version, menu_id, menu)
    return lines


def action_steps(config: HotlineConfig, version: str, action: Action, reason: str) -> list[str]:
    """What a key, silence or an announcement's end does, as dialplan steps."""
    steps, to_agent = [], names.to_agent_context(version)
    if action.dialect:
        steps += [set_inherited(names.DIALECT, action.dialect), f"Set(CHANNEL(language)={config.dialects[action.dialect].language})"]
    if action.goto:
        return steps + [f"Goto({names.menu_context(version, action.goto)},s,1)"]
    if action.self_service:
        result = var(names.FLOW_RESULT)
        return steps + [
            f"Gosub({names.flow_context(version, action.self_service)},s,1)",
            f'GotoIf($["{result}" = "done"]?s,1)',  # back to this menu: there may be more to do
            f'GotoIf($["{result}" = "agent"]?{to_agent},flow-agent,1)',
            f"Goto({to_agent},flow-failed,1)",
        ]
    return steps + [f"Goto({to_agent},{reason},1)"]


def _global_keys(config: HotlineConfig, version: str, menu_id: str) -> list[str]:
    keys, to_agent = config.global_keys, names.to_agent_context(version)
    back = back_target(config, menu_id)
    agent = user_event(names.EVENT_KEY, ("Menu", menu_id), ("Key", keys.agent), ("Action", "agent"), ("Target", "agent"))
    lines = extension(keys.agent, [agent, f"Goto({to_agent},key,1)"])
    if back:
        event = user_event(names.EVENT_KEY, ("Menu", menu_id), ("Key", keys.back), ("Action", "back"), ("Target", back))
        lines += extension(keys.back, [event, f"Goto({names.menu_context(version, back)},s,1)"])
    else:  # the first menu a caller hears has nothing before it: * repeats it
        event = user_event(names.EVENT_KEY, ("Menu", menu_id), ("Key", keys.back), ("Action", "repeat"), ("Target", menu_id))
        lines += extension(keys.back, [event, "Goto(s,prompt)"])
    event = user_event(names.EVENT_KEY, ("Menu", menu_id), ("Key", keys.repeat), ("Action", "repeat"), ("Target", menu_id))
    return lines + extension(keys.repeat, [event, "Goto(s,prompt)"])


def _invalid_and_silence(config: HotlineConfig, version: str, menu_id: str, menu: Menu) -> list[str]:
    retries, to_agent = config.retries_of(menu), names.to_agent_context(version)
    tries = var(names.TRIES)
    count = f"Set({names.TRIES}=$[{tries} + 1])"
    give_up = f"GotoIf($[{tries} > {retries}]?{to_agent},retries,1)"
    # Only the first character: a caller typing an ID number at a menu must not end up in events.
    invalid = user_event(names.EVENT_INVALID_KEY, ("Menu", menu_id), ("Key", "${INVALID_EXTEN:0:1}"), ("Attempt", tries))
    lines = extension("i", [count, invalid, give_up, f"Background({config.defaults.invalid_key_prompt})", "Goto(s,prompt)"])
    if menu.on_timeout:
        action = menu.on_timeout
        event = user_event(names.EVENT_TIMEOUT, ("Menu", menu_id), ("Attempt", "0"), ("Action", action.kind), ("Target", _target(action)))
        return lines + extension("t", [event] + action_steps(config, version, action, "timeout"))
    # Silence has its own count: a caller waiting for a person reaches one after
    # `silence_replays` replays, told so, rather than hearing a long menu again and again.
    silences, replays = var(names.SILENCES), config.silence_replays_of(menu)
    replay = user_event(names.EVENT_TIMEOUT, ("Menu", menu_id), ("Attempt", silences), ("Action", "replay"), ("Target", menu_id))
    agent = user_event(names.EVENT_TIMEOUT, ("Menu", menu_id), ("Attempt", silences), ("Action", "agent"), ("Target", "agent"))
    return lines + extension("t", [
        f"Set({names.SILENCES}=$[{silences} + 1])",
        f"GotoIf($[{silences} > {replays}]?to_agent)",
        replay, f"Background({config.defaults.no_input_prompt})", "Goto(s,prompt)",
        f"(to_agent){agent}", f"Playback({config.defaults.silence_to_agent_prompt})", f"Goto({to_agent},timeout,1)",
    ])


def _describe(config: HotlineConfig, menu_id: str, menu: Menu) -> list[str]:
    business = menu.business or f"{config.defaults.business} (default)"
    head = [comment(f"{menu.title} - menu '{menu_id}', prompt {menu.prompt}, business line {business}")]
    if menu.is_announcement:
        return head + [comment(f"Announcement: plays once, then {_say(menu.next)}.")]
    keys = config.global_keys
    back = back_target(config, menu_id)
    head.append(comment(f"Waits {config.timeout_of(menu)} s; {config.retries_of(menu)} replays after an invalid key, "
                        f"{config.silence_replays_of(menu)} after silence, then an agent."))
    head += [comment(f"  {key}  {_say(action)}") for key, action in menu.keys.items()]
    head.append(comment(f"  {keys.agent} agent | {keys.back} {'back to ' + back if back else 'repeat'} | {keys.repeat} repeat"))
    if menu.on_timeout:
        head.append(comment(f"  silence: {_say(menu.on_timeout)}"))
    return head


def _say(action: Action | None) -> str:
    if action is None:
        return "nothing"
    switch = f"switch to {action.dialect}, then " if action.dialect else ""
    if action.goto:
        return f"{switch}menu {action.goto}"
    if action.self_service:
        return f"{switch}self-service {action.self_service}"
    return f"{switch}agent"


def _target(action: Action) -> str:
    return action.goto or action.self_service or "agent"


def render_flow(version: str, flow_id: str, agi_script: str) -> list[str]:
    result = var(names.FLOW_RESULT)
    steps = [
        f"Set({names.FLOW_RESULT}=)",
        f"AGI({var(names.AGI_BASE)}/{agi_script},{var(names.DIALECT)},{var(names.BUSINESS)},{var(names.CALL_ID)})",
        # AGISTATUS is FAILURE when the FastAGI server is down or times out: send to an agent.
        f'GotoIf($["{var("AGISTATUS")}" != "SUCCESS"]?failed)',
        f'GotoIf($["{result}" = "done"]?report)',
        f'GotoIf($["{result}" = "agent"]?report)',
        f"(failed)Set({names.FLOW_RESULT}=failed)",
        "(report)" + user_event(names.EVENT_SELF_SERVICE, ("Menu", var(names.MENU)), ("Flow", flow_id), ("Result", result), ("AgiStatus", var("AGISTATUS"))),
        "Return()",
    ]
    return [
        f"[{names.flow_context(version, flow_id)}]",
        comment(f"Self-service flow '{flow_id}': FastAGI script {agi_script}, args dialect, business, call id."),
        comment(f"The script sets {names.FLOW_RESULT}: done (back to the menu) or agent (caller wants a person)."),
        comment("Anything else, or the AGI failing, counts as failed: the caller goes to an agent."),
        *extension("s", steps),
    ]
