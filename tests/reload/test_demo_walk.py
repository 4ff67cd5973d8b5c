"""Callers walk the demo menu tree (config/hotline.yaml, as rendered into dialplans/generated)
on the shared sandbox; the UserEvents trace each path."""
from __future__ import annotations

import asyncio

from tests.reload.callers import Caller


async def test_callers_walk_the_demo_tree_to_an_agent(ami, events):
    by_keys, confused = Caller(ami, events), Caller(ami, events)
    await asyncio.gather(by_keys.dial(), confused.dial())  # both sit through the 8 s welcome together

    async def walk_by_keys() -> None:
        await by_keys.reached("language")
        await by_keys.press("1")  # Mandarin
        await by_keys.reached("main")
        await by_keys.press("1")  # pension
        await by_keys.reached("pension")
        await by_keys.press("0")  # agent
        route = await by_keys.event("HotlineToAgent")
        assert (route["Menu"], route["Dialect"], route["Business"], route["Reason"]) == ("pension", "mandarin", "pension", "key")
        await by_keys.hang_up()  # what follows (hours, queues) is hand-written dialplan, tested elsewhere

    async def walk_confused() -> None:
        await confused.reached("language")
        await confused.press("2")  # dialect line
        await confused.reached("dialect")
        await confused.press("2")  # Cantonese
        main = await confused.reached("main")
        assert main["Dialect"] == "cantonese"
        await confused.press("8")  # social-security card
        await confused.reached("ss_card")
        for attempt in ("1", "2", "3"):  # 9 is no key of ss_card: each replays, the third is over the limit
            await confused.press("9")
            await confused.event("HotlineInvalidKey", Menu="ss_card", Attempt=attempt)
        route = await confused.event("HotlineToAgent")
        assert (route["Dialect"], route["Business"], route["Reason"]) == ("cantonese", "ss_card", "retries")
        await confused.hang_up()

    await asyncio.gather(walk_by_keys(), walk_confused())
    generated = {"HotlineCallStart", "HotlineMenu", "HotlineKey", "HotlineInvalidKey", "HotlineToAgent", "HotlineCallEnd"}
    assert [row for row in by_keys.trace() if row[0] in generated] == [
        ("HotlineCallStart", "", ""),
        ("HotlineMenu", "welcome", ""), ("HotlineMenu", "language", ""),
        ("HotlineKey", "language", "1"), ("HotlineMenu", "main", ""),
        ("HotlineKey", "main", "1"), ("HotlineMenu", "pension", ""),
        ("HotlineKey", "pension", "0"), ("HotlineToAgent", "pension", "key"),
        ("HotlineCallEnd", "pension", ""),
    ]
    assert [row for row in confused.trace() if row[0] in generated - {"HotlineMenu"}][-6:-1] == [
        ("HotlineKey", "main", "8"),
        ("HotlineInvalidKey", "ss_card", "9"), ("HotlineInvalidKey", "ss_card", "9"), ("HotlineInvalidKey", "ss_card", "9"),
        ("HotlineToAgent", "ss_card", "retries"),
    ]
