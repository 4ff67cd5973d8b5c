"""`ivrctl report`: reports computed from the stored call records."""

from __future__ import annotations

import json
from pathlib import Path

import click

from hotline.db.records_store import RecordStore
from hotline.hours.loader import load_hours
from hotline.records.queries import load_satisfaction
from hotline.records.satisfaction import Quarter, Summary, report_json
from hotline.settings import Settings


@click.group("report")
def report() -> None:
    """Reports from the call records (satisfaction)."""


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
