"""schemathesis with every check on, over every operation of the whole service as `ivrctl run`
assembles it (history, recordings, messages, callbacks, reports, staffing, prompts, session...),
on the sandbox, over real HTTP, with an ops token. /events and /ops are tested on their own.

Derandomized (the same cases every run), so a new failure is a change, not luck. No operation
is spared any check: each schema says exactly what its code accepts. One rule is between two
parameters, which a schema cannot state: an interval report's `to` comes after its `from` and at
most 62 days on (in `to`'s description, a 422 otherwise); generated spans are kept to it."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import schemathesis
import uvicorn

from hotline.assembly import AsteriskSite, assemble
from hotline.auth import TokenStore
from hotline.db.migrate import upgrade
from hotline.http.reports import MOMENT
from hotline.records.intervals import parse_span
from tests.api.test_fuzz import LEFT_OUT, fuzz
from tests.support.site import site_settings

pytestmark = pytest.mark.asterisk
CENTRE = ZoneInfo("Asia/Shanghai")  # config/hours.yaml's timezone: a time without an offset is read in it


def span_rule(context, query):  # a schemathesis map_query hook
    """An interval report's generated span whose two ends are each valid but break the rule
    between them gets `to` an hour (or a day, for a date) after `from`. A case with an invalid
    end (a negative case) is left as generated, so it is still refused for that."""
    if context.operation is None or context.operation.path != "/reports/intervals" or not isinstance(query, dict):
        return query
    ends = query.get("from"), query.get("to")
    if not all(isinstance(end, str) and MOMENT.fullmatch(end) for end in ends):
        return query
    try:
        parse_span(ends[0], ends[1], CENTRE)
        return query  # keeps to the rule already
    except ValueError:
        pass
    try:
        if len(ends[0]) == 10:
            query["to"] = (date.fromisoformat(ends[0]) + timedelta(days=1)).isoformat()
        else:
            query["to"] = (datetime.fromisoformat(ends[0]) + timedelta(hours=1)).isoformat()
    except (ValueError, OverflowError):
        pass  # an end fromisoformat refuses (e.g. 31 February), or the last hour there is
    return query


async def test_every_operation_of_the_service_passes_every_check(sandbox, agi_port, tmp_path) -> None:
    upgrade(f"sqlite:///{tmp_path / 'hotline.db'}")
    settings = site_settings(tmp_path, agi_port=agi_port)
    site = AsteriskSite(ami=sandbox.ami, dialplan_live_dir=None, messages_dir=tmp_path / "messages",
                        recorder_spool_dir=tmp_path / "spool")
    hotline = assemble(settings, site, agi_port=agi_port)
    headers = {"Authorization": f"Bearer {TokenStore(settings.tokens_file).create('ops')[0]}"}
    await hotline.start()
    server = uvicorn.Server(uvicorn.Config(hotline.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:  # uvicorn offers no event for this
                await asyncio.sleep(0.01)
        url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
        schema = schemathesis.openapi.from_dict(hotline.app.openapi())
        schema.hooks.hook("map_query")(span_rule)
        operations = {p for p in (r.ok().path for r in schema.get_all_operations()) if not p.startswith(LEFT_OUT)}
        failures, called = await asyncio.to_thread(fuzz, schema, url, headers, examples=15,
                                                   derandomize=True)
        assert not failures, "\n\n".join(failures)
        assert called == operations
        assert {"/calls", "/calls/{call_id}/recording", "/session", "/messages"} <= called
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        await hotline.stop()
