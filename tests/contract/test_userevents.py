"""Every UserEvent the dialplan can send is in the contract (ivr/userevents.py), with exactly
its headers: the hand-written contexts in dialplans/, the generated files, a fresh render
(speech on, so its events are rendered too), and what the flows send from an AGI."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr import userevents
from ivr.dialplan import render_dialplan
from ivr.prompts.phone import take_event
from ivr.prompts.plan import Kind
from ivr.prompts.progress import PromptRow
from ivr.selfservice.flows.call import Ending, outcome_event
from tests.speech.support import speech_test_config

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted((REPO / "dialplans").glob("*.conf")) + sorted((REPO / "dialplans" / "generated").glob("*.conf"))


def user_events(text: str) -> list[tuple[str, list[str]]]:
    """(name, [header, ...]) of every UserEvent(...) in dialplan text, nested ${...}, $[...]
    and function calls in values taken into account."""
    found = []
    start = text.find("UserEvent(")
    while start != -1:
        depth, i, args, current = 1, start + len("UserEvent("), [], []
        while depth:
            ch = text[i]
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            if depth == 1 and ch == ",":
                args.append("".join(current))
                current = []
            elif depth:
                current.append(ch)
            i += 1
        args.append("".join(current))
        found.append((args[0].strip(), [a.split(":", 1)[0].strip() for a in args[1:]]))
        start = text.find("UserEvent(", i)
    return found


def emitted() -> list[tuple[str, str, list[str]]]:
    out = [(path.name, name, heads) for path in SOURCES for name, heads in user_events(path.read_text(encoding="utf-8"))]
    for file, text in render_dialplan(speech_test_config()).items():
        out += [(f"rendered {file}", name, heads) for name, heads in user_events(text)]
    return out


def test_the_parser_reads_nested_values():
    text = "same => n,UserEvent(HotlineHours,CallID: ${X},Open: ${IF($[\"${A}\" = \"\"]?unknown:${A})},Reason: r)"
    assert user_events(text) == [("HotlineHours", ["CallID", "Open", "Reason"])]


@pytest.mark.parametrize(("where", "name", "heads"), emitted(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_user_event_in_the_dialplan_matches_the_contract(where: str, name: str, heads: list[str]) -> None:
    assert name in userevents.EVENTS, f"{where}: UserEvent {name} is not in ivr/userevents.py"
    contract = userevents.EVENTS[name].headers()
    required = [h for h, optional in contract.items() if not optional]
    assert heads[0] == "CallID", f"{where}: {name} must carry CallID first"
    assert len(set(heads)) == len(heads), f"{where}: {name} repeats a header"
    assert set(required) <= set(heads) <= set(contract), f"{where}: {name} has {heads}, the contract {list(contract)}"


def test_every_event_of_the_contract_is_sent_somewhere():
    sent = {name for _, name, _ in emitted()} | {userevents.SelfServiceOutcome.NAME, userevents.RecorderTake.NAME}
    assert set(userevents.EVENTS) == sent


def test_the_flows_send_their_outcome_through_the_contract():
    body = outcome_event("c1", "balance", Ending("hangup", "balance_read"))
    [(name, heads)] = user_events(f"UserEvent({body.strip(chr(34))})")
    assert name == "HotlineSelfServiceOutcome" and heads == list(userevents.SelfServiceOutcome.headers())


def test_the_phone_recorder_sends_its_takes_through_the_contract():
    row = PromptRow(number=1, prompt_id="welcome", language="za", text=None, reference="您好", kind=Kind.FALLBACK,
                    source_language="zh")
    [(name, heads)] = user_events(f"UserEvent({take_event('8001 韦丽', row, 'kept').strip(chr(34))})")
    assert name == "HotlineRecorderTake" and heads == list(userevents.RecorderTake.headers())
    assert "韦丽" not in take_event("8001 韦丽", row, "kept")  # the staff number, never the name
    assert userevents.decode({"UserEvent": name, "CallID": ""}).call_id == ""  # so no call record takes it


def test_decode_reads_the_headers_and_the_channel():
    event = userevents.decode({"Event": "UserEvent", "UserEvent": "HotlineQueueJoin", "CallID": "c1", "Dialect": "zhuang",
                               "Business": "pension", "Enqueued": "12.5", "Elderly": "", "Channel": "Local/x",
                               "Uniqueid": "u1", "CallerIDNum": "139"})
    assert isinstance(event, userevents.QueueJoin)
    assert (event.call_id, event.dialect, event.enqueue_time, event.origin.uniqueid) == ("c1", "zhuang", 12.5, "u1")
    assert userevents.decode({"UserEvent": "SomethingElse"}) is None
