"""Every mutating endpoint: no token 401, unknown token 401, viewer 403, another agent's id 403;
the agent's own id and ops pass. Reads: every role."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, bearer

pytestmark = pytest.mark.asterisk

ACTIONS = [("login", None), ("pause", {"reason": "break"}), ("unpause", None), ("logout", None)]


async def test_every_mutating_endpoint_checks_the_token_and_whose_agent_it_is(api: Api) -> None:
    for action, body in ACTIONS:
        url = f"/agents/z1/{action}"
        missing = await api.http.post(url, json=body)
        assert missing.status_code == 401 and missing.json()["code"] == "missing_token", action
        unknown = await api.http.post(url, json=body, headers=bearer("h12333_unknown"))
        assert unknown.status_code == 401 and unknown.json()["code"] == "invalid_token", action
        viewer = await api.http.post(url, json=body, headers=api.as_("viewer"))
        assert viewer.status_code == 403 and "has role viewer" in viewer.json()["detail"], action
        other = await api.http.post(url, json=body, headers=api.as_("agent_z2"))
        assert other.status_code == 403 and other.json()["code"] == "forbidden" and other.json()["detail"] == (
            "the token of agent z2 may act only on agent z2, not z1"), action
        own = await api.http.post(url, json=body, headers=api.as_("agent"))
        assert own.status_code == 200, (action, own.text)
    # none of the refused requests reached the router: only z1's own four did
    kinds = [(e.agent_id, e.state.value) for e in api.stack.of("QueueMemberStatus")]
    assert kinds == [("z1", "available"), ("z1", "paused"), ("z1", "available"), ("z1", "logged_out")]
    # and ops acts on anyone
    assert (await api.http.post("/agents/z2/login", headers=api.as_("ops"))).status_code == 200


@pytest.mark.parametrize("path", ["/queues", "/queues/zhuang.pension/calls", "/queues/calls", "/agents", "/agents/z1"])
async def test_reads_need_a_token_of_any_role(api: Api, path: str) -> None:
    assert (await api.http.get(path)).status_code == 401
    for role in ("viewer", "agent", "ops"):
        assert (await api.http.get(path, headers=api.as_(role))).status_code == 200
    assert (await api.http.get(path, headers=api.as_("recorder"))).status_code == 403  # prompts only


@pytest.mark.parametrize("path", ["/calls", "/calls.csv", "/calls/1733212800.42"])
async def test_call_history_is_for_supervisors_and_ops(api: Api, path: str) -> None:
    assert (await api.http.get(path)).status_code == 401
    for role in ("viewer", "agent", "recorder"):
        assert (await api.http.get(path, headers=api.as_(role))).status_code == 403, role
    for role in ("supervisor", "ops"):
        assert (await api.http.get(path, headers=api.as_(role))).status_code in (200, 404), role


async def test_an_old_client_asking_calls_for_the_live_list_is_told_where_it_went(api: Api) -> None:
    """GET /calls was the live waiting list (any role) before call history took the path: the
    wallboard's viewer token asking it the old way gets a 403 that names /queues/calls, not a
    different list; a supervisor's answer is a page object, not the old bare list."""
    for role in ("viewer", "agent"):
        refused = await api.http.get("/calls", headers=api.as_(role))
        assert refused.status_code == 403 and "GET /queues/calls" in refused.json()["detail"], role
    page = (await api.http.get("/calls", headers=api.as_("supervisor"))).json()
    assert isinstance(page, dict) and "items" in page
    assert (await api.http.get("/queues/calls", headers=api.as_("viewer"))).status_code == 200
