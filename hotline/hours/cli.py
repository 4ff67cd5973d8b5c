"""`ivrctl calendar`: is manual service open on a day (and at a time), and why."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import click

from hotline.hours.calendar import WARN_AHEAD_DAYS, coverage

from hotline.hours.loader import HoursConfigError, load_hours
from hotline.settings import Settings


@click.group("calendar")
def calendar() -> None:
    """Working hours and the holiday calendar (调休) of manual service."""


@calendar.command("check")
@click.argument("day", metavar="DATE")
@click.option("--line", "line", default="mandarin", show_default=True,
              help="phone line (mandarin, dialect) or a dialect")
@click.option("--at", "at", metavar="HH:MM", help="a time of day (local): open or closed then")
@click.option("--hours", "hours_path", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="hours file (calendar/ beside it) [default: the site's config/hours.yaml]")
@click.pass_context
def check(ctx: click.Context, day: str, line: str, at: str | None, hours_path: Path | None) -> None:
    """Say whether manual service is open on DATE (YYYY-MM-DD) and why. Exit 0 open, 1 closed."""
    if hours_path is None:
        settings: Settings = ctx.find_root().obj
        hours_path = settings.hours_path
    try:
        hours = load_hours(hours_path)
        when = date.fromisoformat(day)
        if at:
            status = hours.status(datetime.combine(when, time.fromisoformat(at), hours.timezone), line)
            text = status.describe()
            is_open = status.open
        else:
            status = hours.day_status(when, line)
            text = status.describe_day()
            is_open = status.day.working
    except (HoursConfigError, KeyError, ValueError, OSError) as exc:
        error = click.ClickException(str(exc).strip('"'))
        error.exit_code = 2  # 1 means closed
        raise error from None
    click.echo(text)
    notice = hours.calendar.notices.get(when.year)
    if notice is not None and notice.demo:
        click.echo(f"note: the {when.year} calendar is DEMO data; load the State Council's notice")
    if notice is None:
        click.echo(f"warning: calendar missing for {when.year}: public holidays unknown, weekdays read as working days; "
                   f"add calendar/{when.year}.yaml from the State Council's notice", err=True)
    state = coverage(hours.calendar, date.today())
    if state["state"] != "ok" and state["missing_year"] != when.year:
        click.echo(f"warning: calendar missing for {state['missing_year']} (due within {WARN_AHEAD_DAYS} days); "
                   f"add calendar/{state['missing_year']}.yaml from the State Council's notice", err=True)
    raise SystemExit(0 if is_open else 1)
