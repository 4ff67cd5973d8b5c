"""`ivrctl asterisk bundle DIR`: the files an existing Asterisk 22 needs (hotline.asterisk_bundle)."""
from __future__ import annotations

from pathlib import Path, PurePosixPath

import click

from hotline.settings import Settings


@click.group("asterisk")
def asterisk() -> None:
    """An existing Asterisk 22: the files it needs to run the hotline."""


@asterisk.command("bundle")
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.option("--etc-dir", default="/etc/asterisk", show_default=True, help="Asterisk's configuration directory")
@click.option("--data-dir", default="/usr/share/asterisk", show_default=True, help="Asterisk's data directory (sounds/, moh/)")
@click.option("--service-address", default="127.0.0.1", show_default=True,
              help="the address the service connects to AMI from (the only one permitted)")
@click.option("--agi-url", default=None, help="where Asterisk reaches the service's FastAGI [default: agi://HOTLINE_AGI_HOST:HOTLINE_AGI_PORT]")
@click.option("--ami-port", type=int, default=None, help="Asterisk's AMI port [default: HOTLINE_AMI_PORT]")
@click.pass_obj
def bundle(settings: Settings, out: Path, etc_dir: str, data_dir: str, service_address: str, agi_url: str | None,
           ami_port: int | None) -> None:
    """Write into OUT everything an existing Asterisk 22 needs (OUT/INSTALL.txt says where each goes)."""
    from hotline.asterisk_bundle import BundleTarget, write_bundle

    target = BundleTarget(
        etc_dir=PurePosixPath(etc_dir), data_dir=PurePosixPath(data_dir), service_address=service_address,
        agi_url=agi_url or f"agi://{settings.agi_host}:{settings.agi_port}", ami_port=ami_port or settings.ami_port)
    try:
        warnings = write_bundle(settings, target, out)
    except (OSError, ValueError) as exc:  # unreadable files, config/sip.yaml or secrets refused
        raise click.ClickException(str(exc)) from None
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote the bundle to {out}: see {out / 'INSTALL.txt'}")

