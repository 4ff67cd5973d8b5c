"""The site's PJSIP file for production: config/sip.yaml, the roster and the site's secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.pjsip_site import SipConfigError, parse_sip_config, render_site_pjsip
from ivr.pjsip.reload import objects_in
from tests.support.site import site_settings


def test_the_shipped_config_renders_the_trunks_and_a_phone_per_agent_with_a_secret(tmp_path: Path) -> None:
    settings = site_settings(tmp_path)
    settings.sip_secrets_path.write_text("1001 = a-secret\n1002 = b-secret\n")
    text, warnings = render_site_pjsip(settings)
    objects = objects_in(text)
    assert {("1001", "endpoint"), ("1001", "auth"), ("1002", "aor"), ("trunk-12333", "identify"),
            ("pstn", "endpoint"), ("pstn", "aor")} <= objects
    assert ("1003", "endpoint") not in objects
    assert warnings == [f"no secret for 1003, 1004, 1005 in {settings.sip_secrets_path}: their phones are left out"]


@pytest.mark.parametrize("text, message", [
    ("transports: x\n", "s.yaml: transports: unknown key"),
    ("incoming: [{name: t, match: []}]\n", "s.yaml: incoming[0].match: expected a list of addresses"),
    ("outgoing: {name: pstn, contact: 10.0.0.1}\n", "s.yaml: outgoing.contact: expected a SIP URI"),
    ("qualify_s: many\n", "s.yaml: qualify_s: expected whole seconds"),
    ("incoming: [\n", "s.yaml:2: .top level.: YAML syntax error"),
])
def test_a_broken_sip_config_is_refused_in_one_line(text: str, message: str) -> None:
    with pytest.raises(SipConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_sip_config(text, "s.yaml")


def test_a_trunk_that_authenticates_needs_its_password_in_the_secrets_file(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    for name in ("agents.yaml",):
        (config / name).write_text((Path(__file__).resolve().parents[2] / "config" / name).read_text())
    (config / "sip.yaml").write_text("outgoing: {name: pstn, contact: 'sip:192.0.2.1', username: hotline}\n")
    settings = site_settings(tmp_path / "var", config_dir=config)
    (tmp_path / "var").mkdir()
    with pytest.raises(SipConfigError, match="no `pstn = ...` line"):
        render_site_pjsip(settings)
    settings.sip_secrets_path.write_text("pstn = trunk-pw\n")
    text, _ = render_site_pjsip(settings)
    assert "password = trunk-pw" in text and ("pstn-auth", "auth") in objects_in(text)


def test_a_cluster_node_rings_agents_through_kamailio_and_takes_the_trunk_from_it(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    repo = Path(__file__).resolve().parents[2]
    for name in ("agents.yaml", "sip.yaml"):
        (config / name).write_text((repo / "config" / name).read_text())
    (config / "cluster.yaml").write_text(
        "front_door: {listen: 192.0.2.5:5060, trunk_sources: [192.0.2.10], "
        "registrar_database: 'postgres://kamailio@192.0.2.30/kamailio'}\n"
        "nodes: [{name: media1, sip: 192.0.2.21, ami: 192.0.2.21, dialplan_live_dir: /srv/media1}]\n")
    (tmp_path / "var").mkdir()
    settings = site_settings(tmp_path / "var", config_dir=config)
    settings.sip_secrets_path.write_text("1001 = a-secret\n")
    text, warnings = render_site_pjsip(settings)
    objects = objects_in(text)
    assert {("kamailio", "endpoint"), ("kamailio", "aor"), ("trunk-12333", "identify")} <= objects
    assert not any(name == "1001" for name, _ in objects) and "a-secret" not in text
    assert "contact = sip:192.0.2.5:5060" in text and "match = 192.0.2.5" in text and "192.0.2.10" not in text.split("[pstn]")[0]
    assert warnings and "register to Kamailio" in warnings[0]
