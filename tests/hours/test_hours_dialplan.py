"""hotline-hours on the sandbox Asterisk: the FastAGI `hours` answer decides whether the call
goes on to an agent or is taken over (clock and calendar injected into the handler)."""

from __future__ import annotations

from hotline.hours.agi import hours_handler
from ivr.sandbox.calls import place_call

from .support import ADJUSTED_SUNDAY_MORNING, HOLIDAY_THURSDAY_NOON, demo_hours


async def call_hours(ami, dialect: str = "mandarin", hold: str = "3"):
    return await place_call(ami, caller_context="test-caller", context="test-hours-ivr",
                            variables={"TEST_DIALECT": dialect, "TEST_BUSINESS": "pension", "CALLER_HOLD": hold})


async def test_an_adjusted_working_sunday_returns_to_the_agent_route(ami, events, agi_server):
    agi_server.routes["hours"] = hours_handler(demo_hours, clock=lambda: ADJUSTED_SUNDAY_MORNING)
    call = await call_hours(ami)
    hours = await events.wait("UserEvent", UserEvent="HotlineHours", Uniqueid=call.uniqueid)
    assert (hours["Open"], hours["Reason"], hours["Dialect"]) == ("1", "open", "mandarin")
    returned = await events.wait("UserEvent", UserEvent="TestHoursReturned", Uniqueid=call.uniqueid)
    assert returned["Open"] == "1"


async def test_a_holiday_weekday_takes_the_call_over(ami, events, agi_server):
    agi_server.routes["hours"] = hours_handler(demo_hours, clock=lambda: HOLIDAY_THURSDAY_NOON)
    call = await call_hours(ami, dialect="zhuang", hold="1")
    hours = await events.wait("UserEvent", UserEvent="HotlineHours", Uniqueid=call.uniqueid)
    assert (hours["Open"], hours["Reason"]) == ("0", "holiday")
    # The caller hears the after-hours announcement (not an agent queue) ...
    played = await events.wait("TestEvent", State="PLAYBACK", Message="after_hours")
    assert played["Channel"].endswith(";1")
    # ... and the call never comes back to the agent route.
    await events.wait("Hangup", Uniqueid=call.uniqueid)
    assert not events.matching("UserEvent", UserEvent="TestHoursReturned", Uniqueid=call.uniqueid)


async def test_without_an_answer_from_the_service_the_line_counts_as_open(ami, events, agi_server):
    # No `hours` route: the server answers "unknown script"; the caller still goes on to an agent.
    agi_server.routes.pop("hours", None)
    call = await call_hours(ami)
    hours = await events.wait("UserEvent", UserEvent="HotlineHours", Uniqueid=call.uniqueid)
    assert hours["Open"] == "unknown"
    await events.wait("UserEvent", UserEvent="TestHoursReturned", Uniqueid=call.uniqueid)


async def test_a_broken_calendar_counts_as_open(ami, events, agi_server):
    def broken():
        raise OSError("calendar file unreadable")

    agi_server.routes["hours"] = hours_handler(broken, clock=lambda: HOLIDAY_THURSDAY_NOON)
    call = await call_hours(ami)
    hours = await events.wait("UserEvent", UserEvent="HotlineHours", Uniqueid=call.uniqueid)
    assert (hours["Open"], hours["Reason"]) == ("1", "unknown")
    await events.wait("UserEvent", UserEvent="TestHoursReturned", Uniqueid=call.uniqueid)


async def test_with_the_service_down_the_line_counts_as_open(ami, events):
    # No FastAGI server listening at all (no agi_server fixture): AGI fails, the call goes on.
    call = await call_hours(ami)
    hours = await events.wait("UserEvent", UserEvent="HotlineHours", Uniqueid=call.uniqueid)
    assert (hours["Open"], hours["AgiStatus"]) == ("unknown", "FAILURE")
    await events.wait("UserEvent", UserEvent="TestHoursReturned", Uniqueid=call.uniqueid)
