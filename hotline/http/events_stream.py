"""GET /events: server-sent events of queue and agent changes, as the router reports them.

    event: AgentConnect
    data: {"type": "AgentConnect", "time": "2024-11-22T04:33:32+00:00", "call_id": "...", "agent_id": "a1001", ...}

Every router event is sent (callers masked); a `: keep-alive` comment every 15 s keeps proxies
from closing an idle stream; a `lagged` event says the client fell behind and lost some (it
should re-read /queues and /agents). The stream ends when the client goes or the feed closes.

Browsers' EventSource cannot send headers: a page logs in first (POST /session) and the stream
goes with its session cookie. A token is never taken from the address (access logs keep it).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPBearer

from hotline.auth.tokens import Principal
from hotline.http.auth import READ_ROLES, require_role
from hotline.http.contract import utc_time
from hotline.http.live import CLOSED, LiveFeed
from hotline.http.queues import UNAUTHORISED
from routing.asterisk import RouterAdapter

KEEP_ALIVE_SECONDS = 15.0
_bearer = HTTPBearer(auto_error=False)


def sse_message(body: dict[str, Any]) -> str:
    if isinstance(body.get("time"), int | float):  # the router's clock, shown as every API time is
        body = {**body, "time": utc_time(body["time"]).isoformat()}
    return f"event: {body['type']}\ndata: {json.dumps(body, ensure_ascii=False, separators=(',', ':'))}\n\n"


async def sse_stream(feed: LiveFeed, request: Request, keep_alive: float) -> AsyncIterator[str]:
    queue = feed.subscribe()
    try:
        yield sse_message({"type": "hello", "time": time.time()})  # the client knows it is live
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), keep_alive)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                yield ": keep-alive\n\n"
                continue
            if item is CLOSED:
                return
            yield sse_message(item)
    finally:
        feed.unsubscribe(queue)


def close_streams_on_exit(server: Any, feed: LiveFeed) -> None:
    """Make a uvicorn.Server end the event streams when it is told to stop: uvicorn waits for
    open responses before it shuts down, and an event stream never ends by itself."""
    original = server.handle_exit

    def handle_exit(sig: int, frame: Any) -> None:
        try:  # from a signal handler: hand the work to the loop rather than touch queues here
            asyncio.get_running_loop().call_soon_threadsafe(feed.close)
        except RuntimeError:  # no loop running in this thread
            feed.close()
        original(sig, frame)

    server.handle_exit = handle_exit


def events_router(adapter: RouterAdapter, feed: LiveFeed | None = None, *,
                  keep_alive: float = KEEP_ALIVE_SECONDS, access: Any = None) -> APIRouter:
    feed = feed or LiveFeed.attach(adapter)
    access = access or require_role(*READ_ROLES)
    router = APIRouter(tags=["events"], responses=UNAUTHORISED)

    @router.get("/events", response_class=StreamingResponse, summary="Live queue and agent changes (text/event-stream)",
                responses={200: {"content": {"text/event-stream": {"example": (
                    'event: QueueCallerJoin\ndata: {"type":"QueueCallerJoin","time":"2024-11-22T04:33:20+00:00",'
                    '"call_id":"1732250000.42","dialect":"zhuang","business":"pension","caller":"*******5678",'
                    '"restored":false}\n\n')}}}})
    async def stream_events(request: Request, _: Principal = Depends(access)) -> StreamingResponse:
        return StreamingResponse(sse_stream(feed, request, keep_alive), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return router
