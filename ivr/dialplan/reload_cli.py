"""`ivrctl dialplan reload | history | rollback | reload-moh`: the reload path from a shell.

AMI, the live directory and the var directory come from the site's settings (ivr.site): the
same HOTLINE_* values the service and `dialplan check` read.
"""
from __future__ import annotations

import json

import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import click

from ivr.ami import AmiClient, AmiError
from ivr.dialplan.cluster_reload import NodeAddress
from ivr.dialplan.history import Attempt, History, ReloadInProgress
from ivr.dialplan.reload_settings import ReloadSettings
from ivr.site import dialplan_site

EXIT_FAILED, EXIT_BUSY = 1, 2


def _attempt(attempt: Coroutine[Any, Any, Attempt]) -> Attempt:
    """Run one reload attempt; what stops it before it is recorded is one line and an exit code."""
    try:
        return asyncio.run(attempt)
    except ReloadInProgress as busy:
        click.echo(f"not reloaded: {busy}", err=True)
        sys.exit(EXIT_BUSY)
    except (AmiError, ValueError) as error:
        click.echo(f"not reloaded: {error}", err=True)
        sys.exit(EXIT_FAILED)


def _run(job: Callable[[AmiClient, ReloadSettings], Awaitable[Attempt]]) -> Attempt:
    site = dialplan_site()
    settings = site.reload()

    async def main() -> Attempt:
        ami = AmiClient(site.ami())
        await ami.connect()
        try:
            return await job(ami, settings)
        finally:
            await ami.close()

    return _attempt(main())


def _report(attempt: Attempt) -> None:
    for line in attempt.changes:
        click.echo(f"  {line}", err=True)
    for line in attempt.warnings:
        click.echo(f"warning: {line}", err=True)
    for line in attempt.messages:
        click.echo(line, err=True)
    version = attempt.version or "-"
    click.echo(f"{attempt.result}: {attempt.target} {attempt.action} version {version} "
               f"(was {attempt.previous_version or '-'}) in {attempt.duration_ms:.0f} ms, attempt {attempt.id}")
    if attempt.result != "ok":
        sys.exit(EXIT_FAILED)


def _who(name: str | None) -> str:
    return name or f"cli:{getpass.getuser()}"


@click.command("reload")
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None, help="Hotline configuration (default: the site's config/hotline.yaml).")
@click.option("--catalog", "catalog_path", type=click.Path(path_type=Path), default=None, help="Prompt catalog (default: the site's prompts/catalog.yaml).")
@click.option("--who", default=None, help="Name recorded in the history (default: cli:<user>).")
def reload_command(config_path: Path | None, catalog_path: Path | None, who: str | None) -> None:
    """Validate, check with a test Asterisk, swap and reload the live dialplan; roll back on failure.
    In a cluster (config/cluster.yaml): every media node, all or nothing."""
    from ivr.dialplan.reload import reload

    try:
        nodes = dialplan_site().reload_nodes()
    except ValueError as error:  # the cluster file's own one-line refusal
        click.echo(f"not reloaded: {error}", err=True)
        sys.exit(EXIT_FAILED)
    if nodes:
        _report(_run_on_nodes(nodes, config_path, catalog_path, _who(who)))
        return
    _report(_run(lambda ami, settings: reload(ami, settings, config_path=config_path, catalog_path=catalog_path, who=_who(who))))


def _run_on_nodes(nodes: list[NodeAddress], config_path: Path | None, catalog_path: Path | None, who: str) -> Attempt:
    from ivr.dialplan.cluster_reload import NodeTarget, reload_nodes

    settings = dialplan_site().reload()

    async def main() -> Attempt:
        clients = [AmiClient(node.ami) for node in nodes]
        try:
            for node, client in zip(nodes, clients, strict=True):
                try:
                    await client.connect()
                except (AmiError, OSError) as error:  # a node we cannot reach: nothing is changed anywhere
                    raise AmiError(f"node {node.name}: {error}") from None
            targets = [NodeTarget(node.name, client, node.live_dir) for node, client in zip(nodes, clients, strict=True)]
            return await reload_nodes(targets, settings, config_path=config_path, catalog_path=catalog_path, who=who)
        finally:
            for client in clients:
                await client.close()

    return _attempt(main())


@click.command("rollback")
@click.argument("version", required=False)
@click.option("--who", default=None, help="Name recorded in the history.")
def rollback_command(version: str | None, who: str | None) -> None:
    """Load a stored VERSION again (default: the one live before the current), the same safe way."""
    from ivr.dialplan.reload import rollback

    _report(_run(lambda ami, settings: rollback(ami, settings, version, who=_who(who))))


@click.command("reload-moh")
@click.option("--who", default=None, help="Name recorded in the history.")
def reload_moh_command(who: str | None) -> None:
    """Write the hotline's music-on-hold class (HOTLINE_MOH_LIVE_FILE), reload res_musiconhold, verify."""
    from ivr.dialplan.moh_reload import reload_moh

    _report(_run(lambda ami, settings: reload_moh(ami, settings, who=_who(who))))


@click.command("history")
@click.option("--limit", default=20, show_default=True, help="Show the last N attempts.")
@click.option("--all-targets", is_flag=True, help="Include music-on-hold reloads.")
@click.option("--json", "as_json", is_flag=True, help="Print the attempts as JSON (as GET /ops/dialplan/history).")
def history_command(limit: int, all_targets: bool, as_json: bool) -> None:
    """List reload attempts, newest last: when, who, version, result, duration, what changed."""
    site = dialplan_site()
    attempts = History(site.reload().var_dir).attempts(None if all_targets else "dialplan")
    if as_json:
        click.echo(json.dumps([attempt.as_json() for attempt in attempts[-limit:]], ensure_ascii=False, indent=2))
        return
    if not attempts:
        click.echo("no reload attempts recorded")
    for attempt in attempts[-limit:]:
        click.echo(f"{attempt.started_at}  {attempt.id}  {attempt.target} {attempt.action:8}  {attempt.result:11}  "
                   f"{attempt.version or '-':12} <- {attempt.previous_version or '-':12}  {attempt.duration_ms:6.0f} ms  {attempt.who}")
        for line in (attempt.changes if attempt.result == "ok" else attempt.messages)[:5]:
            click.echo(f"    {line}")


COMMANDS = (reload_command, rollback_command, history_command, reload_moh_command)
