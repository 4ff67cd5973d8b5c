"""/health over HTTP, on a service connected to the real sandbox and on one that is not."""

import httpx
import pytest

from hotline.http.app import create_app
from hotline.service import Health, HotlineService
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
        assert body["database"] == {"reachable": None}  # this service was given no database
    finally:
        await service.stop()


@pytest.mark.parametrize("reachable", [True, False])
async def test_health_reports_the_database(sandbox, tmp_path, reachable: bool) -> None:
    from sqlalchemy import text

    from hotline.db.records_store import RecordStore

    # a real SQLite file, or a PostgreSQL URL on a port where nothing listens
    url = f"sqlite:///{tmp_path}/h.db" if reachable else f"postgresql://postgres@127.0.0.1:{free_tcp_port()}/x"
    store = RecordStore.from_url(url)
    service = HotlineService(sandbox.ami, agi_host="127.0.0.1", agi_port=0)
    service.database_check = lambda: store.call(lambda session: session.execute(text("SELECT 1")))
    await service.start()
    try:
        await service.ami.wait_connected(5)
        response = await _get_health(service)
        assert response.json()["database"] == {"reachable": reachable}
        assert response.status_code == (200 if reachable else 503)
    finally:
        await service.stop()
        store.close()


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


def test_a_standby_with_fastagi_closed_is_healthy_and_says_its_role() -> None:
    """A standby of a pair keeps FastAGI closed on purpose (Asterisk reaches the active one)."""
    standby = {"role": "standby", "clustered": True, "epoch": 3, "lease_age_s": None}
    report = Health(ami_connected=True, ami_state="connected", ami_reconnects=0, asterisk_version=None,
                    agi_serving=False, agi_active_sessions=0, cluster=standby)
    assert report.ok and report.as_json()["cluster"] == standby
    active = Health(ami_connected=True, ami_state="connected", ami_reconnects=0, asterisk_version=None,
                    agi_serving=False, agi_active_sessions=0, cluster={**standby, "role": "active"})
    assert not active.ok  # the active one must serve FastAGI
    single = Health(ami_connected=True, ami_state="connected", ami_reconnects=0, asterisk_version=None,
                    agi_serving=True, agi_active_sessions=0)
    assert "cluster" not in single.as_json()
