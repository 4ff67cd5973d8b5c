"""The speech step of a listening menu, as dialplan. Pure; called from ivr.dialplan.menus.

Between the menu prompt (Background: keys during it jump straight to their extension) and
WaitExten, a menu listed in speech.menus runs:

    GotoIf(speech off?keys)                    ; global HOTLINE_SPEECH=on while the service
    AGI(${HOTLINE_AGI}/speech,<menu>,<call>)   ;   has a model and its AudioSocket server up
    UserEvent(HotlineSpeech, Result, Reason, Intent)
    result intent  -> Goto(speech-<intent>,1)  ; the intent's action, like a key's
    result key     -> Goto(<key>,1)            ; a key pressed while listening: the key's path
    result silence -> Goto(t,1)                ; the menu's own no-input path
    (keys)WaitExten(<timeout>)                 ; anything else: the keypad menu, unchanged

The AGI script bridges the call's audio to the service over AudioSocket (no shared files),
recognises it, asks for confirmation by key when unsure, and sets the variables below.
If the service or the script fails, AGISTATUS is FAILURE, no result is set, and the caller
simply has the keypad menu.
"""
from __future__ import annotations

from ivr.dialplan import names
from ivr import userevents
from ivr.dialplan.text import extension, user_event, var
from ivr.menu.models import HotlineConfig

AGI_SCRIPT = "speech"
SWITCH = "HOTLINE_SPEECH"  # global: "on" while the service can listen
RESULT = "HOTLINE_SPEECH_RESULT"  # intent | key | silence | keypad | off
REASON = "HOTLINE_SPEECH_REASON"  # confident, confirmed, no-match, ambiguous, failure, ...
INTENT = "HOTLINE_SPEECH_INTENT"
KEY = "HOTLINE_SPEECH_KEY"
EVENT = userevents.Speech.NAME  # never what was said
AGENT_REASON = "speech"  # HOTLINE_AGENT_REASON of a spoken "transfer me to a person"


def intent_extension(intent_id: str) -> str:
    return f"speech-{intent_id}"


def speech_steps(config: HotlineConfig, menu_id: str) -> list[str]:
    """Steps between Background(prompt) and the `(keys)`-labelled WaitExten; [] if the menu does not listen."""
    if config.speech is None or not config.speech.listens_in(menu_id):
        return []
    result = var(RESULT)
    return [
        f'GotoIf($["{var(SWITCH)}" != "on"]?keys)',
        f"Set({RESULT}=)",
        f"Set({REASON}=)",
        f"Set({INTENT}=)",
        f"Set({KEY}=)",
        f"AGI({var(names.AGI_BASE)}/{AGI_SCRIPT},{menu_id},{var(names.CALL_ID)})",
        user_event(EVENT, ("Menu", menu_id), ("Result", result), ("Reason", var(REASON)), ("Intent", var(INTENT)), ("AgiStatus", var("AGISTATUS"))),
        f'GotoIf($["{result}" = "intent"]?{intent_extension("")}{var(INTENT)},1)',
        f'GotoIf($["{result}" = "key"]?{var(KEY)},1)',
        f'GotoIf($["{result}" = "silence"]?t,1)',
    ]


def speech_extensions(config: HotlineConfig, version: str, menu_id: str) -> list[str]:
    """One extension per intent in a listening menu: set its business line, then its action.
    (The HotlineSpeech event before the jump already names the intent.)"""
    if config.speech is None or not config.speech.listens_in(menu_id):
        return []
    from ivr.dialplan.menus import action_steps  # the same steps a key with this action has

    lines: list[str] = []
    for intent_id, intent in config.speech.intents.items():
        action = intent.action
        steps = []
        if intent.business:
            steps.append(f"Set(__{names.BUSINESS}={intent.business})")
        lines += extension(intent_extension(intent_id), steps + action_steps(config, version, action, AGENT_REASON))
    return lines
