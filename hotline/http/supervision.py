"""Mount the supervision surface on the app: queues, agents, calls, events, metrics, wallboard.

    feed = install_supervision(app, service, adapter, desk)
    ...
    server = uvicorn.Server(config)
    close_streams_on_exit(server, feed)   # open /events streams must not hold up a shutdown

All of them read one LiveFeed on the adapter (app.state.live_feed).
"""

from __future__ import annotations

from fastapi import FastAPI

from hotline.http.agents import agents_router
from hotline.http.events_stream import KEEP_ALIVE_SECONDS, close_streams_on_exit, events_router
from hotline.http.live import LiveFeed
from hotline.http.metrics import metrics_router
from hotline.http.queues import queues_router
from hotline.http.wallboard import wallboard_router
from hotline.service import HotlineService
from routing.asterisk import AgentDesk, RouterAdapter


def install_supervision(app: FastAPI, service: HotlineService, adapter: RouterAdapter, desk: AgentDesk, *,
                        keep_alive: float = KEEP_ALIVE_SECONDS) -> LiveFeed:
    feed = LiveFeed.attach(adapter)
    feed.follow_ivr(adapter.ami)
    app.include_router(queues_router(adapter, feed))
    app.include_router(agents_router(adapter, desk, feed))
    app.include_router(events_router(adapter, feed, keep_alive=keep_alive))
    app.include_router(metrics_router(adapter, service, feed))
    app.include_router(wallboard_router())
    app.state.live_feed = feed
    return feed


__all__ = ["close_streams_on_exit", "install_supervision"]
