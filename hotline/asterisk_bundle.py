"""`ivrctl asterisk bundle DIR`: everything an existing Asterisk 22 needs to run the hotline.

The admin copies DIR/etc/* into Asterisk's configuration directory, DIR/sounds/* and DIR/moh/*
into its data directory, adds five `#include` lines (DIR/INSTALL.txt says where), and starts the
service with DIR/hotline.env. `render_bundle` reads the site and returns every text; `write_bundle` writes them.

Why each piece is the way it is:
- Globals the service needs (HOTLINE_AGI, HOTLINE_MAX_HOLD_S, HOTLINE_SPEECH) sit in the
  [globals] of our extensions include, so `clearglobalvars = yes` re-reads them on every reload
  instead of clearing what the service set over AMI.
- The live directory ships with a placeholder: pbx_config refuses an `#include` glob that
  matches nothing and then loads no context at all, so a first install would fail.
- Sounds are written 0644 in 0755 directories: Asterisk runs as its own user and must read them.
"""
from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hotline.ami_events import service_eventfilter
from hotline.callbacks.policy import load_policy
from hotline.pjsip_site import render_site_pjsip
from hotline.settings import Settings
from ivr.prompts.moh import MOH_CLASS, render_moh_class
from ivr.sandbox.config import MODULES

AMI_USER = "hotline"
PLACEHOLDER = "00-hotline-placeholder.conf"
# Loaded only for the project's own tests: a production Asterisk has no need of them.
TEST_ONLY_MODULES = frozenset({"app_echo.so", "app_senddtmf.so", "res_pjsip_logger.so", "res_pjsip_notify.so"})
PRODUCTION_MODULES = tuple(module for module in MODULES if module not in TEST_ONLY_MODULES)
# What the service does over AMI (README, "Production"); nothing more.
AMI_WRITE = "system,call,agent,user,originate,command,reporting,dialplan"
SECRET_FILES = frozenset({"etc/manager-hotline.conf", "etc/pjsip-hotline.conf"})


@dataclass(frozen=True)
class BundleTarget:
    """The Asterisk the bundle is for, as that Asterisk sees its own files and the service."""

    etc_dir: PurePosixPath = PurePosixPath("/etc/asterisk")
    data_dir: PurePosixPath = PurePosixPath("/usr/share/asterisk")
    service_address: str = "127.0.0.1"  # where the service connects from (AMI permit)
    agi_url: str = "agi://127.0.0.1:4573"  # where Asterisk reaches the service's FastAGI
    ami_port: int = 5038

    @property
    def live_dir(self) -> PurePosixPath:
        return self.etc_dir / "hotline"


def render_extensions(target: BundleTarget, max_hold_s: int) -> str:
    return f"""\
; The hotline's part of extensions.conf: `#include "{target.etc_dir}/extensions-hotline.conf"`
; after extensions.conf's [general] (rendered by `ivrctl asterisk bundle`).
; These globals are re-read on every dialplan reload, so clearglobalvars = yes is safe.
[globals]
HOTLINE_AGI = {target.agi_url}
HOTLINE_MAX_HOLD_S = {max_hold_s}
HOTLINE_SPEECH = off

; Generated menus (hotline-entry and one file per config version) and the hand-written contexts;
; `ivrctl dialplan reload` writes here. Route the 12333 number to context hotline-entry.
#include "{target.live_dir}/*.conf"
"""


def render_manager_user(target: BundleTarget, secret: str) -> str:
    filters = "\n".join(service_eventfilter())
    return f"""\
; The hotline service's AMI user: `#include "{target.etc_dir}/manager-hotline.conf"` at the end
; of manager.conf ([general] enabled = yes, port = {target.ami_port}).
[{AMI_USER}]
secret = {secret}
deny = 0.0.0.0/0.0.0.0
permit = {target.service_address}/255.255.255.255
read = all
write = {AMI_WRITE}
; A stalled service must not stall Asterisk: writes to it give up after 5 s.
writetimeout = 5000
; Only the events the service reads (not every Newexten and VarSet of every call).
{filters}
"""


def render_modules() -> str:
    loads = "\n".join(f"load => {module}" for module in PRODUCTION_MODULES)
    return f"""\
; Modules the hotline uses: `#include` this in modules.conf's [modules] (harmless with autoload).
; res_agi needs res_speech loaded first.
{loads}
"""


def render_moh(target: BundleTarget) -> str:
    return ("; The hotline's hold music: `#include` this in musiconhold.conf.\n"
            + render_moh_class(MOH_CLASS, str(target.data_dir / "moh" / MOH_CLASS)))


def render_placeholder() -> str:
    return ("; Keeps the #include glob of extensions-hotline.conf matching on a first install\n"
            "; (pbx_config loads nothing at all when a glob matches no file). Keep it.\n")


