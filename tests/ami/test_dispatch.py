"""Dispatching AMI events to subscribers: a subscriber may go mid-dispatch, a typed event is
decoded once per class (the cost per event is bench.ami_events's)."""

from __future__ import annotations

from panoramisk.message import Message

from ivr.ami import AmiClient, AmiSettings
from ivr.ami.events import Hangup

HANGUP = Message({"Event": "Hangup", "Channel": "PJSIP/trunk-1", "Uniqueid": "1.1", "Linkedid": "1.1",
                  "Cause": "16", "Cause-txt": "Normal Clearing"})


def _client() -> AmiClient:
    return AmiClient(AmiSettings(host="127.0.0.1", port=1, username="u", secret="s"))


def test_a_subscriber_leaving_mid_dispatch_does_not_make_the_next_one_miss_the_event() -> None:
    client = _client()
    calls: list[str] = []
    first = client.subscribe("Hangup", lambda m: (calls.append("first"), first.cancel()))
    client.subscribe("Hangup", lambda m: calls.append("second"))
    client._dispatch(HANGUP)
    client._dispatch(HANGUP)
    assert calls == ["first", "second", "second"]
    assert client.subscribed_events() == frozenset({"Hangup"})


def test_a_typed_event_is_decoded_once_for_all_its_subscribers() -> None:
    client = _client()
    got: list[Hangup] = []
    client.subscribe(Hangup, got.append)
    client.subscribe(Hangup, got.append)
    client._dispatch(HANGUP)
    assert len(got) == 2 and got[0] is got[1] and got[0].cause == 16
