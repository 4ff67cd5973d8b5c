"""`ivrctl`: every command an operator runs, one entry point."""

from __future__ import annotations

import logging
import os

import click

from hotline.agent_cli import agent
from hotline.asterisk_cli import asterisk
from hotline.site_init import init_command
from hotline.auth.cli import token
from hotline.cluster.cli import cluster
from hotline.cli_errors import OperatorErrors
from hotline.config.cli import config, dialplan_check
from hotline.db.cli import db
from hotline.db.settings import ConfigurationError
from hotline.hours.cli import calendar
from hotline.pjsip_cli import pjsip
from hotline.records.cli import report
from hotline.records.history_cli import calls
from hotline.settings import Settings
from hotline.staffing.cli import staffing
from ivr.dialplan.cli import dialplan
from ivr.prompts.cli import prompts


@click.group(cls=OperatorErrors)
@click.option("-v", "--verbose", is_flag=True, help="debug logging, libraries' chatter included")
@click.version_option(package_name="hotline12333", prog_name="ivrctl")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """Operate the 12333 hotline: run it, build prompts, manage dialplans and data.

    Every command reads the same HOTLINE_* settings (README, "Production"); the site
    directory (HOTLINE_SITE_DIR, default: the checkout) holds config/, var/ and prompts/.
    """
    # Our own INFO lines (what `run` is doing) always; libraries' (alembic, httpx) only with -v.
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not verbose:
        for ours in ("hotline", "ivr", "routing"):
            logging.getLogger(ours).setLevel(logging.INFO)
    if ctx.obj is None:  # the edge: the only place the environment is read
        try:
            ctx.obj = Settings.from_env(os.environ)
        except ConfigurationError as exc:
            raise click.ClickException(str(exc)) from None


@main.command("run")
@click.option("--demo-agents", is_flag=True,
              help="sandbox only: a SIPp phone per agent, registered and answering with a tone, agents logged in")
@click.pass_obj
def run_command(settings: Settings, demo_agents: bool) -> None:
    """Run the hotline in the foreground (sandbox Asterisk unless HOTLINE_ASTERISK_MODE=external)."""
    from hotline.run import run

    if demo_agents and settings.asterisk_mode != "sandbox":
        raise click.ClickException("--demo-agents needs the sandbox: its phones are SIPp on this machine")
    try:
        run(settings, demo_agents=demo_agents)
    except ConfigurationError as exc:  # the operator's to fix: one line, not a traceback
        raise click.ClickException(str(exc)) from None


main.add_command(prompts)
main.add_command(dialplan)
dialplan.add_command(dialplan_check, "check")  # the site-wide check, then the rendering
main.add_command(config)
main.add_command(db)
main.add_command(token)
main.add_command(calendar)
main.add_command(report)
main.add_command(calls)
main.add_command(agent)
main.add_command(staffing)
main.add_command(asterisk)
main.add_command(init_command)
main.add_command(pjsip)
main.add_command(cluster)
