"""`ivrctl config check`: every configuration file and the rules between them, one line each.

`ivrctl dialplan check` is the same check followed by the rendering, so the two can never
disagree about what is loaded: both read the site's configuration directory (HOTLINE_CONFIG_DIR).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from hotline.config.site import load_site
from hotline.settings import Settings
from ivr.dialplan.cli import catalog_option, render_checked
from ivr.menu.issues import Issue, errors_only


def _settings() -> Settings:
    settings = click.get_current_context().find_root().obj
    if not isinstance(settings, Settings):
        raise click.UsageError("no site settings: run this through ivrctl")
    return settings


def _issue_json(issue: Issue) -> dict:
    return {"file": issue.file, "line": issue.line, "key_path": issue.key_path, "severity": issue.severity,
            "code": issue.code, "message": issue.message, "fix": issue.hint}


@click.group("config")
def config() -> None:
    """The site's configuration files: check them (all at once) and reload them."""


@config.command("check")
@click.option("--dir", "config_dir", type=click.Path(path_type=Path), default=None,
              help="Configuration directory [default: the site's, HOTLINE_CONFIG_DIR].")
@catalog_option
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def check(config_dir: Path | None, catalog_path: Path | None, as_json: bool) -> None:
    """Check hotline.yaml, hours.yaml, calendar/*.yaml, agents.yaml and callbacks.yaml, alone
    and together; exit 1 on any error (warnings alone exit 0)."""
    settings = _settings()
    config_dir = config_dir or settings.config_dir
    site, issues = load_site(config_dir, catalog=catalog_path or settings.catalog_path, limits=settings.read_limits())
    errors = errors_only(issues)
    if as_json:
        click.echo(json.dumps({"ok": site is not None, "directory": str(config_dir),
                               "problems": [_issue_json(issue) for issue in issues]}, ensure_ascii=False, indent=2))
        sys.exit(0 if site is not None else 1)
    for issue in sorted(issues, key=lambda issue: (issue.severity != "error", issue.file, issue.line or 0)):
        click.echo(str(issue), err=True)
    if site is None:
        click.echo(f"refused: {len(errors)} error{'s' if len(errors) != 1 else ''} in {config_dir}", err=True)
        sys.exit(1)
    warned = len(issues) - len(errors)
    click.echo(f"ok: {config_dir}: {len(site.hotline.menus)} menus, {len(site.agents)} agents, "
               f"{len(site.hours.calendar.notices)} calendar years" + (f", {warned} warnings" if warned else ""), err=True)


@click.command("check")
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="Hotline configuration [default: the site's config/hotline.yaml]; the other files are read beside it.")
@catalog_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None, help="Write the rendered files here (removing other versions' files) instead of printing them.")
@click.option("--quiet", is_flag=True, help="Print only problems, not the dialplan.")
def dialplan_check(config_path: Path | None, catalog_path: Path | None, out_dir: Path | None, quiet: bool) -> None:
    """Check every configuration file (as `ivrctl config check`) and render the dialplan; exit 1 on any error."""
    if config_path is None or catalog_path is None:  # the same paths `reload` loads
        settings = _settings()
        config_path, catalog_path = config_path or settings.config_path, catalog_path or settings.catalog_path
        limits = settings.read_limits()
    else:  # every path given: no site needed
        obj = click.get_current_context().find_root().obj
        limits = obj.read_limits() if isinstance(obj, Settings) else None
    site, issues = load_site(config_path.parent, catalog=catalog_path, paths={"hotline.yaml": config_path}, limits=limits)
    render_checked(site.hotline if site else None, issues, out_dir, quiet)


@config.command("reload")
@click.option("--url", default=None, help="the hotline service [default: HOTLINE_API_URL]")
@click.option("--token", default=None, help="an ops token [default: HOTLINE_TOKEN]")
def reload_command(url: str | None, token: str | None) -> None:
    """Check every file and load them into the running service (POST /ops/config/reload):
    the dialplan safely, then the roster and the callback policy in one step. Nothing changes
    unless every file is valid."""
    import httpx

    settings = _settings()
    url = (url or settings.api_url).rstrip("/")
    token = token or settings.token.get_secret_value()
    if not token:
        raise click.UsageError("no token: pass --token or set HOTLINE_TOKEN (`ivrctl token create --role ops`)")
    try:
        response = httpx.post(f"{url}/ops/config/reload", headers={"Authorization": f"Bearer {token}"}, timeout=300)
    except httpx.TransportError as error:
        raise click.ClickException(f"cannot reach the hotline at {url}: {error}") from None
    try:
        body = response.json()
    except ValueError:
        raise click.ClickException(f"{response.status_code}: {response.text[:200]}") from None
    attempt = body.get("attempt", body) if isinstance(body, dict) else {}
    for line in attempt.get("messages", []) + attempt.get("warnings", []):
        click.echo(line, err=True)
    if response.status_code >= 400:
        raise click.ClickException(f"{response.status_code}: {attempt.get('result') or body.get('detail') or body.get('title')}")
    for line in attempt.get("changes", []):
        click.echo(line)
    click.echo(f"ok: {attempt.get('result')}", err=True)
