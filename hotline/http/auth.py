"""FastAPI dependencies for bearer-token roles, with clear 401/403 problem bodies.

    @router.post("/x")
    async def x(principal: Principal = Depends(require_role("ops"))): ...

    @router.post("/agents/{agent_id}/pause")
    async def pause(agent_id: str, principal: Principal = Depends(require_role("agent", "ops"))):
        ensure_agent_access(principal, agent_id)   # an agent acts only on itself

A browser page sends no header: it logs in once (POST /session) and its session cookie stands
for the token. Roles are listed explicitly per endpoint (READ_ROLES for reads). The token store is
app.state.token_store (assembly sets it from the site's var/tokens.json).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hotline.auth.tokens import ROLES, Principal, TokenStore
from hotline.http.problems import problem
from hotline.http.session import COOKIE, sessions_of

# Every role that watches the centre may read it; a recorder (who records prompts) does not.
READ_ROLES: tuple[str, ...] = ("viewer", "agent", "ops", "supervisor")
_bearer = HTTPBearer(auto_error=False, description="`ivrctl token create --role ...` prints a token")


def token_store(request: Request) -> TokenStore:
    store: TokenStore = request.app.state.token_store
    return store


def _unauthorized(error: str, message: str) -> HTTPException:
    challenge = 'Bearer realm="12333"' + (f', error="{error}"' if error == "invalid_token" else "")
    return HTTPException(401, {"code": error, "detail": message}, headers={"WWW-Authenticate": challenge})


def forbidden(message: str) -> HTTPException:
    return problem(403, "forbidden", message)


def authenticated(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    """Who a request acts as: its bearer token, else its session cookie (hotline.http.session)."""
    store = token_store(request)
    if credentials is not None:
        principal = store.authenticate(credentials.credentials)
        if principal is None:
            raise _unauthorized("invalid_token", "the token is unknown or revoked")
        return principal
    session_id = request.cookies.get(COOKIE)
    if session_id:
        digest = sessions_of(request).token_hash(session_id)
        principal = store.by_hash(digest) if digest else None
        if principal is None:
            raise _unauthorized("invalid_session", "the session has ended (or its token was revoked): log in again")
        return principal
    raise _unauthorized("missing_token", "send 'Authorization: Bearer <token>', or log in (POST /session); "
                                         "`ivrctl token create` makes a token")


async def current_principal(request: Request) -> Principal:
    return authenticated(request, await _bearer(request))


def require_role(*roles: str, hint: str = "") -> Callable[..., Awaitable[Principal]]:
    """Dependency: the request's Principal if its token is known and has one of `roles`
    (`hint`: said after the refusal, e.g. where an operation moved)."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"require_role needs roles among {ROLES}, got {roles}")

    async def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = Security(_bearer)) -> Principal:
        principal = authenticated(request, credentials)
        if principal.role not in roles:
            raise forbidden(f"this needs role {' or '.join(roles)}; the token of {principal.name} has role "
                            f"{principal.role}{hint}")
        request.state.principal = principal
        return principal

    return dependency


def ensure_agent_access(principal: Principal, agent_id: str) -> None:
    """Ops may act on any agent; an agent token only on its own agent id; nobody else."""
    if principal.role == "ops" or (principal.role == "agent" and principal.agent_id == agent_id):
        return
    if principal.role == "agent":
        raise forbidden(f"the token of agent {principal.agent_id} may act only on agent {principal.agent_id}, not {agent_id}")
    raise forbidden(f"acting on agent {agent_id} needs an ops token or that agent's own token")
