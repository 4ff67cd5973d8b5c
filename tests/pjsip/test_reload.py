"""Agents' phones installed in a live Asterisk the dialplan's safe way: reload, check what
Asterisk loaded, put the previous file back when an object did not load."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.dialplan.history import History
from ivr.dialplan.reload_settings import ReloadSettings
from ivr.pjsip import AgentPhone, render_pjsip
from ivr.pjsip.reload import endpoints_in, reload_pjsip
from ivr.sandbox.config import HOTLINE_PJSIP_FILE, SANDBOX_TRUNK, SIP_TRANSPORT
from ivr.sipp.process import SippPhone
from tests.support.sandboxes import connected_client

pytestmark = pytest.mark.asterisk


async def test_a_new_phone_goes_live_and_a_broken_file_is_rolled_back(make_sandbox, tmp_path: Path) -> None:
    box = make_sandbox()
    live = box.host_path(box.layout.etc) / HOTLINE_PJSIP_FILE
    settings = ReloadSettings(var_dir=tmp_path / "var", config_path=tmp_path / "unused", catalog_path=tmp_path / "unused")
    good = render_pjsip(transport=SIP_TRANSPORT, phones=[AgentPhone("2001", "first-secret")], incoming=[SANDBOX_TRUNK])
    async with connected_client(box) as ami:
        attempt = await reload_pjsip(ami, settings, good, live_file=live, who="test")
        assert attempt.result == "ok", attempt.messages
        assert "endpoint 2001 added" in attempt.changes
        phone = SippPhone("2001", "first-secret", ("127.0.0.1", box.ports.sip), tmp_path / "sipp")
        assert phone.register(timeout=5) == 0  # the new endpoint takes its phone

        broken = render_pjsip(transport=SIP_TRANSPORT, incoming=[SANDBOX_TRUNK],
                              phones=[AgentPhone("2001", "first-secret"), AgentPhone("2002", "second-secret")])
        broken = broken.replace("[2002]\n; agent phone 2002\ntype = endpoint\n",
                                "[2002]\n; agent phone 2002\ntype = endpoint\ndtmf_mode = bogus\n")
        attempt = await reload_pjsip(ami, settings, broken, live_file=live, who="test")
        assert attempt.result == "rolled_back", attempt.messages
        assert "PJSIP endpoint 2002 is not loaded (Asterisk's log says why)" in attempt.messages
        assert live.read_text() == good
        listed = await ami.send_list({"Action": "PJSIPShowEndpoints"})
        assert {m["ObjectName"] for m in listed.events} >= endpoints_in(good)
    history = (tmp_path / "var" / "reload-history.jsonl").read_text()
    assert "first-secret" not in history and "second-secret" not in history
    assert [a.result for a in History(tmp_path / "var").attempts("pjsip")] == ["ok", "rolled_back"]
