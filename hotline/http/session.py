"""Log in once: a token exchanged for an HttpOnly, SameSite=Strict session cookie, so the
wallboard and the supervisor's page never carry a credential in an address (access logs,
browser history and Referer headers all keep addresses).

    POST   /session  {"token": "h12333_..."}  -> 204, Set-Cookie: hotline_session=...
    GET    /session                           -> who the cookie (or bearer) acts as
    DELETE /session                           -> logged out

Sessions live in the service's memory (a restart logs everyone out) for SESSION_HOURS; the
cookie holds a random id, never the token. hotline.http.auth.require_role accepts the cookie
wherever it accepts a bearer token; the token behind a session is checked again on every
request, so revoking it ends its sessions too.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from fastapi import APIRouter, Body, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from hotline.http.problems import problem, problem_responses

COOKIE = "hotline_session"
SESSION_HOURS = 12.0


@dataclass
class Session:
    token_hash: str
    expires: float


class Sessions:
    def __init__(self, hours: float = SESSION_HOURS) -> None:
        self.seconds = hours * 3600
        self._by_id: dict[str, Session] = {}

    def open(self, token_hash: str) -> str:
        self._expire()
        session_id = secrets.token_urlsafe(32)
        self._by_id[session_id] = Session(token_hash, time.monotonic() + self.seconds)
        return session_id

    def token_hash(self, session_id: str) -> str | None:
        found = self._by_id.get(session_id)
        if found is None or found.expires < time.monotonic():
            self._by_id.pop(session_id, None)
            return None
        return found.token_hash

    def close(self, session_id: str) -> None:
        self._by_id.pop(session_id, None)

    def _expire(self) -> None:
        now = time.monotonic()
        for gone in [k for k, s in self._by_id.items() if s.expires < now]:
            del self._by_id[gone]


def sessions_of(request: Request) -> Sessions:
    found = getattr(request.app.state, "sessions", None)
    if found is None:
        found = request.app.state.sessions = Sessions()
    return found


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(max_length=200, description="a token from `ivrctl token create`")


class WhoAmI(BaseModel):
    name: str
    role: str
    agent_id: str | None


def session_router() -> APIRouter:
    from hotline.http.auth import current_principal, token_store

    router = APIRouter(prefix="/session", tags=["session"])

    @router.post("", status_code=204, response_class=Response, summary="Log in: the token for a session cookie",
                 responses=problem_responses(401, s401="the token is unknown or revoked"))
    async def open_session(request: Request, body: LoginRequest = Body()) -> Response:
        store = token_store(request)
        principal = store.authenticate(body.token)
        if principal is None:
            raise problem(401, "invalid_token", "the token is unknown or revoked")
        session_id = sessions_of(request).open(store.hash_of(body.token))
        reply = Response(status_code=204)
        reply.set_cookie(COOKIE, session_id, max_age=int(SESSION_HOURS * 3600), path="/", httponly=True,
                         samesite="strict", secure=request.url.scheme == "https")
        return reply

    @router.get("", response_model=WhoAmI, summary="Who this session (or bearer token) acts as",
                responses=problem_responses(401))
    async def get_session(request: Request) -> WhoAmI:
        principal = await current_principal(request)
        return WhoAmI(name=principal.name, role=principal.role, agent_id=principal.agent_id)

    @router.delete("", status_code=204, response_class=Response, summary="Log out (forget the session)")
    async def close_session(request: Request) -> Response:
        session_id = request.cookies.get(COOKIE)
        if session_id:
            sessions_of(request).close(session_id)
        reply = Response(status_code=204)
        reply.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
        return reply

    return router
