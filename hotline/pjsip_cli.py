"""`ivrctl pjsip render | reload`: the agents' phones and the trunks, generated for a production
Asterisk and installed with the dialplan's safe-reload guarantees."""
from __future__ import annotations

import asyncio
import getpass
import sys

import click

from hotline.settings import Settings
from ivr.ami import AmiClient, AmiError
from ivr.dialplan.history import ReloadInProgress
from ivr.pjsip import SecretsError

EXIT_FAILED, EXIT_BUSY = 1, 2


@click.group("pjsip")
def pjsip() -> None:
    """Agents' phones and the 12333 trunks as PJSIP objects (config/sip.yaml, config/agents.yaml)."""


def _render(settings: Settings) -> str:
    from hotline.pjsip_site import SipConfigError, render_site_pjsip

    try:
        text, warnings = render_site_pjsip(settings)
    except (SipConfigError, SecretsError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    return text


@pjsip.command("render")
@click.pass_obj
def render_command(settings: Settings) -> None:
    """List the objects the site's PJSIP file would hold (the file itself holds secrets: not shown)."""
    from ivr.pjsip.reload import objects_in

    for name, kind in sorted(objects_in(_render(settings)), key=lambda o: (o[1], o[0])):
        click.echo(f"{kind:9} {name}")


@pjsip.command("reload")
@click.option("--who", default=None, help="Name recorded in the reload history (default: cli:<user>).")
@click.pass_obj
def reload_command(settings: Settings, who: str | None) -> None:
    """Write HOTLINE_PJSIP_LIVE_FILE, reload res_pjsip, check every endpoint loaded; else put it back."""
    from ivr.pjsip.reload import reload_pjsip

    if settings.pjsip_live_file is None:
        raise click.ClickException("no PJSIP file to write: set HOTLINE_PJSIP_LIVE_FILE (the file pjsip.conf #includes)")
    text = _render(settings)
    live_file = settings.pjsip_live_file

    async def main():  # type: ignore[no-untyped-def]
        ami = AmiClient(settings.ami())
        await ami.connect()
        try:
            return await reload_pjsip(ami, settings.reload(), text, live_file=live_file,
                                      who=who or f"cli:{getpass.getuser()}")
        finally:
            await ami.close()

    try:
        attempt = asyncio.run(main())
    except ReloadInProgress as busy:
        click.echo(f"not reloaded: {busy}", err=True)
        sys.exit(EXIT_BUSY)
    except AmiError as error:
        click.echo(f"not reloaded: {error}", err=True)
        sys.exit(EXIT_FAILED)
    for line in attempt.changes + attempt.messages:
        click.echo(f"  {line}", err=True)
    click.echo(f"{attempt.result}: pjsip version {attempt.version} (was {attempt.previous_version or '-'}) "
               f"in {attempt.duration_ms:.0f} ms, attempt {attempt.id}")
    if attempt.result != "ok":
        sys.exit(EXIT_FAILED)
