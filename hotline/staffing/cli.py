"""`ivrctl staffing plan`: agents needed per interval and dialect line for a day, against a roster."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from hotline.db.records_store import RecordStore
from hotline.hours.loader import load_hours
from hotline.settings import Settings
from hotline.staffing.config import load_staffing
from hotline.staffing.plan import plan_json
from hotline.staffing.service import load_plan
from hotline.config.policy import site_router_config
from ivr.menu import load_config
from ivr.menu.issues import ConfigError
from routing.asterisk.roster import RosterError, load_roster


@click.group("staffing")
def staffing() -> None:
    """Staffing: agents needed per interval and line (Erlang A) and the router simulation."""


@staffing.command("plan")
@click.option("--date", "day", required=True, metavar="YYYY-MM-DD")
@click.option("--line", "lines", multiple=True, metavar="NAME",
              help="a phone line (dialect), a dialect (zhuang) or a line (zhuang/pension); repeatable; default all")
@click.option("--roster", "roster_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="the agents on duty [default: the site's config/agents.yaml]")
@click.option("--url", help="database URL (default: HOTLINE_DATABASE_URL, else SQLite under var/)")
@click.option("--json", "as_json", is_flag=True, help="print the plan as JSON")
@click.pass_obj
def plan(settings: Settings, day: str, lines: tuple[str, ...], roster_path: Path | None, url: str | None,
         as_json: bool) -> None:
    """Forecast from the same weekday of past weeks, agents needed per interval by Erlang A, the
    roster's speakers of each dialect, and the service level the router reaches with them."""
    try:
        target_day = date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(f"{day!r} is not a date like 2026-12-08", param_hint="--date") from None
    try:
        staffing_config = load_staffing(settings.staffing_path)
        roster = load_roster(roster_path or settings.agents_path)
        routing = site_router_config(load_config(settings.config_path))  # the site's wrap-up and ladders
    except (ConfigError, RosterError) as exc:
        raise click.ClickException(str(exc)) from None
    hours = load_hours(settings.hours_path)
    store = RecordStore.from_url(settings.database().with_url(url).resolved_url(), workers=1)
    try:
        result = load_plan(store, hours, staffing_config, routing, roster.values(), target_day, only=lines)
    finally:
        store.close()
    targets = {name: str(staffing_config.target(name)) for name in [*hours.lines, "default"]}
    if as_json:
        click.echo(json.dumps(plan_json(result, targets), ensure_ascii=False, indent=2))
        return
    forecast = result.forecast
    click.echo(f"Staffing plan {target_day} ({forecast.kind.value}; forecast from "
               f"{len(forecast.reference_days)} reference days; shrinkage {result.shrinkage:.0%})")
    if not forecast.lines:
        click.echo("  no calls forecast: the lines are closed that day, or no history")
        return
    click.echo(f"  {'dialect':<10} {'target':>6} {'peak need':>9} {'at':>5} {'schedule':>8} {'roster':>6}"
               f" {'missing':>7} {'with router':>11} {'simulated SL':>12}")
    for d in result.dialects:
        level = "-" if d.simulated_service_level is None else f"{d.simulated_service_level:.1%}"
        verdict = "" if d.meets_target is None else ("  meets" if d.meets_target else "  SHORT")
        at = d.peak_interval.strftime("%H:%M") if d.peak_interval else "-"
        router = "-" if d.missing_with_router is None else str(d.missing_with_router)
        click.echo(f"  {d.dialect:<10} {str(d.target):>6} {d.peak_agents:>9} {at:>5} {d.peak_scheduled:>8}"
                   f" {d.rostered:>6} {d.missing:>7} {router:>11} {level:>12}{verdict}")
    click.echo(f"  {'interval':<8} {'line':<24} {'calls':>6} {'AHT':>5} {'erlangs':>7} {'agents':>6} {'schedule':>8}")
    for n in result.needs:
        if n.business == "*" or lines:
            name = n.dialect if n.business == "*" else f"{n.dialect}/{n.business}"
            click.echo(f"  {n.interval:%H:%M}    {name:<24} {n.calls:>6.1f} {n.handle_s:>5.0f} {n.erlangs:>7.2f}"
                       f" {n.agents:>6} {n.scheduled:>8}")
