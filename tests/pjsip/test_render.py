"""The PJSIP renderer (pure) and the SIP secrets files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.pjsip import AgentPhone, IncomingTrunk, OutgoingTrunk, SecretsError, demo_secrets, pjsip_name, read_secrets
from ivr.pjsip.render import render_pjsip


def _sections(text: str) -> dict[tuple[str, str], dict[str, list[str]]]:
    """(name, type) -> option -> values, as Asterisk's config parser would see them."""
    found: dict[tuple[str, str], dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    name = ""
    for line in text.splitlines():
        line = line.split(";", 1)[0].strip()
        if line.startswith("["):
            name, current = line.strip("[]"), {}
        elif "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
            current.setdefault(key, []).append(value)
            if key == "type":
                found[(name, value)] = current
    return found


def test_an_agent_phone_is_endpoint_aor_and_auth_with_g711_and_rfc4733() -> None:
    text = render_pjsip(transport="transport-udp", phones=[AgentPhone("1001", "s3cret")])
    sections = _sections(text)
    endpoint = sections[("1001", "endpoint")]
    assert endpoint["transport"] == ["transport-udp"] and endpoint["allow"] == ["ulaw,alaw"]
    assert endpoint["disallow"] == ["all"] and endpoint["dtmf_mode"] == ["rfc4733"]
    assert endpoint["auth"] == ["1001"] and endpoint["aors"] == ["1001"]
    assert sections[("1001", "aor")]["max_contacts"] == ["1"]
    assert sections[("1001", "auth")]["password"] == ["s3cret"]
    assert "s3cret" not in repr(AgentPhone("1001", "s3cret"))


def test_the_12333_trunk_is_identified_by_address_and_lands_in_the_hotline_entry() -> None:
    text = render_pjsip(transport="t", phones=[], incoming=[IncomingTrunk("carrier", ("10.0.0.1", "10.0.1.0/24"))],
                        outgoing=OutgoingTrunk("pstn", "sip:10.0.0.1:5060", "acct", "pw"))
    sections = _sections(text)
    assert sections[("carrier", "endpoint")]["context"] == ["hotline-entry"]
    assert "auth" not in sections[("carrier", "endpoint")]
    assert sections[("carrier", "identify")]["match"] == ["10.0.0.1", "10.0.1.0/24"]
    assert sections[("pstn", "aor")]["contact"] == ["sip:10.0.0.1:5060"]
    assert sections[("pstn", "endpoint")]["outbound_auth"] == ["pstn-auth"]


@pytest.mark.parametrize("phones, message", [
    ([AgentPhone("1001", "a"), AgentPhone("1001", "b")], "used twice: 1001"),
    ([AgentPhone("10 01", "a")], "not a usable PJSIP object name"),
    ([AgentPhone("1001", "a;b")], "1001: the secret"),
    ([AgentPhone("1001", "")], "1001: the secret"),
])
def test_names_and_secrets_asterisk_would_misread_are_refused(phones: list[AgentPhone], message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        render_pjsip(transport="t", phones=phones)
    assert "a;b" not in str(caught.value)


def test_pjsip_names_come_from_the_agents_dial_strings() -> None:
    assert pjsip_name("PJSIP/1001") == "1001"
    assert [pjsip_name(e) for e in ("Local/1001@test-agents/n", "PJSIP/", "PJSIP/1001@pstn", "SIP/1001")] == [None] * 4


def test_demo_secrets_are_made_once_per_install_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "var" / "sip-demo-secrets"
    first = demo_secrets(path, ["1001", "1002"])
    assert path.stat().st_mode & 0o777 == 0o600 and len(set(first.values())) == 2
    again = demo_secrets(path, ["1001", "1002", "1003"])
    assert {k: again[k] for k in first} == first and "1003" in again
    assert read_secrets(path) == again


def test_a_broken_secrets_file_is_refused_in_one_line_without_the_secret(tmp_path: Path) -> None:
    path = tmp_path / "secrets"
    path.write_text("# agents\n1001 = hunter2\n1002 hunter3\n")
    with pytest.raises(SecretsError, match=rf"^{path}:3: expected `name = secret`") as caught:
        read_secrets(path)
    assert "hunter" not in str(caught.value)
    path.write_text("1001 = a\n1001 = b\n")
    with pytest.raises(SecretsError, match=":2: 1001: given twice"):
        read_secrets(path)
    with pytest.raises(SecretsError, match="cannot read"):
        read_secrets(tmp_path / "missing")
