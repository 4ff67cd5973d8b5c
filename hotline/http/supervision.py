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
from hotline.http.counters import QueueCounters
from hotline.http.metrics import ReloadCounts, metrics_router
from hotline.http.queues import queues_router
from hotline.http.wallboard import wallboard_router
from hotline.service import HotlineService
from ivr.dialplan.history import History
from ivr.userevents import SelfService
from routing.asterisk import AgentDesk, RouterAdapter


def install_supervision(app: FastAPI, service: HotlineService, adapter: RouterAdapter, desk: AgentDesk, *,
                        keep_alive: float = KEEP_ALIVE_SECONDS, short_abandon_s: float = 5.0) -> LiveFeed:
    feed = LiveFeed.attach(adapter)
    feed.follow_ivr(adapter.ami)
    counters = QueueCounters(short_abandon_s)
    adapter.listeners.append(counters.record)
    adapter.ami.subscribe(SelfService, counters.self_service_ended)
    reloads = ReloadCounts(lambda: _history(app))
    app.include_router(queues_router(adapter, feed))
    app.include_router(agents_router(adapter, desk, feed))
    app.include_router(events_router(adapter, feed, keep_alive=keep_alive))
    app.include_router(metrics_router(adapter, service, feed, counters=counters, reloads=reloads))
    app.include_router(wallboard_router())
    app.state.live_feed = feed
    app.state.queue_counters = counters
    return feed


def _history(app: FastAPI) -> History | None:
    settings = getattr(app.state, "reload_settings", None)
    return History(settings.var_dir) if settings is not None and settings.var_dir is not None else None


__all__ = ["close_streams_on_exit", "install_supervision"]
