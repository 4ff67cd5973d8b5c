"""FastAPI dependencies for bearer-token roles, with clear 401/403 problem bodies.

    @router.post("/x")
    async def x(principal: Principal = Depends(require_role("ops"))): ...

    @router.post("/agents/{agent_id}/pause")
    async def pause(agent_id: str, principal: Principal = Depends(require_role("agent", "ops"))):
        ensure_agent_access(principal, agent_id)   # an agent acts only on itself

Roles are listed explicitly per endpoint (READ_ROLES for reads). The token store is
app.state.token_store (assembly sets it from the site's var/tokens.json).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hotline.auth.tokens import ROLES, Principal, TokenStore
from hotline.http.problems import problem

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


def require_role(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """Dependency: the request's Principal if its token is known and has one of `roles`."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"require_role needs roles among {ROLES}, got {roles}")

    async def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = Security(_bearer)) -> Principal:
        if credentials is None:
            raise _unauthorized("missing_token", "send 'Authorization: Bearer <token>'; `ivrctl token create` makes one")
        principal = token_store(request).authenticate(credentials.credentials)
        if principal is None:
            raise _unauthorized("invalid_token", "the token is unknown or revoked")
        if principal.role not in roles:
            raise forbidden(f"this needs role {' or '.join(roles)}; the token of {principal.name} has role {principal.role}")
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
