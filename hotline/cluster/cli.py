"""`ivrctl cluster up | kamailio-config | kamailio-db`: the multi-node deployment from a shell."""

from __future__ import annotations

from pathlib import Path

import click

from hotline.cluster.config import ClusterConfigError, read_cluster_config
from hotline.settings import Settings


@click.group("cluster")
def cluster() -> None:
    """Several Asterisk nodes behind Kamailio (config/cluster.yaml), or all of it on this machine."""


def _config(settings: Settings):  # type: ignore[no-untyped-def]
    if not settings.cluster_path.exists():
        raise click.ClickException(f"{settings.cluster_path}: no such file: this site is one Asterisk, not a cluster")
    try:
        return read_cluster_config(settings.cluster_path, settings.read_limits())
    except ClusterConfigError as error:
        raise click.ClickException(str(error)) from None


@cluster.command("up")
@click.option("--postgres", default="postgres://postgres@127.0.0.1:5432", show_default=True,
              help="The PostgreSQL server (no password in it: trust or .pgpass) for both databases.")
@click.pass_obj
def up_command(settings: Settings, postgres: str) -> None:
    """Kamailio + 2 sandbox Asterisk nodes + 2 services + PostgreSQL on loopback, until Ctrl-C."""
    from hotline.cluster.local import ClusterUpError, up
    from ivr.kamailio.db import KamailioDbError
    from ivr.kamailio.process import KamailioError
    from ivr.sandbox import SandboxError

    if ":" in postgres.split("//", 1)[-1].split("@", 1)[0]:
        raise click.ClickException("--postgres: no password in the address; use trust authentication or ~/.pgpass")
    try:
        up(settings, postgres=postgres.rstrip("/"))
    except (ClusterUpError, KamailioDbError, KamailioError, SandboxError) as error:
        # one line: the part's log (an Asterisk's, Kamailio's) is in var/cluster/
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise click.ClickException(f"cluster not started: {first}") from None


@cluster.command("kamailio-config")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
              help="Write kamailio.cfg and dispatcher.list here (install them under /etc/kamailio).")
@click.pass_obj
def kamailio_config(settings: Settings, out_dir: Path) -> None:
    """Render Kamailio's configuration from config/cluster.yaml and check it with `kamailio -c`."""
    from ivr.kamailio.process import KamailioError, check_config
    from ivr.kamailio.render import render_dispatcher_list, render_kamailio_cfg

    config = _config(settings)
    door = config.front_door()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "dispatcher.list").write_text(render_dispatcher_list(door))
    # checked against the list written beside it, installed pointing at the configured path
    checked = out_dir / ".kamailio-check.cfg"
    checked.write_text(render_kamailio_cfg(config.front_door(dispatcher_list=str((out_dir / "dispatcher.list").absolute()))))
    try:
        check_config(checked)
    except KamailioError as error:
        raise click.ClickException(str(error)) from None
    finally:
        checked.unlink(missing_ok=True)
    (out_dir / "kamailio.cfg").write_text(render_kamailio_cfg(door))
    click.echo(f"wrote {out_dir / 'kamailio.cfg'} and {out_dir / 'dispatcher.list'} "
               f"({len(config.nodes)} media nodes); kamailio -c accepts them")


@cluster.command("kamailio-db")
@click.pass_obj
def kamailio_db(settings: Settings) -> None:
    """Create Kamailio's tables (Debian's schema files) and write the agents' HA1 hashes from the
    site's SIP secrets file (secrets never printed). Safe to run again after a roster change."""
    from ivr.kamailio.db import KamailioDbError, create_schema, sync_subscribers
    from ivr.pjsip import SecretsError, pjsip_name, read_secrets
    from routing.asterisk import load_roster

    config = _config(settings)
    names = sorted(name for agent in load_roster(settings.agents_path).values()
                   if (name := pjsip_name(agent.endpoint.split("@", 1)[0])))
    try:
        secrets = read_secrets(settings.sip_secrets_path)
        created = create_schema(config.registrar_database)
        change = sync_subscribers(config.registrar_database, config.realm, names, secrets)
    except (KamailioDbError, SecretsError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"tables: {'created from ' + ', '.join(created) if created else 'already there'}; agents' phones: "
               f"{len(change.added)} added, {len(change.changed)} new secrets, {len(change.removed)} removed")
