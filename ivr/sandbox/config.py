"""The sandbox's Asterisk configuration, rendered as text from a few facts (pure).

Every file an instance needs is rendered here, so an instance never reads Debian's sample
configuration: what is loaded is what this module lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from ivr.pjsip import AgentPhone, IncomingTrunk, render_pjsip

MODULE_DIR = "/usr/lib/x86_64-linux-gnu/asterisk/modules"
DEBIAN_DATA_DIR = PurePosixPath("/usr/share/asterisk")

# An explicit list: a module we did not ask for cannot surprise us, and boot stays near 0.5 s.
MODULES: tuple[str, ...] = (
    # dialplan and the applications our dialplans use
    "pbx_config.so",
    "app_playback.so",
    "app_read.so",
    "app_senddtmf.so",
    "app_userevent.so",
    "app_verbose.so",
    "app_stack.so",  # Gosub (app_macro is gone in Asterisk 21+)
    "app_dial.so",
    "app_echo.so",
    "app_exec.so",
    "app_record.so",
    "app_mixmonitor.so",
    "app_waitforsilence.so",
    "app_sayunixtime.so",
    "app_softhangup.so",
    "app_channelredirect.so",
    "res_audiosocket.so",
    "app_audiosocket.so",
    "app_db.so",
    "func_channel.so",
    "func_strings.so",
    "func_logic.so",
    "func_callerid.so",
    "func_global.so",
    "func_db.so",
    "func_math.so",
    "func_cut.so",
    "func_timeout.so",
    "func_uri.so",
    "func_hangupcause.so",
    "func_dialplan.so",
    "func_sayfiles.so",
    "func_rand.so",
    "func_sprintf.so",
    "func_uuid.so",
    # AGI needs the speech API loaded first (res_agi links against it)
    "res_speech.so",
    "res_agi.so",
    # holding: music on hold needs a timing source
    "res_timing_timerfd.so",
    "res_musiconhold.so",
    "res_clioriginate.so",
    # media formats and codecs: prompts are stored as wav and ulaw
    "format_wav.so",
    "format_pcm.so",
    "format_sln.so",
    "format_gsm.so",
    "codec_ulaw.so",
    "codec_alaw.so",
    "codec_a_mu.so",
    "codec_gsm.so",
    "codec_resample.so",
    # bridging caller and agent
    "bridge_simple.so",
    "bridge_native_rtp.so",
    "bridge_holding.so",
    "bridge_builtin_features.so",
    # SIP, for agents' phones and load tests
    "res_sorcery_config.so",
    "res_sorcery_memory.so",
    "res_sorcery_astdb.so",
    "res_pjproject.so",
    "res_pjsip.so",
    "res_pjsip_pubsub.so",
    "res_pjsip_session.so",
    "chan_pjsip.so",
    "res_rtp_asterisk.so",
    "res_pjsip_sdp_rtp.so",
    "res_pjsip_endpoint_identifier_ip.so",
    "res_pjsip_endpoint_identifier_user.so",
    "res_pjsip_authenticator_digest.so",
    "res_pjsip_caller_id.so",
    "res_pjsip_dtmf_info.so",
    "res_pjsip_registrar.so",  # agents' phones register
    "res_pjsip_nat.so",  # force_rport / rewrite_contact on the phones' endpoints
    "res_pjsip_outbound_authenticator_digest.so",
    "res_pjsip_logger.so",  # `pjsip set logger on` when a test needs to see the SIP
    "res_security_log.so",
    "res_pjsip_notify.so",  # AMI PJSIPNotify: tests tell a SIPp caller when to press its keys
)

# Files whose absence makes Asterisk log start-up errors; empty is what we mean.
EMPTY_FILES: tuple[str, ...] = (
    "acl.conf",
    "cdr.conf",
    "cel.conf",
    "ccss.conf",
    "udptl.conf",
    "features.conf",
    "queues.conf",
    "pjproject.conf",
    "pjsip_notify.conf",
)

# Subdirectories of Debian's data dir an instance links to: the XML documentation (without it
# config_options loses its docs), English sounds for tones and beeps, and the rest untouched.
LINKED_DATA = ("documentation", "static-http", "rest-api", "phoneprov", "firmware", "keys")


@dataclass(frozen=True)
class SandboxPorts:
    ami: int
    sip: int
    rtp_start: int
    rtp_end: int


@dataclass(frozen=True)
class SandboxLayout:
    """Where an instance lives, as paths inside the Asterisk root (the chroot)."""

    base: PurePosixPath

    @property
    def etc(self) -> PurePosixPath:
        return self.base / "etc"

    @property
    def dialplan(self) -> PurePosixPath:
        return self.etc / "dialplan"

    @property
    def data(self) -> PurePosixPath:
        return self.base / "data"

    @property
    def lib(self) -> PurePosixPath:
        return self.base / "lib"

    @property
    def spool(self) -> PurePosixPath:
        return self.base / "spool"

    @property
    def run(self) -> PurePosixPath:
        return self.base / "run"

    @property
    def log(self) -> PurePosixPath:
        return self.base / "log"

    @property
    def asterisk_conf(self) -> PurePosixPath:
        return self.etc / "asterisk.conf"


def render_asterisk_conf(layout: SandboxLayout) -> str:
    return f"""\
