"""Where a reload writes, keeps its history and finds an Asterisk to check with.

Plain values: the hotline side builds them from its one settings object
(hotline.settings.Settings.reload()); `ivr` reads no environment.

    dialplan_live_dir   directory Asterisk's extensions.conf #includes (*.conf), e.g.
                        /etc/asterisk/hotline; for a sandbox, sandbox.dialplan_dir
    moh_live_file       our musiconhold.conf section file, #included by musiconhold.conf
    var_dir             history, stored versions, staging, the reload lock
    asterisk_root       local Asterisk root for the staged check (None or absent: check skipped)
    staged_check        auto (when the root exists and we run as root) | always | never
    config_path, catalog_path   what `reload` loads when not told otherwise
    hand_written_dir    the hand-written contexts (*.conf) a reload deploys and versions with the
                        generated ones (None: they are installed some other way, as the sandbox does)
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class ReloadSettings:
    var_dir: Path
    config_path: Path
    catalog_path: Path
    dialplan_live_dir: Path | None = None
    moh_live_file: Path | None = None
    asterisk_root: Path | None = None
    staged_check: Literal["auto", "always", "never"] = "auto"
    reload_timeout_s: float = 5.0  # waiting for Asterisk's Reload event
    hand_written_dir: Path | None = None

    def live_dir(self) -> Path:
        if self.dialplan_live_dir is None:
            raise ValueError("no live dialplan directory: set HOTLINE_DIALPLAN_LIVE_DIR (the directory "
                             "Asterisk's extensions.conf #includes)")
        return self.dialplan_live_dir

    def use_staged_check(self) -> bool:
        if self.staged_check == "never" or self.asterisk_root is None:
            return False
        # auto: the sandbox runs chrooted, which needs root as well as the root directory
        local = (self.asterisk_root / "usr/sbin/asterisk").exists() and os.geteuid() == 0
        return self.staged_check == "always" or local
