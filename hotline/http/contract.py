"""The API contract, applied to the whole app in one place (see README, "The HTTP API contract").

- every error is a problem-details body (hotline.http.problems), and the OpenAPI document says so
  for every status each operation can return: the ones the route declares, 401/403 where a token
  is needed, 422 where there is a parameter or a body, 413 where there is a body;
- operation ids are the endpoint functions' names (unique; a test keeps them so);
- request bodies are limited to MAX_BODY_BYTES (413 beyond);
- /docs and /redoc are served from the Swagger UI and ReDoc files installed with the
  fastapi-offline package: no CDN, so they work on an isolated network.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from importlib.resources import files
from typing import Annotated, Any

from fastapi import FastAPI, Path
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.routing import APIRoute

from hotline.http.problems import DESCRIPTIONS, MEDIA_TYPE, Problem, install_problem_handlers, problem, problem_body

MAX_BODY_BYTES = 64 * 1024  # no endpoint takes more than a few hundred bytes...
# ...but those whose path ends in /upload, which take a file: a one-minute prompt recorded as
# 48 kHz stereo wav is 11 MB.
UPLOAD_SUFFIX = "/upload"
MAX_UPLOAD_BYTES = 16 * 1024 * 1024
# ...and a configuration reload, which may carry a whole file (1 MB of YAML is up to ~4 MB of
# JSON once escaped); the config layer then applies its own, configurable, limit.
LARGE_BODY_PATHS = {"/ops/dialplan/reload": 4 * 1024 * 1024, "/ops/config/reload": 4 * 1024 * 1024}
INT32_MAX = 2**31 - 1  # integer ids are 32-bit on PostgreSQL: path parameters are range-checked to it
# A database row id in a path: out of range is a 422, never a database error (PostgreSQL's integer).
RowId = Annotated[int, Path(ge=1, le=INT32_MAX, description="a row id, 1 to 2^31-1")]
API_VERSION = "1"
VERSIONING = (
    "Versioning: the API is unprefixed and at major version " + API_VERSION + " (`info.version`). Within a "
    "major version changes are additive only (new operations, new optional parameters, new response "
    "fields); clients must ignore fields they do not know. A breaking change gets a new major version, "
    "served beside the old one under a `/v2` prefix for at least one release, and is listed in the README.")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def utc_time(seconds: float) -> datetime:
    """A clock reading (Unix seconds, as the router keeps time) as the API shows every time:
    ISO 8601 with an offset."""
    return datetime.fromtimestamp(seconds, UTC)


def operation_id(route: APIRoute) -> str:
    return route.name


class BodyLimit:
    """Refuse a request body over `limit` bytes with 413, by its Content-Length or, for a chunked
    body, as it arrives: the body is read here first (it is small by definition), then replayed."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        declared = headers.get(b"content-length")
        if declared is None and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body (a GET, the event stream)
            return
        path = str(scope.get("path", ""))
        limit = MAX_UPLOAD_BYTES if path.endswith(UPLOAD_SUFFIX) else LARGE_BODY_PATHS.get(path, self.limit)
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(scope, send, limit)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await self._refuse(scope, send, limit)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        body = json.dumps(problem_body(413, "request_too_large", f"request bodies are limited to {limit} bytes",
                                       instance=scope.get("path"))).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def _documented(operation: dict[str, Any]) -> None:
    """Every status the operation can return, documented, every error as a Problem."""
    responses = operation.setdefault("responses", {})
    needed = set()
    if operation.get("security"):
        needed |= {"401", "403"}
    if operation.get("parameters") or operation.get("requestBody"):
        needed.add("422")
    if operation.get("requestBody"):
        needed.add("413")
    for status in needed:
        responses.setdefault(status, {"description": DESCRIPTIONS[int(status)]})
    for status, response in responses.items():
        if status.isdigit() and int(status) >= 400 and not _own_body(response):
            response["content"] = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _own_body(response: dict[str, Any]) -> bool:
    """A documented exception to the problem shape: /health's 503 is its health report."""
    return bool(response.pop("x-not-a-problem", False))


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                _documented(operation)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in problem_schema.pop("$defs", {}).items():
            schemas[name] = definition
        schemas["Problem"] = problem_schema
        app.openapi_schema = schema
        return schema

    return build


def _local_docs(app: FastAPI) -> None:
    static = files("fastapi_offline") / "static"
    assets = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
              "redoc.standalone.js": "text/javascript", "favicon.png": "image/png"}

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title=f"{app.title}: API",
                                   swagger_js_url="/docs/assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs/assets/swagger-ui.css",
                                   swagger_favicon_url="/docs/assets/favicon.png")

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title=f"{app.title}: API",
                              redoc_js_url="/docs/assets/redoc.standalone.js",
                              redoc_favicon_url="/docs/assets/favicon.png", with_google_fonts=False)

    @app.get("/docs/assets/{name}", include_in_schema=False)
    async def docs_asset(name: str) -> FileResponse:
        if name not in assets:
            raise problem(404, "not_found", f"no documentation file {name!r}")
        return FileResponse(str(static / name), media_type=assets[name],
                            headers={"Cache-Control": "public, max-age=86400"})


def new_app(*, title: str, description: str) -> FastAPI:
    """A FastAPI app with the contract: problem details, named operations, local docs, body limit."""
    app = FastAPI(title=title, version=API_VERSION, description=f"{description}\n\n{VERSIONING}",
                  docs_url=None, redoc_url=None, generate_unique_id_function=operation_id)
    install_problem_handlers(app)
    app.add_middleware(BodyLimit)  # type: ignore[arg-type]
    app.openapi = _openapi(app)  # type: ignore[method-assign]
    _local_docs(app)
    return app
