"""The HTTP surface: FastAPI app over a running HotlineService."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from hotline.http.contract import new_app
from hotline.http.ops import router as ops_router
from hotline.http.session import session_router
from hotline.service import HotlineService


def create_app(service: HotlineService) -> FastAPI:
    app = new_app(title="12333 hotline",
                  description="Queue and agent state, call history, metrics and operations for the 12333 hotline.")
    app.state.service = service

    @app.get("/health", summary="Is the service connected to Asterisk and serving FastAGI?",
             responses={503: {"description": "degraded: AMI down or FastAGI not serving; the body is the same health "
                                        "report (monitors read it), not a problem", "x-not-a-problem": True,
                                        "content": {"application/json": {"schema": {"type": "object"}}}}})
    async def get_health() -> JSONResponse:
        report = await service.health()
        return JSONResponse(report.as_json(), status_code=200 if report.ok else 503)

    app.include_router(ops_router)
    app.include_router(session_router())
    return app