; Sandbox instance: every writable directory is private to this instance.
[directories]
astetcdir => {layout.etc}
astmoddir => {MODULE_DIR}
astvarlibdir => {layout.lib}
astdbdir => {layout.lib}
astkeydir => {layout.lib}
astdatadir => {layout.data}
astagidir => {DEBIAN_DATA_DIR / "agi-bin"}
astspooldir => {layout.spool}
astrundir => {layout.run}
astlogdir => {layout.log}
astsbindir => /usr/sbin

[options]
verbose = 3
debug = 0
documentation_language = en_US
hideconnect = yes
; Lose no time on DNS: this machine has none, and the sandbox resolves nothing.
"""


def render_modules_conf() -> str:
    loads = "\n".join(f"load => {m}" for m in MODULES)
    return f"[modules]\nautoload = no\n\n{loads}\n"


def render_manager_conf(ports: SandboxPorts, username: str, secret: str,
                        event_filter: Sequence[str] = ()) -> str:
    """`event_filter`: the user's eventfilter lines (ivr.ami.eventfilter); none: every event."""
    filters = "".join(f"{line}\n" for line in event_filter)
    return f"""\
[general]
enabled = yes
webenabled = no
bindaddr = 127.0.0.1
port = {ports.ami}
displayconnects = no

[{username}]
secret = {secret}
deny = 0.0.0.0/0.0.0.0
permit = 127.0.0.1/255.255.255.255
read = all
write = all
writetimeout = 1000
{filters}"""


def render_logger_conf() -> str:
    return """\
[general]
dateformat = %F %T.%3q

[logfiles]
messages.log => notice,warning,error,verbose
"""


def render_extensions_conf(agi_url: str, include_glob: str) -> str:
    return f"""\
[general]
static = yes
writeprotect = yes
clearglobalvars = yes

[globals]
; Where the hotline service's FastAGI server listens.
HOTLINE_AGI = {agi_url}

#include "{include_glob}"
"""


def render_sandbox_dialplan() -> str:
    # Always present, so the #include glob in extensions.conf matches at least one file
    # (an empty glob makes pbx_config decline to load).
    return """\
; Sandbox's own contexts (rendered by ivr.sandbox.config).
[sandbox-echo]
exten => s,1,Answer()
 same => n,Echo()
 same => n,Hangup()
"""


SIP_TRANSPORT = "transport-udp"
HOTLINE_PJSIP_FILE = "hotline-pjsip.conf"
# The 12333 number as a carrier would deliver it: anything from loopback that is not an
# agent's phone (a softphone with no account, SIPp) is the trunk.
SANDBOX_TRUNK = IncomingTrunk("trunk-12333", ("127.0.0.1",), "hotline-entry")


def render_pjsip_conf(ports: SandboxPorts) -> str:
    return f"""\
[global]
type = global
user_agent = 12333 sandbox
; An agent's phone is known by its user name before anything from 127.0.0.1 is taken for the
; trunk (phones and the trunk share loopback here; in production they differ by address).
endpoint_identifier_order = username,ip

[transport-udp]
type = transport
protocol = udp
bind = 127.0.0.1:{ports.sip}

[transport-tcp]
type = transport
protocol = tcp
bind = 127.0.0.1:{ports.sip}

#include "{HOTLINE_PJSIP_FILE}"
"""


def render_sandbox_pjsip(phones: Sequence[AgentPhone]) -> str:
    # Qualify every 10 s: a phone that stopped answering is off the router's list within that.
    return render_pjsip(transport=SIP_TRANSPORT, phones=phones, incoming=[SANDBOX_TRUNK], qualify_s=10)


def render_rtp_conf(ports: SandboxPorts) -> str:
    return f"[general]\nrtpstart = {ports.rtp_start}\nrtpend = {ports.rtp_end}\n"


def render_musiconhold_conf() -> str:
    return "[default]\nmode = files\ndirectory = moh\nsort = alpha\n"


def render_indications_conf() -> str:
    # China's tones (450 Hz); the default zone matters for Playtones and ringback.
    return """\
[general]
country = cn

[cn]
description = China
ringcadence = 1000,4000
dial = 450
busy = 450/350,0/350
ring = 450/1000,0/4000
congestion = 450/700,0/700
callwaiting = 450/400,0/4000
record = 950/400,0/10000
info = 450/100,0/100,450/100,0/100,450/100,0/100,450/400,0/400
"""


def render_config_set(
    layout: SandboxLayout,
    ports: SandboxPorts,
    *,
    agi_url: str,
    ami_username: str,
    ami_secret: str,
    sip_phones: Sequence[AgentPhone] = (),
    ami_event_filter: Sequence[str] = (),
) -> dict[str, str]:
    """Every file of an instance's etc directory, by name."""
    files = {
        "asterisk.conf": render_asterisk_conf(layout),
        "modules.conf": render_modules_conf(),
        "manager.conf": render_manager_conf(ports, ami_username, ami_secret, ami_event_filter),
        "logger.conf": render_logger_conf(),
        "extensions.conf": render_extensions_conf(agi_url, f"{layout.dialplan}/*.conf"),
        "pjsip.conf": render_pjsip_conf(ports),
        HOTLINE_PJSIP_FILE: render_sandbox_pjsip(sip_phones),
        "rtp.conf": render_rtp_conf(ports),
        "musiconhold.conf": render_musiconhold_conf(),
        "indications.conf": render_indications_conf(),
    }
    files.update({name: "" for name in EMPTY_FILES})
    files["dialplan/00-sandbox.conf"] = render_sandbox_dialplan()
    return files
