"""Where a reload writes, keeps its history and finds an Asterisk to check with (HOTLINE_* env).

    HOTLINE_DIALPLAN_LIVE_DIR   directory Asterisk's extensions.conf #includes (*.conf), e.g.
                                /etc/asterisk/hotline; for a sandbox, sandbox.dialplan_dir
    HOTLINE_MOH_LIVE_FILE       our musiconhold.conf section file, #included by musiconhold.conf
    HOTLINE_VAR_DIR             history, stored versions, staging, the reload lock (default var/)
    HOTLINE_ASTERISK_ROOT       local Asterisk root for the staged check (absent: check skipped)
    HOTLINE_STAGED_CHECK        auto (when the root exists and we run as root) | always | never
    HOTLINE_CONFIG_PATH, HOTLINE_CATALOG_PATH   what `reload` loads by default
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ReloadSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOTLINE_", extra="ignore")

    dialplan_live_dir: Path | None = None
    moh_live_file: Path | None = None
    var_dir: Path = PROJECT_ROOT / "var"
    asterisk_root: Path = Path.home() / ".cache/hotline12333/asterisk-root"
    staged_check: Literal["auto", "always", "never"] = "auto"
    config_path: Path = PROJECT_ROOT / "config" / "hotline.yaml"
    catalog_path: Path = PROJECT_ROOT / "prompts" / "catalog.yaml"
    reload_timeout_s: float = 5.0  # waiting for Asterisk's Reload event

    def live_dir(self) -> Path:
        if self.dialplan_live_dir is None:
            raise ValueError("no live dialplan directory: set HOTLINE_DIALPLAN_LIVE_DIR (the directory "
                             "Asterisk's extensions.conf #includes)")
        return self.dialplan_live_dir

    def use_staged_check(self) -> bool:
        if self.staged_check == "never":
            return False
        # auto: the sandbox runs chrooted, which needs root as well as the root directory
        local = (self.asterisk_root / "usr/sbin/asterisk").exists() and os.geteuid() == 0
        return self.staged_check == "always" or local
