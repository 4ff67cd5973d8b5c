"""`dialplan` command group: `check` validates the config and renders its dialplan.

Other subcommands (reload, history, rollback) are added to the same group elsewhere:
    from ivr.dialplan.cli import dialplan
    @dialplan.command("reload") ...
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ivr.dialplan.files import write_rendered
from ivr.dialplan.render import config_version, render_dialplan
from ivr.menu import HotlineConfig, Issue, check_config, errors_only
from ivr.site import dialplan_site

config_option = click.option("--config", "config_path", type=click.Path(path_type=Path), default=None, help="Hotline configuration (YAML) [default: the site's config/hotline.yaml].")
catalog_option = click.option("--catalog", "catalog_path", type=click.Path(path_type=Path), default=None, help="Prompt catalog the menus' prompts must be in [default: the site's prompts/catalog.yaml].")


@click.group("dialplan")
def dialplan() -> None:
    """Hotline menus: check, render and load the generated dialplan."""


@dialplan.command("check")
@config_option
@catalog_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None, help="Write the rendered files here (removing other versions' files) instead of printing them.")
@click.option("--quiet", is_flag=True, help="Print only problems, not the dialplan.")
def check(config_path: Path | None, catalog_path: Path | None, out_dir: Path | None, quiet: bool) -> None:
    """Validate the configuration and render its dialplan; exit 1 on any error."""
    if config_path is None or catalog_path is None:  # the same paths `reload` loads
        site = dialplan_site()
        config_path, catalog_path = config_path or site.config_path, catalog_path or site.catalog_path
    config, issues = check_config(config_path, catalog_path)
    render_checked(config, issues, out_dir, quiet)


def render_checked(config: HotlineConfig | None, issues: list[Issue], out_dir: Path | None, quiet: bool) -> None:
    """Print the issues; refuse (exit 1) on any error, else render the dialplan."""
    for issue in sorted(issues, key=lambda issue: (issue.file, issue.line or 0)):
        click.echo(str(issue), err=True)
    if config is None or errors_only(issues):
        count = len(errors_only(issues))
        click.echo(f"refused: {count} error{'s' if count != 1 else ''}, nothing rendered", err=True)
        sys.exit(1)
    files = render_dialplan(config)
    if out_dir is not None:
        for path in write_rendered(files, out_dir, prune_versions=True):
            click.echo(f"wrote {path}", err=True)
    elif not quiet:
        for _, text in sorted(files.items()):
            click.echo(text, nl=False)
    click.echo(f"ok: config version {config_version(config)}", err=True)


# reload, rollback, history, reload-moh: the safe hot-reload path (ivr.dialplan.reload)
from ivr.dialplan.reload_cli import COMMANDS as _RELOAD_COMMANDS  # noqa: E402

for _command in _RELOAD_COMMANDS:
    dialplan.add_command(_command)
