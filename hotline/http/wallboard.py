"""GET /wallboard: the supervisors' page (static HTML, CSS and JS under static/; no build step).

The page carries no data: it logs in once (login.js: the token is exchanged for an HttpOnly
session cookie, never put in an address) and reads the API and /events with that cookie. ?lang=en starts it in English; ?late=N highlights waits from N seconds (default 60).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from hotline.http.problems import problem

STATIC = Path(__file__).with_name("static")
_TYPES = {"wallboard.css": "text/css; charset=utf-8", "wallboard.js": "text/javascript; charset=utf-8",
          "login.js": "text/javascript; charset=utf-8", "supervisor.js": "text/javascript; charset=utf-8"}


def wallboard_router() -> APIRouter:
    router = APIRouter(tags=["wallboard"])

    @router.get("/wallboard", response_class=FileResponse, summary="The wallboard page (it asks for a token once and keeps a session cookie)")
    async def wallboard_page() -> FileResponse:
        return FileResponse(STATIC / "wallboard.html", media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})

    @router.get("/wallboard/{name}", response_class=FileResponse, include_in_schema=False)
    async def asset(name: str) -> FileResponse:
        if name not in _TYPES:
            raise problem(404, "not_found", f"no wallboard file {name!r}")
        return FileResponse(STATIC / name, media_type=_TYPES[name], headers={"Cache-Control": "no-cache"})

    @router.get("/supervisor", response_class=FileResponse,
                summary="The supervisor's page: search calls and listen to recordings (supervisor and ops)")
    async def supervisor_page() -> FileResponse:
        return FileResponse(STATIC / "supervisor.html", media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})

    return router
