"""The one settings object: every HOTLINE_* variable, read once at the edge and passed down.

`ivrctl`'s main (and nothing below it) calls `Settings.from_env(os.environ)`; modules take the
plain values they need from it (`settings.ami()`, `settings.database()`, `settings.reload()`,
paths). No other module reads the environment.

Every path derives from one site directory (HOTLINE_SITE_DIR):

    <site>/config/    hotline.yaml, hours.yaml, calendar/, agents.yaml, callbacks.yaml
    <site>/var/       the SQLite database, tokens, reload history and stored versions
    <site>/prompts/   catalog.yaml, recordings/, build/ (the built sounds and hold music)

`ivrctl init DIR` creates a site. In a git checkout the default site is the checkout, so
`make run` and `make test` need no variable. HOTLINE_CONFIG_DIR, HOTLINE_VAR_DIR and
HOTLINE_PROMPTS_DIR move one part elsewhere (e.g. var on another disk). An unknown HOTLINE_*
variable is refused: a misspelt HOTLINE_DATABSE_URL must not quietly mean SQLite.
"""

from __future__ import annotations

import dataclasses
import difflib
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, ValidationInfo, field_validator

from hotline.db.settings import ConfigurationError, DatabaseSettings
from hotline.shipped import CHECKOUT, shipped
from ivr.ami import AmiSettings
from ivr.pjsip.secrets import SIP_SECRETS_FILE
from ivr.dialplan.cluster_reload import NodeAddress
from ivr.dialplan.reload_settings import ReloadSettings
from ivr.menu.limits import DEFAULT_MAX_BYTES, ReadLimits

