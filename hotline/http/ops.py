"""Operations endpoints: safe dialplan reload and its history (ops tokens).

    POST /ops/dialplan/reload   {} | {"config": "<hotline.yaml text>"} | {"version": "<stored>"}
                                -> the recorded attempt (never a server path: an ops token must not
                                read files through the errors)
        200 loaded and verified | 409 a reload is in progress | 422 config refused (messages)
        502 Asterisk did not take it (rolled back) | 503 no live directory configured
    GET  /ops/dialplan/history  -> attempts, oldest first

Reload settings are app.state.reload_settings (assembly sets them from the site's settings,
with the sandbox's live directory under `ivrctl run`).
"""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from hotline.auth.tokens import Principal
from hotline.http.auth import require_role
from ivr.dialplan.history import Attempt, History, ReloadInProgress
from ivr.dialplan.reload import SiteCheck, reload, rollback
from ivr.menu.issues import Issue
from ivr.menu.models import HotlineConfig
from ivr.dialplan.reload_settings import ReloadSettings

router = APIRouter(prefix="/ops", tags=["operations"])
_STATUS = {"ok": 200, "refused": 422, "rolled_back": 502, "failed": 502}


class ReloadRequest(BaseModel):
    """What to load: the site's own hotline.yaml (nothing given), the text of one, or a version
    from the history. A `config_path` is refused (422) like any unknown field."""

    model_config = ConfigDict(extra="forbid")
    config: str | None = Field(None, description="the text of a hotline.yaml; checked with the site's other files")
    version: str | None = Field(None, pattern=r"^[0-9a-f]{6,64}$", description="a stored version to go back to")


def site_check(config_dir: Path) -> SiteCheck:
    """The site's other files checked against a hotline.yaml text (cross-file rules)."""
    def check(config: HotlineConfig) -> list[Issue]:
        from hotline.config.site import load_site

        _, issues = load_site(config_dir, hotline=config)
        return issues
    return check


def reload_settings(request: Request) -> ReloadSettings:
    settings: ReloadSettings = request.app.state.reload_settings
    return settings


@router.post("/dialplan/reload", response_model=Attempt, summary="Validate, check, load and verify the hotline dialplan",
             responses={409: {"description": "a reload is in progress"}, 422: {"description": "the config is refused"},
                        502: {"description": "Asterisk did not load it; the previous version was restored"},
                        503: {"description": "no live dialplan directory configured"}})
async def reload_dialplan(request: Request, body: ReloadRequest | None = None,
                          principal: Principal = Depends(require_role("ops")),
                          settings: ReloadSettings = Depends(reload_settings)) -> JSONResponse:
    if settings.dialplan_live_dir is None:
        raise HTTPException(503, {"error": "not_configured", "message": "set HOTLINE_DIALPLAN_LIVE_DIR"})
    ami, body = request.app.state.service.ami, body or ReloadRequest()
    if body.config is not None and body.version is not None:
        raise HTTPException(422, {"error": "refused", "messages": ["give the config or a version, not both"]})
    try:
        if body.version is not None:
            attempt = await rollback(ami, settings, body.version, who=principal.name)
        else:
            attempt = await reload(ami, settings, config_text=body.config, who=principal.name,
                                   site_check=site_check(settings.config_path.parent))
    except ReloadInProgress as busy:
        raise HTTPException(409, {"error": "reload_in_progress", "message": str(busy)}) from None
    if attempt.result == "refused":
        raise HTTPException(422, {"error": "refused", "messages": attempt.messages, "attempt": attempt.as_json()})
    return JSONResponse(attempt.as_json(), status_code=_STATUS.get(attempt.result, 502))


@router.get("/dialplan/history", response_model=list[Attempt], summary="Every reload attempt, oldest first")
async def get_dialplan_history(limit: int = 100, _: Principal = Depends(require_role("viewer", "ops")),
                           settings: ReloadSettings = Depends(reload_settings)) -> list[Attempt]:
    return History(settings.var_dir).attempts("dialplan")[-max(1, min(limit, 1000)):]


@router.post("/config/reload", response_model=Attempt, summary="Check every configuration file and load them into the running service",
             responses={409: {"description": "a reload is in progress"}, 422: {"description": "a file is refused; nothing changed"},
                        502: {"description": "Asterisk did not load the dialplan; it was restored and nothing else changed"},
                        503: {"description": "this service has no live configuration to reload"}})
async def reload_config_files(request: Request, principal: Principal = Depends(require_role("ops")),
                              settings: ReloadSettings = Depends(reload_settings)) -> JSONResponse:
    """The site's own files only (no content, no path): what `ivrctl config check` checks."""
    from hotline.config.reload import reload_config

    live = getattr(request.app.state, "live_config", None)
    if live is None:
        raise HTTPException(503, {"error": "not_configured", "message": "this service was not assembled with its configuration"})
    try:
        attempt = await reload_config(live, request.app.state.service.ami, settings, who=principal.name)
    except ReloadInProgress as busy:
        raise HTTPException(409, {"error": "reload_in_progress", "message": str(busy)}) from None
    if attempt.result == "refused":
        raise HTTPException(422, {"error": "refused", "messages": attempt.messages, "attempt": attempt.as_json()})
    return JSONResponse(attempt.as_json(), status_code=_STATUS.get(attempt.result, 502))
