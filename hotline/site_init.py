"""`ivrctl init DIR`: a new site outside any checkout, from what ships with the package.

    DIR/config/    the configuration templates (edit them: hotline.yaml, hours.yaml, agents.yaml, ...)
    DIR/var/       the service's writable state (0750)
    DIR/prompts/   the prompt catalog and the recordings that ship; `ivrctl prompts build` fills build/
    DIR/hotline.env.example, DIR/hotline.service   the environment file and the systemd unit

An existing site is never overwritten: the command refuses a DIR that already has a config/.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import click

from hotline.db.settings import ConfigurationError
from hotline.shipped import shipped


def init_site(directory: Path) -> None:
    directory = directory.absolute()
    if (directory / "config").exists():
        raise ConfigurationError(f"{directory / 'config'} exists: not overwriting a site (remove it or pick another DIR)")
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copytree(shipped("config"), directory / "config")
    (directory / "var").mkdir(mode=0o750, exist_ok=True)
    prompts = directory / "prompts"
    prompts.mkdir(exist_ok=True)
    shutil.copy2(shipped("prompts/catalog.yaml"), prompts / "catalog.yaml")
    shutil.copytree(shipped("prompts/recordings"), prompts / "recordings", dirs_exist_ok=True)
    shutil.copy2(shipped("contrib/hotline.env.example"), directory / "hotline.env.example")
    shutil.copy2(shipped("contrib/hotline.service"), directory / "hotline.service")


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
def init_command(directory: Path) -> None:
    """Create a site in DIRECTORY: config templates, var/, prompts/, an env file and a systemd unit."""
    try:
        init_site(directory)
    except (ConfigurationError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"""created the site {directory.absolute()}. Next:
  export HOTLINE_SITE_DIR={directory.absolute()}   (or set it in the env file; see hotline.env.example)
  edit config/*.yaml, then: ivrctl config check
  ivrctl prompts build    (needs espeak-ng; --moh-source DIR for the hold music)
  ivrctl asterisk bundle DIR  for your Asterisk; ivrctl db upgrade; ivrctl dialplan reload; ivrctl run""")
