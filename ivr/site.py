"""What `ivr`'s commands need from the site they run in, as protocols.

`ivrctl`'s main builds the hotline's one settings object from HOTLINE_* and puts it in the
click context; it satisfies these protocols, so `ivr` reads no environment and imports nothing
from `hotline`. A command given every path as an option needs no site at all.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import click

from ivr.ami import AmiSettings
from ivr.dialplan.cluster_reload import NodeAddress
from ivr.dialplan.reload_settings import ReloadSettings


class PromptsSite(Protocol):
    @property
    def catalog_path(self) -> Path: ...
    @property
    def recordings_dir(self) -> Path: ...
    @property
    def prompts_build_dir(self) -> Path: ...
    @property
    def asterisk_root(self) -> Path: ...
    @property
    def var_dir(self) -> Path: ...


class DialplanSite(Protocol):
    @property
    def config_path(self) -> Path: ...
    @property
    def catalog_path(self) -> Path: ...
    def ami(self) -> AmiSettings: ...
    def reload(self) -> ReloadSettings: ...
    def reload_nodes(self) -> list[NodeAddress]: ...  # a cluster's media nodes; [] for one Asterisk


def dialplan_site() -> DialplanSite:
    return _site_settings()


def prompts_site() -> PromptsSite:
    return _site_settings()


def _site_settings() -> Any:
    obj = click.get_current_context().find_root().obj
    if obj is None:
        raise click.UsageError("no site settings: run this through ivrctl, or give every path as an option")
    return obj
