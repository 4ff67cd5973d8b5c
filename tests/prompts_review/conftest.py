"""The prompt review API and page over a library on a test's own files (no Asterisk needed:
approving builds into a hard-linked copy of prompts/build)."""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from pydub import AudioSegment

from hotline.auth import TokenStore
from hotline.http.contract import new_app
from hotline.http.prompts import prompts_router
from hotline.http.session import session_router
from ivr.prompts.library import PromptLibrary, PromptPaths

PROJECT = Path(__file__).resolve().parents[2]
BUILD = PROJECT / "prompts" / "build"


@dataclass
class Review:
    app: FastAPI
    library: PromptLibrary
    http: httpx.AsyncClient
    tokens: dict[str, str]  # "ops", "recorder", "viewer"
    files: Path  # upload files made for the test

    @property
    def caller_prompts(self) -> int:
        return sum(p.audience == "caller" for p in self.library.catalog().prompts.values())

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def speech(text: str, out: Path, fmt: str) -> Path:
    """espeak-ng reading Zhuang words at a phone's level, exported as `fmt` (ffmpeg)."""
    raw = out.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "vi", "-w", str(raw), text], check=True, capture_output=True)
    voice = AudioSegment.from_wav(raw)
    quiet = AudioSegment.silent(300, frame_rate=voice.frame_rate)
    (quiet + voice.apply_gain(-24 - voice.dBFS) + quiet).export(out, format=fmt)
    raw.unlink()
    return out


@pytest.fixture
async def review(tmp_path: Path) -> AsyncIterator[Review]:
    build = tmp_path / "build"
    shutil.copytree(BUILD / "sounds", build / "sounds", copy_function=os.link)
    shutil.copy(BUILD / "manifest.json", build / "manifest.json")
    library = PromptLibrary(PromptPaths(catalog=PROJECT / "prompts" / "catalog.yaml", recordings=tmp_path / "recordings",
                                        build=build, takes=tmp_path / "takes"))
    library.publish()  # the copy is as current as the catalog (a no-op after `make prompts`)
    store = TokenStore(tmp_path / "tokens.json")
    tokens = {role: store.create(role, name=f"{role} 蓝")[0] for role in ("ops", "recorder", "viewer")}
    app = new_app(title="prompts", description="test")
    app.state.token_store = store
    app.include_router(session_router())  # the page logs in as the wallboard does
    app.include_router(prompts_router(library))
    files = tmp_path / "files"
    files.mkdir()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hotline") as http:
        yield Review(app, library, http, tokens, files)


@asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """The app on real HTTP (uvicorn in this event loop, a free port); yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:  # uvicorn offers no event for this
                await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
