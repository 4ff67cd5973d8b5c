"""`ivrctl`: every command an operator runs, one entry point."""

from __future__ import annotations

import logging

import click

from hotline.agent_cli import agent
from hotline.auth.cli import token
from hotline.db.cli import db
from hotline.hours.cli import calendar
from hotline.records.cli import report
from ivr.dialplan.cli import dialplan
from ivr.prompts.cli import prompts


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="debug logging")
def main(verbose: bool) -> None:
    """Operate the 12333 hotline: run it, build prompts, manage dialplans and data."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command("run")
def run_command() -> None:
    """Run the hotline in the foreground (sandbox Asterisk unless HOTLINE_ASTERISK_MODE=external)."""
    from hotline.db.settings import ConfigurationError
    from hotline.run import run
    from hotline.settings import ServiceSettings

    try:
        run(ServiceSettings())
    except ConfigurationError as exc:  # the operator's to fix: one line, not a traceback
        raise click.ClickException(str(exc)) from None


main.add_command(prompts)
main.add_command(dialplan)
main.add_command(db)
main.add_command(token)
main.add_command(calendar)
main.add_command(report)
main.add_command(agent)
