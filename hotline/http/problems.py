"""One error shape for the whole API: RFC 9457 problem details (application/problem+json).

    raise problem(404, "not_found", f"no call {call_id!r}")          # in a route
    @router.get(..., responses=problem_responses(404, 409))           # documented per operation

    {"type": "urn:hotline12333:problem:not_found", "title": "Not Found", "status": 404,
     "detail": "no call '1.2'", "code": "not_found", "instance": "/calls/1.2"}

`code` (an extension member) is the stable, machine-readable name; `type` is the same name as a
URN; `detail` is for people. Validation errors add `errors` (where and what, never the value
sent: it may be a caller's number). Every handler here answers in this shape, including a 500,
which says nothing about the cause (that goes to the log).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:hotline12333:problem:"


class ValidationIssue(BaseModel):
    loc: list[str | int] = Field(description="where: e.g. [\"query\", \"limit\"]")
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": "urn:hotline12333:problem:not_found", "title": "Not Found", "status": 404,
        "detail": "no call '1732250000.42'", "code": "not_found", "instance": "/calls/1732250000.42"}]})

    type: str = Field(description="a URN naming the kind of problem (urn:hotline12333:problem:<code>)")
    title: str = Field(description="the HTTP status phrase")
    status: int
    detail: str | None = Field(None, description="what went wrong, for a person")
    instance: str | None = Field(None, description="the request path")
    code: str = Field(description="stable machine-readable name, e.g. not_found, invalid_request, forbidden")
    errors: list[ValidationIssue] | None = Field(None, description="for invalid_request: each invalid part")


_DEFAULT_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                  405: "method_not_allowed", 409: "conflict", 413: "request_too_large",
                  415: "unsupported_media_type", 416: "range_not_satisfiable", 422: "invalid_request",
                  500: "internal_error", 502: "bad_gateway", 503: "unavailable"}
DESCRIPTIONS = {400: "the request is malformed", 401: "no token, or an unknown one",
                403: "the token's role may not do this", 404: "no such resource",
                409: "the resource is busy or in a conflicting state", 413: "the request body is too large",
                416: "the requested byte range is outside the file", 422: "a parameter or the body is invalid",
                502: "a backend (Asterisk) did not do it", 503: "not configured, or a backend is unavailable"}


def problem(status: int, code: str, detail: str, **extensions: Any) -> HTTPException:
    """An exception the handlers below turn into a problem response."""
    return HTTPException(status, {"code": code, "detail": detail, **extensions})


def problem_body(status: int, code: str | None = None, detail: str | None = None, *,
                 instance: str | None = None, **extensions: Any) -> dict[str, Any]:
    code = code or _DEFAULT_CODES.get(status, "error")
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = {"type": TYPE_PREFIX + code, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body["code"] = code
    body.update({k: v for k, v in extensions.items() if k not in body})
    return body


def problem_response(status: int, code: str | None = None, detail: str | None = None, *,
                     instance: str | None = None, headers: dict[str, str] | None = None,
                     **extensions: Any) -> JSONResponse:
    return JSONResponse(problem_body(status, code, detail, instance=instance, **extensions),
                        status_code=status, media_type=MEDIA_TYPE, headers=headers)


def problem_responses(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status documented as a Problem (descriptions as s404="...")."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        text = descriptions.get(f"s{status}") or DESCRIPTIONS.get(status) or HTTPStatus(status).phrase
        out[status] = {"description": text, "model": Problem, "content": {MEDIA_TYPE: {}}}
    return out


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail: Any = exc.detail
    code, text, extra = None, None, {}
    if isinstance(detail, dict):  # problem(...) and the older {"error", "message"} bodies
        detail = dict(detail)
        code = detail.pop("code", None) or detail.pop("error", None)
        text = detail.pop("detail", None) or detail.pop("message", None)
        extra = detail
    elif isinstance(detail, str) and detail != HTTPStatus(exc.status_code).phrase:
        text = detail
    return problem_response(exc.status_code, code, text, instance=request.url.path,
                            headers=getattr(exc, "headers", None), **extra)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    issues = [{"loc": [str(p) if not isinstance(p, int) else p for p in e.get("loc", ())],
               "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))} for e in exc.errors()]
    where = ", ".join(".".join(str(p) for p in i["loc"]) for i in issues[:5])
    return problem_response(422, "invalid_request", f"invalid: {where}" if where else "invalid request",
                            instance=request.url.path, errors=issues)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(500, "internal_error", "the service failed; the cause is in its log",
                            instance=request.url.path)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
