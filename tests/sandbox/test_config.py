"""The sandbox's rendered configuration (pure)."""

from pathlib import PurePosixPath

from ivr.sandbox.config import MODULES, SandboxLayout, SandboxPorts, render_config_set


def _files() -> dict[str, str]:
    layout = SandboxLayout(PurePosixPath("/var/lib/hotline-sandbox/x"))
    return render_config_set(layout, SandboxPorts(5038, 5060, 20000, 20039),
                             agi_url="agi://127.0.0.1:4573", ami_username="hotline", ami_secret="s3")


def test_agi_loads_after_the_speech_api_it_links_against() -> None:
    assert MODULES.index("res_speech.so") < MODULES.index("res_agi.so")


def test_manager_listens_on_loopback_only_with_the_given_port() -> None:
    manager = _files()["manager.conf"]
    assert "bindaddr = 127.0.0.1" in manager
    assert "port = 5038" in manager
    assert "permit = 127.0.0.1/255.255.255.255" in manager


def test_every_writable_directory_is_private_to_the_instance() -> None:
    conf = _files()["asterisk.conf"]
    for key in ("astetcdir", "astvarlibdir", "astdbdir", "astspooldir", "astrundir", "astlogdir"):
        line = next(l for l in conf.splitlines() if l.startswith(key))
        assert "/var/lib/hotline-sandbox/x/" in line, line


def test_dialplan_glob_always_has_a_file_to_match() -> None:
    files = _files()
    assert '#include "/var/lib/hotline-sandbox/x/etc/dialplan/*.conf"' in files["extensions.conf"]
    assert "[sandbox-echo]" in files["dialplan/00-sandbox.conf"]
    assert "HOTLINE_AGI = agi://127.0.0.1:4573" in files["extensions.conf"]


def test_sip_and_rtp_bind_the_chosen_ports() -> None:
    files = _files()
    assert "bind = 127.0.0.1:5060" in files["pjsip.conf"]
    assert "rtpstart = 20000" in files["rtp.conf"] and "rtpend = 20039" in files["rtp.conf"]
