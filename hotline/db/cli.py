"""`ivrctl db`: migrate the self-service database and load demo data."""

from __future__ import annotations

import click

from hotline.db.migrate import upgrade as upgrade_schema
from hotline.db.seed import seed_demo as load_demo
from hotline.db.settings import DatabaseSettings
from hotline.hours.loader import load_hours
from hotline.records.queries import thresholds_of
from hotline.staffing.config import load_staffing
from ivr.menu.issues import ConfigError
from hotline.settings import Settings

_URL_HELP = "database URL (default: HOTLINE_DATABASE_URL, else SQLite under var/)"


def _interval_thresholds() -> object:
    """The site's interval thresholds, for a back-fill of the interval summary (None: the
    defaults, when the site's hours or staffing config cannot be read; told in one line)."""
    site: Settings = click.get_current_context().find_root().obj
    try:
        return thresholds_of(load_hours(site.hours_path), load_staffing(site.staffing_path))
    except (ConfigError, OSError, ValueError) as exc:  # the upgrade itself must still go on
        click.echo(f"interval summary: site config not read ({str(exc).splitlines()[0]}); "
                   "counting with the default thresholds", err=True)
        return None


def _settings(url: str | None) -> DatabaseSettings:
    site: Settings = click.get_current_context().find_root().obj
    return site.database().with_url(url)


@click.group("db")
def db() -> None:
    """Self-service database: schema migrations and demo data."""


@db.command("upgrade")
@click.option("--url", help=_URL_HELP)
@click.option("--revision", default="head", show_default=True)
def upgrade(url: str | None, revision: str) -> None:
    """Bring the database schema up to date."""
    settings = _settings(url)
    upgrade_schema(settings.resolved_url(), revision, interval_thresholds=_interval_thresholds())
    click.echo(f"database schema at {revision}")


@db.command("seed-demo")
@click.option("--url", help=_URL_HELP)
def seed_demo(url: str | None) -> None:
    """Upgrade the schema and add the demo persons (see hotline.db.seed for their PINs)."""
    settings = _settings(url)
    upgrade_schema(settings.resolved_url())
    added = load_demo(settings.resolved_url(), settings.id_key(), settings.pin_key())
    click.echo(f"added {added} demo persons")
