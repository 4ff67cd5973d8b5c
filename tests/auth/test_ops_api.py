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
from tests.reload.configs import BROKEN, CATALOG


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
    refused = await client.post("/ops/dialplan/reload", headers=bearer(secret["ops"]), json={"config": text})
    assert refused.status_code == 422
    detail = refused.json()
    assert detail["code"] == "refused" and detail["attempt"]["result"] == "refused"
    assert any(m.startswith(f"hotline.yaml sent by ops person:{line}: ") and words in m for m in detail["messages"])

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


async def test_reload_takes_no_server_path_and_echoes_nothing_it_was_not_sent(client, tokens, tmp_path):
    """Today's defect: `config_path` let an ops token read any file through the errors."""
    _, secret = tokens
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("root-password: hunter2\n")
    for body in ({"config_path": str(secret_file)}, {"config_path": "/etc/passwd"}):
        refused = await client.post("/ops/dialplan/reload", headers=bearer(secret["ops"]), json=body)
        assert refused.status_code == 422, refused.text
        assert "hunter2" not in refused.text and "root:" not in refused.text
    assert History(tmp_path / "var").attempts("dialplan") == []  # refused before any attempt


async def test_history_entries_stay_bounded(client, tokens, tmp_path):
    _, secret = tokens
    huge = "name: x\n" + "#" * (2 * 1024 * 1024) + "\n"  # over the 1 MB config limit, under the body limit
    refused = await client.post("/ops/dialplan/reload", headers=bearer(secret["ops"]), json={"config": huge})
    assert refused.status_code == 422 and "larger than the 1,048,576-byte limit" in refused.text
    many = "name: x\n" + "".join(f"unknown_{n}: 1\n" for n in range(400))  # 400 problems and more
    refused = await client.post("/ops/dialplan/reload", headers=bearer(secret["ops"]), json={"config": many})
    assert refused.status_code == 422
    too_big = await client.post("/ops/dialplan/reload", headers=bearer(secret["ops"]), json={"config": "x" * (5 * 1024 * 1024)})
    assert too_big.status_code == 413
    lines = (tmp_path / "var" / "reload-history.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(len(line.encode()) < 64 * 1024 for line in lines)
    assert History(tmp_path / "var").attempts("dialplan")[1].messages[-1].startswith("... and ")
