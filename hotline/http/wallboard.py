"""GET /wallboard: the supervisors' page (static HTML, CSS and JS under static/; no build step).

The page carries no data: it reads the API with the viewer token given as ?token=... in its own
address (sent as a bearer header; /events takes it in the query, as EventSource cannot set
headers). ?lang=en starts it in English; ?late=N highlights waits from N seconds (default 60).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

STATIC = Path(__file__).with_name("static")
_TYPES = {"wallboard.css": "text/css; charset=utf-8", "wallboard.js": "text/javascript; charset=utf-8"}


def wallboard_router() -> APIRouter:
    router = APIRouter(tags=["wallboard"])

    @router.get("/wallboard", response_class=FileResponse, summary="The wallboard page (open with ?token=<viewer token>)")
    async def wallboard_page() -> FileResponse:
        return FileResponse(STATIC / "wallboard.html", media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})

    @router.get("/wallboard/{name}", response_class=FileResponse, include_in_schema=False)
    async def asset(name: str) -> FileResponse:
        if name not in _TYPES:
            raise HTTPException(404, {"error": "not_found", "message": f"no wallboard file {name!r}"})
        return FileResponse(STATIC / name, media_type=_TYPES[name], headers={"Cache-Control": "no-cache"})

    return router
