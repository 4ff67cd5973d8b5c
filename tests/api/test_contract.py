"""The API contract (hotline.http.contract): problem details for every error, named operation ids,
range-checked integer ids, a body limit, and /docs and /redoc served without a CDN.

The app is the one `ivrctl run` serves (hotline.assembly), over a real database; nothing here
needs Asterisk (the service is never started)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from hotline.auth import TokenStore
from hotline.db.records_store import RecordStore
from hotline.http.app import create_app
from hotline.http.contract import INT32_MAX, MAX_BODY_BYTES
from hotline.http.messages import messages_router
from hotline.http.problems import MEDIA_TYPE
from hotline.service import HotlineService
from ivr.ami import AmiSettings


@pytest.fixture
async def contract(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    service = HotlineService(AmiSettings(host="127.0.0.1", port=1, username="x", secret="x"),
                             agi_host="127.0.0.1", agi_port=0)
    store = RecordStore.from_url(database_url)
    app = create_app(service)
    app.include_router(messages_router(store, tmp_path))
    tokens = TokenStore(tmp_path / "tokens.json")
    app.state.token_store = tokens
    headers = {"Authorization": f"Bearer {tokens.create('ops')[0]}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hotline") as http:
        yield http, headers
    store.close()


@pytest.fixture
def api_schema(tmp_path: Path) -> dict:
    """The OpenAPI document of the whole assembled service (every router `ivrctl run` mounts)."""
    from hotline.assembly import AsteriskSite, assemble
    from hotline.db.migrate import upgrade
    from tests.support.site import site_settings

    upgrade(f"sqlite:///{tmp_path / 'hotline.db'}")
    site = AsteriskSite(ami=AmiSettings(host="127.0.0.1", port=1, username="x", secret="x"), dialplan_live_dir=None,
                        messages_dir=tmp_path, recorder_spool_dir=tmp_path / "spool")
    hotline = assemble(site_settings(tmp_path), site, agi_port=0)
    try:
        return hotline.app.openapi()
    finally:
        for close in reversed(hotline.closers):
            close()


def assert_problem(reply: httpx.Response, status: int, code: str) -> dict:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == MEDIA_TYPE
    body = reply.json()
    assert body["status"] == status and body["code"] == code and body["type"].endswith(":" + code)
    assert body["title"]
    return body


async def test_every_error_is_a_problem(contract) -> None:
    http, headers = contract
    assert_problem(await http.get("/messages/1", headers=headers), 404, "not_found")
    assert_problem(await http.get("/messages/1"), 401, "missing_token")
    assert_problem(await http.get("/messages", headers={"Authorization": "Bearer nope"}), 401, "invalid_token")
    invalid = assert_problem(await http.get("/messages?limit=0", headers=headers), 422, "invalid_request")
    assert invalid["errors"][0]["loc"] == ["query", "limit"]
    assert_problem(await http.get("/no/such/path"), 404, "not_found")
    assert_problem(await http.delete("/messages", headers=headers), 405, "method_not_allowed")


@pytest.mark.parametrize("message_id", [INT32_MAX + 1, 2**63, 0, -1])
async def test_an_integer_id_out_of_range_is_a_422_not_a_database_error(contract, message_id: int) -> None:
    http, headers = contract  # on PostgreSQL, 2^31 used to reach the database and fail there (500)
    for path in (f"/messages/{message_id}", f"/messages/{message_id}/audio"):
        assert_problem(await http.get(path, headers=headers), 422, "invalid_request")
    assert_problem(await http.post(f"/messages/{message_id}/handled", headers=headers), 422, "invalid_request")


async def test_a_body_over_the_limit_is_refused(contract) -> None:
    http, headers = contract
    big = b'{"by": "' + b"x" * MAX_BODY_BYTES + b'"}'
    reply = await http.post("/messages/1/handled", content=big,
                            headers={**headers, "Content-Type": "application/json"})
    assert_problem(reply, 413, "request_too_large")

    async def chunks():  # no Content-Length: counted as it arrives
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b" " * 1024

    streamed = await http.post("/messages/1/handled", content=chunks(),
                               headers={**headers, "Content-Type": "application/json"})
    assert_problem(streamed, 413, "request_too_large")


async def test_operations_are_named_and_document_every_error_as_a_problem(contract) -> None:
    http, _ = contract
    schema = (await http.get("/openapi.json")).json()
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", i) for i in ids), ids  # a name, not FastAPI's name_path_method
    assert {"get_health", "list_messages", "get_message", "mark_message_handled"} <= set(ids)
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            for status, response in op["responses"].items():
                if int(status) >= 400 and (path, status) != ("/health", "503"):
                    assert list(response["content"]) == [MEDIA_TYPE], (method, path, status)
            for parameter in op.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                    assert parameter["schema"]["maximum"] == INT32_MAX, (method, path)
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    assert "versioning" in schema["info"]["description"].lower()


async def test_docs_and_redoc_load_their_assets_from_the_service(contract) -> None:
    http, _ = contract
    for page in ("/docs", "/redoc"):
        html = (await http.get(page)).text
        scripts = re.findall(r'src="([^"]+)"', html) + re.findall(r'href="([^"]+\.css)"', html)
        assert scripts and all(s.startswith("/docs/assets/") for s in scripts), scripts
        assert "cdn" not in html.lower() and "https://" not in html.replace("https://fonts", "")
        for asset in scripts:
            reply = await http.get(asset)
            assert reply.status_code == 200 and len(reply.content) > 1000, asset


def test_every_time_in_the_api_is_iso_8601_not_unix_seconds(api_schema: dict) -> None:
    """A field named like a time (…_at, …_time, since, time) is a date-time string, never a number."""
    timeish = re.compile(r"(_at|(?<!handle|..talk|..hold|..ring)_time|^since|^time|^from|^to|_due)$")
    wrong = []
    for name, schema in api_schema["components"]["schemas"].items():
        for field, spec in schema.get("properties", {}).items():
            kinds = {spec.get("type")} | {s.get("type") for s in spec.get("anyOf", [])}
            formats = {spec.get("format")} | {s.get("format") for s in spec.get("anyOf", [])}
            if timeish.search(field) and ("number" in kinds or "integer" in kinds):
                wrong.append(f"{name}.{field}")
            elif timeish.search(field) and "string" in kinds and "date-time" not in formats and name != "Attempt":
                wrong.append(f"{name}.{field} (a string, not date-time)")
    assert not wrong, wrong
