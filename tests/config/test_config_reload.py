"""`POST /ops/config/reload` on an assembled hotline: a broken file changes nothing; a valid
roster change lets a new agent log in without a restart, and an agent already logged in keeps
their seat."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from hotline.assembly import AsteriskSite, assemble
from hotline.auth import TokenStore
from hotline.db.migrate import upgrade
from ivr.dialplan.history import History
from routing.asterisk import UnknownAgent
from tests.e2e.test_caller_to_agent import WORKING_THURSDAY_NOON, config_dir  # noqa: F401 (fixture)
from tests.support.site import site_settings

pytestmark = pytest.mark.asterisk

NEW_AGENT = """\
  - id: "2002"
    name: Test agent two
    endpoint: Local/talk2@test-agents/n
    proficiencies: {mandarin: 4, pension: 3}
"""


async def test_a_roster_change_takes_effect_without_a_restart_and_a_broken_file_changes_nothing(
        sandbox, agi_port, config_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    upgrade(f"sqlite:///{tmp_path / 'hotline.db'}")
    settings = site_settings(tmp_path, config_dir=config_dir, agi_port=agi_port)
    ops = {"Authorization": f"Bearer {TokenStore(settings.tokens_file).create('ops', name='ops person')[0]}"}
    hotline = assemble(settings, AsteriskSite(ami=sandbox.ami, dialplan_live_dir=None, messages_dir=None),
                       agi_port=agi_port, clock=lambda: WORKING_THURSDAY_NOON)
    await hotline.start()
    agents = config_dir / "agents.yaml"
    try:
        await hotline.service.ami.wait_connected(5)
        await hotline.desk.login("2001")
        with pytest.raises(UnknownAgent):
            await hotline.desk.login("2002")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=hotline.app), base_url="http://h") as http:
            valid = agents.read_text(encoding="utf-8")
            agents.write_text(valid.replace("proficiencies:", "proficiences:", 1) + NEW_AGENT, encoding="utf-8")
            refused = await http.post("/ops/config/reload", headers=ops)
            assert refused.status_code == 422, refused.text
            assert any(f"{agents}:" in m and "did you mean 'proficiencies'" in m for m in refused.json()["messages"])
            assert "2002" not in hotline.desk.roster  # nothing changed

            agents.write_text(valid + NEW_AGENT, encoding="utf-8")
            done = await http.post("/ops/config/reload", headers=ops)
            assert done.status_code == 200, done.text
            assert "agents added: 2002" in done.json()["changes"]
        await hotline.desk.login("2002")  # no restart
        assert hotline.router.router.agent_view("2001") is not None  # still logged in, seat kept
        results = [(a.target, a.result) for a in History(settings.var_dir).attempts("config")]
        assert results == [("config", "refused"), ("config", "ok")]
    finally:
        await hotline.stop()
