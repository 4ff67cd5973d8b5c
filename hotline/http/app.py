"""The HTTP surface: FastAPI app over a running HotlineService."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from hotline.http.ops import router as ops_router
from hotline.service import HotlineService


def create_app(service: HotlineService) -> FastAPI:
    app = FastAPI(title="12333 hotline", version="0.1.0",
                  description="Queue and agent state, metrics and operations for the 12333 hotline.")
    app.state.service = service

    @app.get("/health", summary="Is the service connected to Asterisk and serving FastAGI?",
             responses={503: {"description": "degraded: AMI down or FastAGI not serving"}})
    async def health() -> JSONResponse:
        report = await service.health()
        return JSONResponse(report.as_json(), status_code=200 if report.ok else 503)

    app.include_router(ops_router)
    return app
