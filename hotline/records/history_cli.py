"""`ivrctl calls search|show`: call history from the database, with the API's filters and shapes.

    ivrctl calls search --from 2026-12-02T15:00+08:00 --to 2026-12-02T16:00+08:00 --min-wait 600
    ivrctl calls search --agent 1003 --business wages --json
    ivrctl calls show 1733212800.42

Reads the records store directly (the site's database, or --url), like `ivrctl report`; a
search by number hashes it with the ID-number key, as the service does.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click

from hotline.db import history_store as history
from hotline.db.records_store import RecordStore
from hotline.db.settings import ConfigurationError
from hotline.http.history import CallDetail, CallSummary, build_detail
from hotline.records.history import MAX_PAGE, CallQuery, OutcomeFilter, caller_digest, caller_key, decode_cursor
from hotline.settings import Settings


def _time(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not ISO 8601 (e.g. 2026-12-02T15:00+08:00)", param_hint=option) from None
    if parsed.tzinfo is None:
        raise click.BadParameter("give a UTC offset, e.g. 2026-12-02T15:00+08:00", param_hint=option)
    return parsed


def _store(settings: Settings, url: str | None) -> RecordStore:
    database = settings.database().with_url(url)
    try:
        key = caller_key(database.id_key())
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    return RecordStore.from_url(database.resolved_url(), workers=1, caller_key=key)


@click.group("calls")
def calls() -> None:
    """Call history: search past calls and show one whole."""


@calls.command("search")
@click.option("--from", "since", metavar="ISO-TIME", help="started at or after, with offset")
@click.option("--to", "until", metavar="ISO-TIME", help="started before, with offset")
@click.option("--dialect")
@click.option("--business")
@click.option("--agent")
@click.option("--outcome", type=click.Choice([o.value for o in OutcomeFilter]))
@click.option("--min-wait", type=click.FloatRange(min=0), help="queue wait at least this many seconds")
@click.option("--caller", help="the caller's number, matched exactly (by its keyed hash)")
@click.option("--limit", type=click.IntRange(1, MAX_PAGE), default=50, show_default=True)
@click.option("--cursor", help="next_cursor of the previous page")
@click.option("--url", help="database URL (default: HOTLINE_DATABASE_URL, else SQLite under var/)")
@click.option("--json", "as_json", is_flag=True, help="print the page as JSON (the API's shape)")
@click.pass_obj
def search(settings: Settings, since: str | None, until: str | None, dialect: str | None, business: str | None, agent: str | None,
           outcome: str | None, min_wait: float | None, caller: str | None, limit: int, cursor: str | None,
           url: str | None, as_json: bool) -> None:
    """Calls matching every filter given, newest first."""
    store = _store(settings, url)
    try:
        digest = None
        if caller is not None:
            assert store.caller_key is not None
            digest = caller_digest(store.caller_key, caller) or "-"
        try:
            query = CallQuery(since=_time(since, "--from"), until=_time(until, "--to"), dialect=dialect,
                              business=business, agent=agent, outcome=OutcomeFilter(outcome) if outcome else None,
                              min_wait_s=min_wait, caller_digest=digest,
                              after=decode_cursor(cursor) if cursor else None, limit=limit)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        page = store.run(lambda session: history.search_calls(session, query))
    finally:
        store.close()
    items = [CallSummary.of(c.record) for c in page.calls]
    if as_json:
        click.echo(json.dumps({"items": [i.model_dump(mode="json") for i in items],
                               "next_cursor": page.next_cursor, "total": None}, ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo("no calls match")
        return
    click.echo(f"{'started (UTC)':<20} {'call':<18} {'line':<18} {'caller':<13} {'outcome':<12} "
               f"{'wait s':>7} {'agent':<8} {'talk s':>7} rating")
    for i in items:
        click.echo(f"{i.started_at:%Y-%m-%d %H:%M:%S} {i.call_id:<18} {i.dialect + '.' + i.business:<18} "
                   f"{i.caller:<13} {i.outcome.value:<12} {_num(i.queue_wait_s):>7} {i.agent or '-':<8} "
                   f"{_num(i.talk_s):>7} {i.rating if i.rating is not None else '-'}")
    if page.next_cursor:
        click.echo(f"more: --cursor {page.next_cursor}")


@calls.command("show")
@click.argument("call_id")
@click.option("--url", help="database URL (default: HOTLINE_DATABASE_URL, else SQLite under var/)")
@click.option("--json", "as_json", is_flag=True, help="print the call as JSON (the API's shape)")
@click.pass_obj
def show(settings: Settings, call_id: str, url: str | None, as_json: bool) -> None:
    """One call whole: IVR path, self-service, queue, rings, agent, talk, callback, rating, timeline."""
    store = _store(settings, url)
    try:
        detail = store.run(lambda session: build_detail(session, call_id, live=None))
    finally:
        store.close()
    if detail is None:
        raise click.ClickException(f"no call {call_id!r}")
    if as_json:
        click.echo(json.dumps(detail.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    _print_detail(detail)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _print_detail(d: CallDetail) -> None:
    rows: list[tuple[str, Any]] = [
        ("call", d.call_id), ("started", d.started_at.isoformat()), ("ended", d.ended_at.isoformat() if d.ended_at else "-"),
        ("line", f"{d.dialect}.{d.business}"), ("caller", d.caller), ("outcome", d.outcome.value),
        ("IVR path", " > ".join(d.menus) or "-"), ("keys", d.keys or "-"),
        ("self-service", ", ".join(f"{s.flow}: {s.result}" for s in d.self_service) or "-"),
        ("queue wait s", _num(d.queue_wait_s)), ("agent", d.agent or "-"), ("talk s", _num(d.talk_s)),
        ("callback", f"task {d.callback.id}: {d.callback.status}, {d.callback.attempts} attempts"
         if d.callback else "-"),
        ("rating", d.rating if d.rating is not None else "-"), ("hang-up", d.hangup_cause or "-"),
    ]
    for name, value in rows:
        click.echo(f"{name:<13} {value}")
    click.echo("timeline:")
    for item in d.timeline:
        extra = {k: v for k, v in item.model_dump().items() if k not in ("type", "time")}
        fields = " ".join(f"{k}={v}" for k, v in extra.items())
        click.echo(f"  {item.time:%H:%M:%S.%f}"[:-3] + f" {item.type} {fields}".rstrip())
