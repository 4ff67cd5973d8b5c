"""/health over HTTP, on a service connected to the real sandbox and on one that is not."""

import httpx
import pytest

from hotline.http.app import create_app
from hotline.service import HotlineService
from ivr.ami import AmiSettings
from ivr.sandbox.ports import free_tcp_port

pytestmark = pytest.mark.asterisk


async def _get_health(service: HotlineService) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app(service))
    async with httpx.AsyncClient(transport=transport, base_url="http://hotline") as client:
        return await client.get("/health")


async def test_health_reports_ami_and_fastagi(sandbox) -> None:
    service = HotlineService(sandbox.ami, agi_host="127.0.0.1", agi_port=0)
    await service.start()
    try:
        await service.ami.wait_connected(5)
        await service.ami.send({"Action": "Ping"})  # the version query on connect has had its turn
        response = await _get_health(service)
        body = response.json()
        assert response.status_code == 200 and body["status"] == "ok"
        assert body["ami"]["connected"] is True
        assert body["ami"]["asterisk_version"].startswith("Asterisk 22.")
        assert body["fastagi"] == {"serving": True, "active_sessions": 0}
    finally:
        await service.stop()


async def test_health_is_degraded_without_asterisk() -> None:
    settings = AmiSettings("127.0.0.1", free_tcp_port(), "hotline", "x", backoff_max=0.2)
    service = HotlineService(settings, agi_host="127.0.0.1", agi_port=0)
    await service.start()
    try:
        response = await _get_health(service)
        body = response.json()
        assert response.status_code == 503 and body["status"] == "degraded"
        assert body["ami"]["connected"] is False and body["ami"]["state"] == "connecting"
        assert body["fastagi"]["serving"] is True
    finally:
        await service.stop()
    assert service.ami.background_tasks == 0
