"""A process serving /events alone, stopped as `ivrctl run` is (a signal), for test_events.

    python sse_server.py <tokens.json> <port>
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from hotline.auth import TokenStore
from hotline.http.events_stream import close_streams_on_exit, events_router
from hotline.http.live import LiveFeed

if __name__ == "__main__":
    feed = LiveFeed()
    app = FastAPI()
    app.state.token_store = TokenStore(Path(sys.argv[1]))
    app.include_router(events_router(None, feed))  # type: ignore[arg-type]  # the feed is given
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="info",
                                           lifespan="off"))
    close_streams_on_exit(server, feed)
    server.run()