def render_env(target: BundleTarget, secret: str, settings: Settings) -> str:
    return f"""\
# The hotline service's environment for this Asterisk (systemd EnvironmentFile=). Mode 0600.
HOTLINE_SITE_DIR={settings.site_dir}
HOTLINE_ASTERISK_MODE=external
HOTLINE_AMI_HOST=127.0.0.1
HOTLINE_AMI_PORT={target.ami_port}
HOTLINE_AMI_USERNAME={AMI_USER}
HOTLINE_AMI_SECRET={secret}
HOTLINE_AGI_HOST={settings.agi_host}
HOTLINE_AGI_PORT={settings.agi_port}
HOTLINE_DIALPLAN_LIVE_DIR={target.live_dir}
HOTLINE_STAGED_CHECK=never
"""


def render_install(target: BundleTarget) -> str:
    return f"""\
Installing the 12333 hotline into an existing Asterisk 22 (as root):

  cp -r etc/* {target.etc_dir}/
  chown root:asterisk {target.etc_dir}/*-hotline.conf       (0640: Asterisk reads the secrets in them)
  chown -R hotline:asterisk {target.live_dir} && chmod 2750 {target.live_dir}
                                      (the service's user writes reloads there, Asterisk reads them)
  cp -r sounds/* {target.data_dir}/sounds/ && cp -r moh/* {target.data_dir}/moh/
  extensions.conf, after [general]:  #include "{target.etc_dir}/extensions-hotline.conf"
  manager.conf ([general] enabled = yes):  #include "{target.etc_dir}/manager-hotline.conf"
  modules.conf, in [modules]:  #include "{target.etc_dir}/modules-hotline.conf"
  musiconhold.conf:  #include "{target.etc_dir}/musiconhold-hotline.conf"
  pjsip.conf (after the transport config/sip.yaml names):  #include "{target.etc_dir}/pjsip-hotline.conf"
  core restart when convenient, then as the hotline user:
    set -a; . ./hotline.env; set +a; ivrctl db upgrade && ivrctl dialplan reload && ivrctl run

Sounds: zh (Mandarin), zh_yue (Cantonese), zh_hak (Hakka), zh_gl (Guiliu), za
(Zhuang); Asterisk falls back zh_yue -> zh. Route the 12333 number to context hotline-entry.
"""


def render_bundle(settings: Settings, target: BundleTarget, *, ami_secret: str, pjsip: str) -> dict[str, str]:
    """Every text file of the bundle, by path relative to it."""
    policy = load_policy(settings.callbacks_path)
    files = {
        "etc/extensions-hotline.conf": render_extensions(target, round(policy.max_hold_s)),
        "etc/manager-hotline.conf": render_manager_user(target, ami_secret),
        "etc/modules-hotline.conf": render_modules(),
        "etc/musiconhold-hotline.conf": render_moh(target),
        f"etc/hotline/{PLACEHOLDER}": render_placeholder(),
        "hotline.env": render_env(target, ami_secret, settings),
        "INSTALL.txt": render_install(target),
    }
    for path in sorted(settings.dialplans_dir.glob("*.conf")):  # the hand-written contexts
        files[f"etc/hotline/{path.name}"] = path.read_text(encoding="utf-8")
    files["etc/pjsip-hotline.conf"] = pjsip  # the same text `ivrctl pjsip render` prints
    return files


def write_bundle(settings: Settings, target: BundleTarget, out: Path) -> list[str]:
    """Write the bundle into `out`; returns warnings (e.g. agents with no SIP secret)."""
    pjsip, warnings = render_site_pjsip(settings)  # agents' phones and trunks (config/sip.yaml)
    files = render_bundle(settings, target, ami_secret=secrets.token_urlsafe(24), pjsip=pjsip)
    for name, text in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        # secrets (the AMI secret, SIP secrets): the service's env for its owner, Asterisk's files
        # for the asterisk group once chowned (INSTALL.txt); the rest readable by Asterisk
        path.chmod(0o600 if name == "hotline.env" else 0o640 if name in SECRET_FILES else 0o644)
    build = settings.prompts_build_dir
    if not (build / "sounds").is_dir():
        warnings.append(f"no built prompts in {build}: run `ivrctl prompts build`, then bundle again")
    else:
        _copy_readable(build / "sounds", out / "sounds")
    if (build / "moh" / MOH_CLASS).is_dir():
        _copy_readable(build / "moh" / MOH_CLASS, out / "moh" / MOH_CLASS)
    return warnings


def _copy_readable(source: Path, target: Path) -> None:
    """Copy a tree with files 0644 and directories 0755, whoever built it (prompts are built
    0600 by a root umask): Asterisk's own user must read every one."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, copy_function=shutil.copyfile)
    for directory, _dirs, names in os.walk(target):
        os.chmod(directory, 0o755)
        for name in names:
            os.chmod(os.path.join(directory, name), 0o644)
