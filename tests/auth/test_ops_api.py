"""The ops endpoints over a real HotlineService connected to a sandbox Asterisk: 401 without
a known token, 403 for the wrong role, 200 for ops; 422 and 409 as the reload says."""
from __future__ import annotations

import httpx
import pytest
from fastapi import Depends

from hotline.auth import Principal, TokenStore
from hotline.http.app import create_app
from hotline.http.auth import ensure_agent_access, require_role
from hotline.http.contract import new_app
from hotline.http.ops import router
from hotline.service import HotlineService
from ivr.dialplan.history import History
from tests.support.site import reload_settings
from ivr.sandbox.ports import free_tcp_port
from tests.reload.configs import BROKEN, CATALOG, write


@pytest.fixture
def tokens(tmp_path):
    store = TokenStore(tmp_path / "tokens.json")
    return store, {role: store.create(role, name=f"{role} person", agent_id="a1" if role == "agent" else None)[0]
                   for role in ("viewer", "agent", "ops")}


@pytest.fixture
async def client(make_sandbox, tmp_path, tokens):
    box = make_sandbox()
    service = HotlineService(box.ami, agi_host="127.0.0.1", agi_port=free_tcp_port())
    await service.start()
    await service.wait_ready(5)
    app = create_app(service)
    app.include_router(router)
    app.state.token_store = tokens[0]
    app.state.reload_settings = reload_settings(tmp_path / "var", dialplan_live_dir=box.dialplan_dir,
                                               asterisk_root=box.root, catalog_path=CATALOG)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hotline") as http:
        yield http
    await service.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_reload_needs_an_ops_token_and_records_who(client, tokens):
    _, secret = tokens
    missing = await client.post("/ops/dialplan/reload")
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert missing.json()["code"] == "missing_token"
    unknown = await client.post("/ops/dialplan/reload", headers=bearer("h12333_not-a-token"))
    assert unknown.status_code == 401 and 'error="invalid_token"' in unknown.headers["www-authenticate"]
    for role in ("viewer", "agent"):
        wrong = await client.post("/ops/dialplan/reload", headers=bearer(secret[role]))
        assert wrong.status_code == 403
        assert wrong.json()["code"] == "forbidden" and wrong.json()["detail"] == f"this needs role ops; the token of {role} person has role {role}"

    done = await client.post("/ops/dialplan/reload", headers=bearer(secret["ops"]))
    assert done.status_code == 200, done.text
    attempt = done.json()
    assert (attempt["result"], attempt["who"], attempt["action"]) == ("ok", "ops person", "reload")
    assert attempt["version"] and "staged_check" in attempt["steps_ms"]

    history = await client.get("/ops/dialplan/history", headers=bearer(secret["viewer"]))
    assert history.status_code == 200 and [a["id"] for a in history.json()] == [attempt["id"]]
    assert (await client.get("/ops/dialplan/history")).status_code == 401
    assert (await client.get("/ops/dialplan/history", headers=bearer(secret["agent"]))).status_code == 403


async def test_reload_refused_422_and_busy_409(client, tokens, tmp_path):
    _, secret = tokens
    text, _code, line, words = BROKEN["dangling-target"]
    config = write(tmp_path, text)
    refused = await client.post("/ops/dialplan/reload", headers=bearer(secret["ops"]), json={"config_path": str(config)})
    assert refused.status_code == 422
    detail = refused.json()
    assert detail["code"] == "refused" and detail["attempt"]["result"] == "refused"
    assert any(m.startswith(f"{config}:{line}: ") and words in m for m in detail["messages"])

    with History(tmp_path / "var").lock():  # the var dir the client fixture's settings name
        busy = await client.post("/ops/dialplan/reload", headers=bearer(secret["ops"]))
    assert busy.status_code == 409 and busy.json()["code"] == "reload_in_progress"


async def test_an_agent_token_acts_only_on_its_own_agent(tokens):
    store, secret = tokens
    app = new_app(title="test", description="an agent's own actions")
    app.state.token_store = store

    @app.post("/agents/{agent_id}/pause")
    async def pause(agent_id: str, principal: Principal = Depends(require_role("agent", "ops"))) -> dict[str, str]:
        ensure_agent_access(principal, agent_id)
        return {"paused": agent_id, "by": principal.name}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hotline") as http:
        own = await http.post("/agents/a1/pause", headers=bearer(secret["agent"]))
        other = await http.post("/agents/a2/pause", headers=bearer(secret["agent"]))
        ops = await http.post("/agents/a2/pause", headers=bearer(secret["ops"]))
        viewer = await http.post("/agents/a1/pause", headers=bearer(secret["viewer"]))
    assert own.json() == {"paused": "a1", "by": "agent person"}
    assert other.status_code == 403 and "may act only on agent a1, not a2" in other.json()["detail"]
    assert ops.status_code == 200
    assert viewer.status_code == 403
