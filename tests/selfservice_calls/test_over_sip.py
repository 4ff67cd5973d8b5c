"""A caller over SIP, as a carrier delivers 12333: SIPp on the PJSIP trunk completes a balance
lookup with RFC 2833 keys, hears the balance, and media flows both ways."""

from __future__ import annotations

from pathlib import Path

from ivr.agi import AgiServer
from ivr.ami import AmiClient
from ivr.sandbox import Sandbox
from tests.selfservice_calls.test_through_menus import PERSON, PIN
from tests.support.events import EventLog
from tests.support.sip_caller import SipCaller


def _rtp_counts(box: Sandbox, channel: str) -> tuple[int, int]:
    """(packets received, packets sent) by Asterisk on the caller's channel, from its RTP stats."""
    stats = box.cli("pjsip show channelstats")
    name = channel.removeprefix("PJSIP/")[:18]  # the table cuts channel names to 18 characters
    for line in stats.splitlines():
        tokens = line.split()
        if name in tokens and "ulaw" in tokens:
            codec = tokens.index("ulaw")
            return int(tokens[codec + 1]), int(tokens[codec + 5])
    raise AssertionError(f"no RTP statistics for {channel}:\n{stats}")


async def test_sipp_caller_completes_a_balance_lookup(
        clipped_sandbox: Sandbox, clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer,
        tmp_path: Path) -> None:
    caller = await SipCaller.dial(clipped_sandbox, clipped_ami, clipped_events,
                                  ["1", "1", "1", PERSON + "#", PIN + "#"], tmp_path)
    try:
        for prompt in ("menu_language", "menu_main", "menu_pension", "enter_id_number", "enter_pin"):
            await caller.on(prompt)
        await caller.hears("balance_options")
        heard = caller.heard()
        assert heard[heard.index("balance_intro"):][:2] == ["balance_intro", "balance_pension"]
        received, sent = _rtp_counts(clipped_sandbox, caller.channel)
        # 26 keys of 10 RTP event packets each came in; every prompt (clipped to one 20 ms frame
        # here) went out as RTP: Asterisk sends none while it only waits for keys
        assert received >= 26 * 10 and sent >= len(heard), (received, sent, len(heard))
        await caller.next_keys()  # hang up
        assert caller.run.wait(15) == 0, caller.run.errors()
    finally:
        caller.run.stop()
