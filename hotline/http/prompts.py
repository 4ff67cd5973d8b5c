"""The voice prompts over HTTP: status and progress per language, takes, upload, approval, and
the review page (GET /prompts/review; static HTML, CSS and JS under static/).

    app.include_router(prompts_router(library))

Roles: recorders and ops read, listen and upload (wav, mp3 or m4a; converted and checked like
a take recorded by phone); only ops approve or reject, so what callers hear is answered for by
the centre, not by the speaker alone. Who uploaded and who approved is the token's name, kept in
the take's provenance. Audio is addressed by catalog id and take id, never by a server path.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse

from hotline.auth.tokens import Principal
from hotline.http.auth import require_role
from hotline.http.problems import problem, problem_responses
from ivr.prompts.audio import AudioError
from ivr.prompts.catalog import PROMPT_ID
from ivr.prompts.library import PromptLibrary
from ivr.prompts.progress import Progress, PromptRow
from ivr.prompts.take_store import Refused
from ivr.prompts.takes import TAKE_ID, Take, TakeError

READ_ROLES = ("recorder", "ops")
APPROVE_ROLES = ("ops",)
UPLOAD_SUFFIXES = (".wav", ".mp3", ".m4a")
# the upload's file name, as its schema says it (JSON Schema regexes have no case-insensitive flag)
UPLOAD_NAME = r"\.([wW][aA][vV]|[mM][pP]3|[mM]4[aA])$"
STATIC = Path(__file__).with_name("static")
# login.js is the wallboard's (one log-in for every page: a session cookie, never a stored token)
_ASSETS = {"prompts.js": "text/javascript; charset=utf-8", "prompts.css": "text/css; charset=utf-8",
           "login.js": "text/javascript; charset=utf-8"}


def progress_json(p: Progress) -> dict[str, Any]:
    return {"language": p.language, "name": p.name, "recorded": p.recorded, "own_language": p.own_language,
            "total": p.total, "falling_back": list(p.falling_back), "summary": p.sentence()}


def take_json(take: Take) -> dict[str, Any]:
    return {**take.as_json(), "audio_url": f"/prompts/takes/{take.id}/audio"}


def row_json(row: PromptRow, takes: list[Take]) -> dict[str, Any]:
    return {"number": row.number, "prompt_id": row.prompt_id, "text": row.text, "reference": row.reference,
            "status": row.status, "kind": row.kind.value, "source_language": row.source_language,
            "audio_url": f"/prompts/audio?language={row.language}&prompt={row.prompt_id}",
            "takes": [take_json(t) for t in takes if t.prompt_id == row.prompt_id]}


def prompts_router(library: PromptLibrary) -> APIRouter:
    router = APIRouter(prefix="/prompts", tags=["prompts"])
    reader = require_role(*READ_ROLES)
    approver = require_role(*APPROVE_ROLES)

    def known(language: str, prompt_id: str | None = None) -> None:
        catalog = library.catalog()
        if language not in catalog.languages:
            raise problem(404, "not_found", f"no language {language!r} in the catalog")
        if prompt_id is not None and (not PROMPT_ID.match(prompt_id) or prompt_id not in catalog.prompts):
            raise problem(404, "not_found", f"no prompt {prompt_id!r} in the catalog")

    def take_of(take_id: str) -> Take:
        take = library.takes.get(take_id) if TAKE_ID.match(take_id) else None
        if take is None:
            raise problem(404, "not_found", f"no take {take_id!r}")
        return take

    @router.get("/review", include_in_schema=False)
    async def prompts_review_page() -> FileResponse:
        return FileResponse(STATIC / "prompts.html", media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})

    @router.get("/review/{name}", include_in_schema=False)
    async def prompts_review_asset(name: str) -> FileResponse:
        if name not in _ASSETS:
            raise problem(404, "not_found", f"no review page file {name!r}")
        return FileResponse(STATIC / name, media_type=_ASSETS[name], headers={"Cache-Control": "no-cache"})

    @router.get("/progress", summary="Per language: prompts recorded, heard in the caller's own language, "
                "and those still falling back")
    async def prompts_progress(_: Principal = Depends(reader)) -> list[dict[str, Any]]:
        return [progress_json(p) for p in await asyncio.to_thread(library.progress)]

    @router.get("/languages/{language}", summary="Every prompt a language's callers hear: text, status, takes",
                responses=problem_responses(404))
    async def prompts_of_language(language: str, _: Principal = Depends(reader)) -> dict[str, Any]:
        await asyncio.to_thread(known, language)

        def read() -> dict[str, Any]:
            rows = library.rows(language)
            takes = [t for t in library.takes.all() if t.language == language]
            progress = next(p for p in library.progress() if p.language == language)
            return {"progress": progress_json(progress), "prompts": [row_json(r, takes) for r in rows]}

        return await asyncio.to_thread(read)

    @router.get("/audio", summary="The prompt as callers of a language hear it now (wav)",
                response_class=FileResponse, responses=problem_responses(404))
    async def prompt_audio(language: str = Query(max_length=16), prompt: str = Query(max_length=64),
                           _: Principal = Depends(reader)) -> FileResponse:
        await asyncio.to_thread(known, language, prompt)
        path = Path(library.paths.build, "sounds", language, prompt + ".wav")
        if not path.is_file():
            raise problem(404, "not_found", f"{language}/{prompt} is not built")
        return FileResponse(path, media_type="audio/wav")

    @router.get("/takes/{take_id}/audio", summary="A take as it was kept (conditioned wav)",
                response_class=FileResponse, responses=problem_responses(404))
    async def prompt_take_audio(take_id: str, _: Principal = Depends(reader)) -> FileResponse:
        take = await asyncio.to_thread(take_of, take_id)
        return FileResponse(library.takes.audio(take), media_type="audio/wav")

    @router.post("/upload", status_code=201, summary="Upload a take (the body is the file: wav, mp3 or m4a)",
                 responses=problem_responses(404, 415, 422, s422="the take is silent, clipped or too short, "
                                             "or not audio (code take_refused or not_audio)"),
                 openapi_extra={"requestBody": {"required": True, "content": {
                     m: {"schema": {"type": "string", "format": "binary"}}
                     for m in ("audio/wav", "audio/mpeg", "audio/mp4", "application/octet-stream")}}})
    async def upload_prompt_take(request: Request, language: str = Query(max_length=16),
                                 prompt: str = Query(max_length=64),
                                 filename: str = Query(max_length=200, json_schema_extra={"pattern": UPLOAD_NAME},
                                                       description="the file's name: its suffix says the "
                                                       "format (.wav, .mp3 or .m4a)"),
                                 principal: Principal = Depends(require_role("recorder", "ops"))) -> dict[str, Any]:
        if not re.search(UPLOAD_NAME, filename):  # its schema's pattern; a 415 (the format), not a 422
            raise problem(415, "unsupported_media_type", f"upload a {', '.join(UPLOAD_SUFFIXES)} file, not {filename!r}")
        suffix = filename[filename.rindex("."):].lower()
        await asyncio.to_thread(known, language, prompt)
        body = await request.body()
        if not body:
            raise problem(422, "not_audio", "the request body is empty: send the file as the body")

        def keep() -> Take | Refused:
            with tempfile.TemporaryDirectory(prefix="upload-") as tmp:
                source = Path(tmp, "upload" + suffix)
                source.write_bytes(body)
                return library.keep(source, language=language, prompt_id=prompt, by=principal.name, via="upload")

        try:
            kept = await asyncio.to_thread(keep)
        except AudioError as exc:
            raise problem(422, "not_audio", str(exc).replace("upload" + suffix, filename)) from None
        if isinstance(kept, Refused):
            verdict = kept.verdict
            raise problem(422, "take_refused", f"the take is {verdict.problem.word.replace('_', ' ')}: "  # type: ignore[union-attr]
                          f"{verdict.describe()}", reason=verdict.problem.word)  # type: ignore[union-attr]
        return take_json(kept)

    @router.post("/takes/{take_id}/approve", summary="Approve a take: it becomes the prompt's recording and goes "
                 "live through the incremental build", responses=problem_responses(404, 409))
    async def approve_prompt_take(take_id: str, principal: Principal = Depends(approver)) -> dict[str, Any]:
        take = await asyncio.to_thread(take_of, take_id)
        try:
            report = await asyncio.to_thread(library.approve, take.id, by=principal.name)
        except TakeError as exc:
            raise problem(409, "conflict", str(exc)) from None
        approved = await asyncio.to_thread(take_of, take_id)
        return {"take": take_json(approved), "rebuilt": report.rebuilt}

    @router.post("/takes/{take_id}/reject", summary="Reject a take awaiting review",
                 responses=problem_responses(404, 409))
    async def reject_prompt_take(take_id: str, principal: Principal = Depends(approver)) -> dict[str, Any]:
        take = await asyncio.to_thread(take_of, take_id)
        try:
            rejected = await asyncio.to_thread(library.reject, take.id, by=principal.name)
        except TakeError as exc:
            raise problem(409, "conflict", str(exc)) from None
        return take_json(rejected)

    return router
