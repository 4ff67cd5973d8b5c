"""`ivrctl report`: reports computed from the stored call records."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import click

from hotline.db.interval_summary import rebuild
from hotline.db.records_store import RecordStore
from hotline.hours.loader import load_hours
from hotline.records.intervals import Cell, parse_span, report_csv
from hotline.records.intervals import report_json as intervals_json
from hotline.records.queries import load_intervals, load_satisfaction, thresholds_of
from hotline.staffing.config import load_staffing
from hotline.config.policy import site_router_config
from ivr.menu import load_config
from ivr.menu.issues import ConfigError
from routing.asterisk.roster import RosterError, load_roster
from hotline.records.satisfaction import Quarter, Summary, report_json
from hotline.settings import Settings


@click.group("report")
def report() -> None:
    """Reports from the call records (satisfaction, intervals)."""


def _row(name: str, s: Summary) -> str:
    return f"  {name:<20} {s.ratings:>7} {s.average_score:>8.2f} {s.satisfied_rate:>9.1%}"


@report.command("satisfaction")
@click.option("--quarter", required=True, metavar="YYYYQn", help="e.g. 2026Q4")
@click.option("--url", help="database URL (default: HOTLINE_DATABASE_URL, else SQLite under var/)")
@click.option("--hours", "hours_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="hours file [default: the site's config/hours.yaml]")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
@click.pass_obj
def satisfaction(settings: Settings, quarter: str, url: str | None, hours_path: Path | None, as_json: bool) -> None:
    """Ratings per agent, phone line and business line; agents lowest three quarters running."""
    try:
        parsed = Quarter.parse(quarter)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--quarter") from None
    store = RecordStore.from_url(settings.database().with_url(url).resolved_url(), workers=1)
    try:
        result = load_satisfaction(store, load_hours(hours_path or settings.hours_path), parsed)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(report_json(result), ensure_ascii=False, indent=2))
        return
    click.echo(f"Satisfaction {parsed} (key = score, 5 = very satisfied; satisfied = 4 or 5)")
    if result.overall is None:
        click.echo("  no ratings this quarter")
        return
    header = f"  {'':<20} {'ratings':>7} {'average':>8} {'satisfied':>9}"
    for title, table in (("by agent", result.by_agent), ("by phone line", result.by_line),
                         ("by business line", result.by_business)):
        click.echo(f"{title}:\n{header}")
        for name, summary in table.items():
            click.echo(_row(name, summary))
    click.echo(_row("overall", result.overall))
    click.echo(f"lowest this quarter: {', '.join(result.lowest) or '-'}")
    flagged = ", ".join(result.flagged) or "none"
    click.echo(f"lowest three quarters running (retrain or move): {flagged}")


def _figure(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _interval_row(cell: Cell) -> str:
    c = cell.counts
    name = {"line": f"{cell.dialect}/{cell.business}", "dialect": cell.dialect,
            "phone_line": f"{cell.phone_line} line", "all": "all"}[cell.level]
    return (f"  {cell.start:%m-%d %H:%M} {name:<24} {c.offered:>7} {c.answered:>8} {c.abandoned:>5}"
            f" {c.short_abandoned:>5} {c.callbacks:>5} {_figure(cell.service_level, '>6.1%')}"
            f" {_figure(cell.asa_s, '>6.1f')} {_figure(cell.average_wait_s, '>6.1f')}"
            f" {_figure(cell.p90_wait_s, '>6.1f')} {_figure(cell.aht_s, '>6.0f')} {_figure(cell.occupancy, '>5.0%')}")


def _roster_skills(settings: Settings) -> dict[str, Mapping[str, int]] | None:
    """The site's agents' skills, for occupancy (None: no readable roster, no occupancy; told)."""
    try:
        return {agent.id: agent.proficiencies for agent in load_roster(settings.agents_path).values()}
    except (RosterError, OSError) as exc:
        click.echo(f"occupancy not shown: {str(exc).splitlines()[0]}", err=True)
        return None


@report.command("intervals")
@click.option("--from", "start", required=True, metavar="DATE[THH:MM]", help="centre local time unless an offset is given")
@click.option("--to", "end", required=True, metavar="DATE[THH:MM]", help="exclusive")
@click.option("--line", "lines", multiple=True, metavar="NAME",
              help="a phone line (dialect), a dialect (zhuang) or a line (zhuang/pension); repeatable; default all")
@click.option("--url", help="database URL (default: HOTLINE_DATABASE_URL, else SQLite under var/)")
@click.option("--hours", "hours_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="hours file [default: the site's config/hours.yaml]")
@click.option("--staffing", "staffing_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="planning figures [default: the site's config/staffing.yaml]")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
@click.option("--csv", "as_csv", is_flag=True, help="print one CSV row per cell")
@click.option("--scan", is_flag=True, help="scan the call records, not the 15-minute summary")
@click.pass_obj
def intervals(settings: Settings, start: str, end: str, lines: tuple[str, ...], url: str | None,
              hours_path: Path | None, staffing_path: Path | None, as_json: bool, as_csv: bool, scan: bool) -> None:
    """Offered, answered, abandoned, callbacks, service level, ASA, waits and AHT per interval,
    per line, rolled up per dialect, phone line and overall."""
    try:
        staffing = load_staffing(staffing_path or settings.staffing_path)
        routing = site_router_config(load_config(settings.config_path))  # the site's wrap-up and ladders
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    hours = load_hours(hours_path or settings.hours_path)
    try:
        first, last = parse_span(start, end, hours.timezone)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--from/--to") from None
    store = RecordStore.from_url(settings.database().with_url(url).resolved_url(), workers=1)
    try:
        result = load_intervals(store, hours, staffing, routing, first, last, only=lines, scan=scan,
                                agents=_roster_skills(settings))
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(intervals_json(result), ensure_ascii=False, indent=2))
        return
    if as_csv:
        click.echo(report_csv(result), nl=False)
        return
    targets = ", ".join(f"{line} {target}" for line, target in result.targets.items())
    click.echo(f"Intervals of {staffing.interval_minutes} min, {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}"
               f" (targets {targets}; short abandons under {staffing.short_abandon_s:g} s apart)")
    click.echo("  from the 15-minute summary" if result.source == "summary"
               else f"  from the call records: {result.source_note}")
    if not result.cells:
        click.echo("  no calls offered to agents in this span")
        return
    click.echo(f"  {'interval':<11} {'line':<24} {'offered':>7} {'answered':>8} {'aband':>5} {'short':>5}"
               f" {'cback':>5} {'SL':>6} {'ASA':>6} {'wait':>6} {'p90':>6} {'AHT':>6} {'occ':>5}")
    for cell in result.cells:
        click.echo(_interval_row(cell))


@report.command("rebuild-summary")
@click.option("--url", help="database URL (default: HOTLINE_DATABASE_URL, else SQLite under var/)")
@click.option("--hours", "hours_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="hours file [default: the site's config/hours.yaml]")
@click.option("--staffing", "staffing_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="planning figures [default: the site's config/staffing.yaml]")
@click.pass_obj
def rebuild_summary(settings: Settings, url: str | None, hours_path: Path | None, staffing_path: Path | None) -> None:
    """Count every call record into the interval summary again, under the thresholds the
    config sets now (after a change of service-level target or short-abandon threshold, reports
    over older spans scan the records until this runs). One pass over the records."""
    try:
        staffing = load_staffing(staffing_path or settings.staffing_path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    hours = load_hours(hours_path or settings.hours_path)
    thresholds = thresholds_of(hours, staffing)
    store = RecordStore.from_url(settings.database().with_url(url).resolved_url(), workers=1)
    try:
        rows = store.run(lambda s: rebuild(s, thresholds))
    finally:
        store.close()
    click.echo(f"interval summary rebuilt: {rows} rows (short abandons under {thresholds.short_abandon_s:g} s)")