PREFIX = "HOTLINE_"
DEFAULT_ASTERISK_ROOT = Path.home() / ".cache/hotline12333/asterisk-root"
# Variables earlier versions read: refused with what replaced them, never silently ignored.
RETIRED = {
    "config_path": "set HOTLINE_CONFIG_DIR to the directory of hotline.yaml (all config files live there)",
    "catalog_path": "set HOTLINE_PROMPTS_DIR to the directory of catalog.yaml",
    "tokens_file": "tokens live in HOTLINE_VAR_DIR (tokens.json)",
}
# Derived from the site directory when not set.
_SITE_PARTS = {"config_dir": "config", "var_dir": "var", "prompts_dir": "prompts"}


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # --- the site: every file the hotline reads or writes ---------------------------------
    site_dir: Path
    config_dir: Path  # every configuration file
    var_dir: Path  # database (SQLite), tokens, reload history, stored dialplan versions
    prompts_dir: Path  # catalog.yaml, recordings/, build/
    dialplans_dir: Path = shipped("dialplans")  # the hand-written contexts (ship with the package)

    # --- Asterisk -------------------------------------------------------------------------
    asterisk_mode: Literal["sandbox", "external"] = "sandbox"
    asterisk_root: Path = DEFAULT_ASTERISK_ROOT  # sandbox mode; also the staged reload check

    # external mode: the production Asterisk's AMI (a user with read all and write
    # system,call,agent,user,originate,command,reporting,dialplan)
    ami_host: str = "127.0.0.1"
    ami_port: int = 5038
    ami_username: str = "hotline"
    ami_secret: SecretStr = SecretStr("")
    ami_action_timeout: float = 5.0

    # our FastAGI server; Asterisk's dialplan global HOTLINE_AGI must point here
    agi_host: str = "127.0.0.1"
    agi_port: int = 4573  # 0: any free port (sandbox mode tells the sandbox which)
    agi_read_timeout: float = 10.0
    # saturated (ivr.agi.load): new self-service callers are offered an agent instead
    overload_max_sessions: int = 400  # FastAGI sessions in progress
    overload_max_loop_lag_s: float = 0.25  # the event loop's mean lag over the last 2 s

    # AudioSocket server for speech navigation; advertise = host:port Asterisk connects to
    speech_host: str = "127.0.0.1"
    speech_port: int = 0
    speech_advertise: str | None = None
    vosk_model_path: Path | None = None  # overrides speech.vosk.model_path in hotline.yaml

    http_host: str = "127.0.0.1"
    http_port: int = 8000

    # external mode: Asterisk's spool monitor/messages as this host sees it (shared storage)
    messages_dir: Path | None = None
    # external mode: Asterisk's spool `recorder` directory (prompts recorded by phone) and its
    # sounds directory, when Asterisk does not play prompts/build/sounds itself
    recorder_spool_dir: Path | None = None
    prompts_live_dir: Path | None = None

    # dialplan and music-on-hold reloads
    dialplan_live_dir: Path | None = None  # the directory Asterisk's extensions.conf #includes
    moh_live_file: Path | None = None  # our musiconhold.conf section file
    pjsip_live_file: Path | None = None  # our PJSIP objects, #included by pjsip.conf (ivrctl pjsip reload)
    staged_check: Literal["auto", "always", "never"] = "auto"
    reload_timeout_s: float = 5.0

    # configuration files: the largest accepted (bytes); see ivr.menu.limits
    config_max_bytes: int = DEFAULT_MAX_BYTES

    # --- databases --------------------------------------------------------------------------
    database_url: str | None = None  # default: SQLite var/hotline.db
    id_hash_key: SecretStr | None = None  # hex, >= 32 bytes; required off SQLite
    pin_hash_key: SecretStr | None = None  # hex, >= 32 bytes; required off SQLite
    pin_max_failures: int = 3
    pin_failure_window_hours: float = 24
    pin_lock_hours: float = 24
    backend_timeout_seconds: float = 3.0

    # --- an active/standby pair (hotline.cluster): off, this service is always active -------
    cluster: bool = False  # on: a lease in PostgreSQL says which of two services acts
    cluster_node: str | None = None  # this service's name in the lease [default: host:http_port]
    # how Asterisk reaches this service's FastAGI; the active one sets HOTLINE_AGI to it
    cluster_agi_url: str | None = None  # [default: agi://agi_host:agi_port]

    @field_validator("cluster")
    @classmethod
    def _cluster_needs_postgresql(cls, cluster: bool, info: ValidationInfo) -> bool:
        url = info.data.get("database_url")
        if cluster and (url is None or not url.startswith("postgres")):
            raise ValueError("an active/standby pair shares its lease in PostgreSQL: set HOTLINE_DATABASE_URL "
                             "to a postgresql:// URL (one service on SQLite needs no lease)")
        return cluster

    # --- `ivrctl agent`, a client of the running service ------------------------------------
    api_url: str = "http://127.0.0.1:8000"  # HOTLINE_API_URL
    token: SecretStr = SecretStr("")

    @classmethod
    def for_site(cls, site_dir: Path, **values: Any) -> Settings:
        """Settings rooted at `site_dir`; parts not given in `values` sit inside it."""
        site_dir = Path(site_dir).absolute()
        for field, part in _SITE_PARTS.items():
            values.setdefault(field, site_dir / part)
        return cls(site_dir=site_dir, **values)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """From HOTLINE_* variables. Raises ConfigurationError, one line per problem."""
        values: dict[str, Any] = {name[len(PREFIX):].lower(): value for name, value in environ.items()
                                  if name.startswith(PREFIX) and value != ""}
        problems = [_unknown(name) for name in sorted(values) if name not in cls.model_fields]
        if problems:
            raise ConfigurationError("; ".join(problems))
        for name in ("site_dir", "dialplans_dir", *_SITE_PARTS):  # relative: from where ivrctl started
            if name in values:
                values[name] = Path(values[name]).expanduser().absolute()
        site_dir = values.pop("site_dir", None) or default_site_dir()
        try:
            return cls.for_site(site_dir, **values)
        except ValidationError as error:
            raise ConfigurationError("; ".join(
                f"{PREFIX}{str(e['loc'][0]).upper()}: {e['msg']}" for e in error.errors())) from None

    def replace(self, **values: Any) -> Settings:
        """A copy with `values` changed, validated like the original."""
        return type(self).model_validate({**dict(self), **values})

    # --- paths inside the site ------------------------------------------------------------
    @property
    def config_path(self) -> Path:
        return self.config_dir / "hotline.yaml"

    @property
    def hours_path(self) -> Path:  # calendar/ sits beside it
        return self.config_dir / "hours.yaml"

    @property
    def agents_path(self) -> Path:
        return self.config_dir / "agents.yaml"

    @property
    def callbacks_path(self) -> Path:
        return self.config_dir / "callbacks.yaml"

    @property
    def sip_path(self) -> Path:
        return self.config_dir / "sip.yaml"

    @property
    def cluster_path(self) -> Path:  # absent: one Asterisk (hotline.cluster.config)
        return self.config_dir / "cluster.yaml"

    @property
    def sip_secrets_path(self) -> Path:
        return self.var_dir / SIP_SECRETS_FILE

    @property
    def staffing_path(self) -> Path:  # service-level targets, shrinkage, forecast weeks
        return self.config_dir / "staffing.yaml"

    @property
    def catalog_path(self) -> Path:
        return self.prompts_dir / "catalog.yaml"

    @property
    def recordings_dir(self) -> Path:
        return self.prompts_dir / "recordings"

    @property
    def prompts_build_dir(self) -> Path:  # sounds/<language>/ and moh/<class>/
        return self.prompts_dir / "build"

    @property
    def tokens_file(self) -> Path:
        return self.var_dir / "tokens.json"

    @property
    def presence_file(self) -> Path:
        return self.var_dir / "agent-presence.json"

    # --- plain values for the layers below -------------------------------------------------
    def ami(self) -> AmiSettings:
        return AmiSettings(host=self.ami_host, port=self.ami_port, username=self.ami_username,
                           secret=self.ami_secret.get_secret_value(), action_timeout=self.ami_action_timeout)

    def database(self) -> DatabaseSettings:
        return DatabaseSettings(
            database_url=self.database_url, var_dir=self.var_dir, id_hash_key=self.id_hash_key,
            pin_hash_key=self.pin_hash_key,
            pin_max_failures=self.pin_max_failures, pin_failure_window_hours=self.pin_failure_window_hours,
            pin_lock_hours=self.pin_lock_hours, backend_timeout_seconds=self.backend_timeout_seconds)

    def node_name(self) -> str:
        return self.cluster_node or f"{socket.gethostname()}:{self.http_port}"

    def agi_url(self, agi_port: int) -> str:
        return self.cluster_agi_url or f"agi://{self.agi_host}:{agi_port}"

    def read_limits(self) -> ReadLimits:
        return ReadLimits(max_bytes=self.config_max_bytes)

    def reload(self, **overrides: Any) -> ReloadSettings:
        values: dict[str, Any] = dict(
            dialplan_live_dir=self.dialplan_live_dir, moh_live_file=self.moh_live_file, var_dir=self.var_dir,
            asterisk_root=self.asterisk_root, staged_check=self.staged_check, config_path=self.config_path,
            catalog_path=self.catalog_path, reload_timeout_s=self.reload_timeout_s, hand_written_dir=self.dialplans_dir)
        values.update(overrides)
        return ReloadSettings(**values)


    def reload_nodes(self) -> list[NodeAddress]:
        """A cluster's media nodes as `ivrctl dialplan reload` reaches them (config/cluster.yaml,
        with this site's AMI account on every node); [] without a cluster file. Raises
        ClusterConfigError (a ValueError), one line."""
        if not self.cluster_path.exists():
            return []
        from hotline.cluster.config import read_cluster_config

        cluster = read_cluster_config(self.cluster_path, self.read_limits())
        return [NodeAddress(node.name, dataclasses.replace(self.ami(), host=node.ami[0], port=node.ami[1]),
                            node.dialplan_live_dir) for node in cluster.nodes]


def default_site_dir() -> Path:
    """The checkout when running from one (make run, make test), else the current directory."""
    return CHECKOUT if CHECKOUT is not None else Path.cwd()


def _unknown(name: str) -> str:
    variable = PREFIX + name.upper()
    if name in RETIRED:
        return f"{variable} is no longer read: {RETIRED[name]}"
    close = difflib.get_close_matches(name, Settings.model_fields, n=1)
    hint = f" (did you mean {PREFIX}{close[0].upper()}?)" if close else ""
    return f"{variable} is not a hotline setting{hint}"

