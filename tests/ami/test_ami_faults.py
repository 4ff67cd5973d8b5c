"""Faults the real Asterisk can produce: stopped, frozen, wrong secret."""

import asyncio
import dataclasses
import time

import pytest

from ivr.ami import ActionTimeout, AmiClient, AuthenticationError, NotConnected

pytestmark = pytest.mark.asterisk


def _fast(settings):
    return dataclasses.replace(settings, backoff_max=0.5, action_timeout=2.0)


async def test_restart_is_noticed_and_the_client_reconnects(make_sandbox) -> None:
    box = make_sandbox()
    client = AmiClient(_fast(box.ami))
    reasons: list[str] = []
    ups = asyncio.Event()
    lost = asyncio.Event()
    client.disconnected.connect(lambda reason: (reasons.append(reason), lost.set()))
    client.connected.connect(ups.set)
    await client.connect()
    await asyncio.wait_for(ups.wait(), 5)
    ups.clear()
    try:
        await asyncio.to_thread(box.stop)
        await asyncio.wait_for(lost.wait(), 5)
        assert not client.is_connected
        with pytest.raises(NotConnected):
            await client.send({"Action": "Ping"}, timeout=0.5)
        await asyncio.sleep(0)  # let the client try (and fail) to reconnect at least once
        box.start()
        await asyncio.wait_for(ups.wait(), 10)
        reply = await client.send({"Action": "Ping"})
        assert reply["Ping"] == "Pong"
        assert client.reconnects == 1
        assert reasons and "closed" in reasons[0] or "lost" in reasons[0]
    finally:
        await client.close()


async def test_a_frozen_asterisk_is_reported_within_five_seconds(make_sandbox) -> None:
    box = make_sandbox()
    client = AmiClient(_fast(box.ami))
    lost = asyncio.Event()
    reasons: list[str] = []
    client.disconnected.connect(lambda reason: (reasons.append(reason), lost.set()))
    await client.connect()
    try:
        box.freeze()
        frozen_at = time.monotonic()
        with pytest.raises((ActionTimeout, NotConnected)):
            await client.send({"Action": "Ping"}, timeout=1.0)
        await asyncio.wait_for(lost.wait(), 6)
        detected_after = time.monotonic() - frozen_at
        assert "stalled" in reasons[0]
        assert detected_after < 5.0, detected_after
        box.thaw()
        await client.wait_connected(15)
        assert (await client.send({"Action": "Ping"}))["Ping"] == "Pong"
    finally:
        box.thaw()
        await client.close()


async def test_wrong_secret_is_a_clear_final_error(sandbox) -> None:
    client = AmiClient(dataclasses.replace(sandbox.ami, secret="not-the-secret"))
    started = time.monotonic()
    with pytest.raises(AuthenticationError, match="refused AMI user 'hotline'.*secret"):
        await client.connect(timeout=10)
    assert time.monotonic() - started < 5  # refused at once, not after a retry loop
    assert client.background_tasks == 0


async def test_no_asterisk_at_all_gives_up_cleanly() -> None:
    from ivr.ami import AmiSettings
    from ivr.sandbox.ports import free_tcp_port

    client = AmiClient(AmiSettings("127.0.0.1", free_tcp_port(), "u", "p", backoff_max=0.2))
    with pytest.raises(NotConnected, match="ConnectionRefused"):
        await client.connect(timeout=1.0)
    assert client.background_tasks == 0
