"""The AMI event filter (manager.conf `eventfilter`): the service's user gets the events the
service consumes and nothing else, and the list is the assembled service's subscriptions."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from hotline.ami_events import AWAITED_EVENTS, CONSUMED_EVENTS, USER_EVENT_PREFIX, service_eventfilter
from hotline.assembly import AsteriskSite, assemble
from hotline.db.migrate import upgrade
from ivr.ami import AmiClient
from ivr.ami.eventfilter import eventfilter_lines
from ivr.ami.settings import AmiSettings
from ivr.sandbox.calls import place_call
from tests.support.site import site_settings

pytestmark = pytest.mark.asterisk


def test_the_filter_lines_read_like_asterisk_22s_advanced_filters():
    assert eventfilter_lines(["Hangup", "UserEvent", "Hangup"], user_event_prefix="Hotline") == [
        "eventfilter(name(Hangup)) =",
        "eventfilter(name(UserEvent),header(UserEvent),method(starts_with)) = Hotline",
    ]
    assert eventfilter_lines(["UserEvent"]) == ["eventfilter(name(UserEvent)) ="]
    with pytest.raises(ValueError):
        eventfilter_lines([])  # an include list of nothing would silence the user


@pytest.fixture
def filtered_box(make_sandbox):
    """A sandbox whose service user is filtered."""
    return make_sandbox(ami_event_filter=service_eventfilter())


async def add_observer(box, service: AmiClient) -> AmiSettings:
    """A second user on the box that gets every event (manager.conf is reloaded over AMI)."""
    manager = box.host_path(box.layout.base) / "etc" / "manager.conf"
    secret = "observer-" + box.ami.secret
    manager.write_text(manager.read_text() + f"""
[observer]
secret = {secret}
deny = 0.0.0.0/0.0.0.0
permit = 127.0.0.1/255.255.255.255
read = all
write = system
""")
    await service.command("manager reload")
    return AmiSettings(host="127.0.0.1", port=box.ports.ami, username="observer", secret=secret)


async def test_the_filtered_user_gets_exactly_the_events_the_service_consumes(filtered_box):
    box = filtered_box
    service = AmiClient(box.ami)
    await service.connect()
    observer = AmiClient(await add_observer(box, service))
    await observer.connect()
    try:
        got, everything = Counter[str](), Counter[str]()
        service.subscribe("*", lambda m: got.update([m.get("UserEvent") or m["Event"]]))
        observer.subscribe("*", lambda m: everything.update([m.get("UserEvent") or m["Event"]]))
        # The service's client originates: the call is up once its OriginateResponse came
        # through the filter (the client takes it as the action's answer, not as an event).
        call = await place_call(service, caller_context="test-caller", context="test-eventfilter")
        await service.wait_for("Hangup", lambda m: m.get("Uniqueid") == call.uniqueid, timeout=10)
        reloaded = [asyncio.ensure_future(client.wait_for("Reload", timeout=10)) for client in (service, observer)]
        await service.send({"Action": "Reload", "Module": "pbx_config"})
        await asyncio.gather(*reloaded)
    finally:
        await service.close()
        await observer.close()
    assert {"Newchannel", "Hangup", "HotlineFilterProbe", "Reload"} <= set(got)
    # Asterisk sent the observer the rest; the service's user got none of it.
    assert {"Newexten", "VarSet", "TestFilterProbe", "TestEvent"} <= set(everything)
    dropped = set(got) - CONSUMED_EVENTS - AWAITED_EVENTS
    assert all(name.startswith(USER_EVENT_PREFIX) for name in dropped), dropped


async def test_the_filter_lists_what_the_assembled_service_subscribes_to(filtered_box, agi_port,
                                                                         tmp_path: Path) -> None:
    box = filtered_box
    upgrade(f"sqlite:///{tmp_path / 'hotline.db'}")
    settings = site_settings(tmp_path, agi_port=agi_port)
    hotline = assemble(settings, AsteriskSite(ami=box.ami, dialplan_live_dir=None, messages_dir=None),
                       agi_port=agi_port)
    await hotline.start()
    try:
        await hotline.service.ami.wait_connected(5)  # and resynced, through the filter
        assert hotline.service.ami.subscribed_events() == CONSUMED_EVENTS
    finally:
        await hotline.stop()
