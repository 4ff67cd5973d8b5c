"""Assemble the running hotline from settings: the service, its features, the HTTP app.

One place knows which features exist and what each needs (database, hours, Asterisk's
spool); `ivrctl run` and the end-to-end tests both build the hotline through it.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from fastapi import FastAPI, Request, Response
from sqlalchemy import create_engine, text

from hotline.auth.phone import PhoneLogins, phone_logins_file
from hotline.auth.tokens import TokenStore
from hotline.callbacks.policy import load_policy
from hotline.callbacks.service import VirtualHold
from hotline.cluster.lease import LeaseTerms
from hotline.cluster.role import ServiceRole
from hotline.cluster.takeover import end_stale_rings, point_agi_here, read_agent_legs
from hotline.db.lease import LeaseStore, check_fence
from hotline.db.settings import DatabaseSettings
from hotline.http.problems import problem_response
from hotline.db.backend import SqlBackend
from hotline.db.records_store import RecordStore
from hotline.db.timings import DbTimings
from hotline.config.policy import site_router_config
from hotline.config.reload import LiveConfig, rebuild_router, roster_changes
from hotline.config.site import SiteConfig
from hotline.hours.calendar import coverage
from hotline.hours.source import HoursFile
from hotline.http.app import create_app
from hotline.http.callbacks import callbacks_router
from hotline.http.history import history_router
from hotline.http.messages import messages_router
from hotline.http.prompts import prompts_router
from hotline.http.reports import reports_router
from hotline.http.staffing import speakers_logged_in, staffing_router
from hotline.http.supervision import install_supervision
from hotline.priority import bonus_policy
from hotline.records import wiring as records_wiring
from hotline.records.history import caller_key
from hotline.records.agent_spans import AgentSpanWriter
from hotline.records.queries import thresholds_of
from hotline.staffing.config import load_staffing
from hotline.records.recorder import utc_now
from hotline.records.timeline import TimelineWriter
from hotline.recordings.desk import RecordingDesk
from hotline.recordings.policy import load_recording_policy
from hotline.service import HotlineService
from hotline.settings import Settings
from ivr.agi.load import OverloadPolicy
from ivr.ami import AmiClient, AmiSettings
from ivr.ami import AmiError
from ivr.menu import load_config
from ivr.prompts.build import read_provenance
from ivr.prompts.library import TAKES_DIR, PromptLibrary, PromptPaths
from ivr.prompts.phone import RecorderSettings, recorder_handler
from ivr.selfservice.flows import FlowSettings
from ivr.selfservice.flows import routes as selfservice_routes
from ivr.speech.service import SpeechService, create_speech_service
from routing import PauseReason, Router
from routing.asterisk import AgentDesk, RouterAdapter, hold_handler, load_roster
from routing.asterisk.phones import PhoneWatch
from routing.asterisk.presence import PresenceFile

log = logging.getLogger("hotline")


@dataclass(frozen=True)
class AsteriskSite:
    """Where the Asterisk we drive is, as the service sees it."""

    ami: AmiSettings
    dialplan_live_dir: Path | None  # None: reloads are refused
    messages_dir: Path | None  # Asterisk's spool monitor/messages, readable by the service
    # Asterisk's spool `recorder` directory as the service sees it (takes recorded by phone);
    # None: the recorder line is not served.
    recorder_spool_dir: Path | None = None
    # call recordings as (the service's path, Asterisk's path) of one directory; None: the
    # directory of config/recording.yaml, which Asterisk sees at the same path
    call_recordings: tuple[Path, str] | None = None
    # The sounds directory Asterisk plays from, when it is not the prompt build's own output:
    # approved recordings are copied there as they are built.
    live_sounds_dir: Path | None = None


@dataclass
class Hotline:
    service: HotlineService
    app: FastAPI
    router: RouterAdapter
    desk: AgentDesk
    speech: SpeechService
    callbacks: VirtualHold
    closers: list[Callable[[], None]] = field(default_factory=list)  # run last, in reverse order
    # run before the closers, in order (writers that must flush to the database first)
    async_closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    recordings: RecordingDesk | None = None
    agent_spans: AgentSpanWriter | None = None  # agents' states kept for the occupancy figures
    # one service: always active; a pair: the lease says (hotline.cluster)
    role: ServiceRole = field(default_factory=ServiceRole.single)
    phones: PhoneWatch | None = None
    agi_url: str | None = None  # a pair: what HOTLINE_AGI is set to while this one is active
    # nodes whose agents' legs are still to be read (became active while that Asterisk was away)
    _legs_unread: set[str] = field(default_factory=set)
    _held: dict[str, str] = field(default_factory=dict)  # agent leg Uniqueid -> agent kept out of offers
    # where the database work's time goes, by who does it (self-service, call records)
    db_timings: dict[str, DbTimings] = field(default_factory=dict)

    async def start(self) -> None:
        await self.speech.start()
        self.role.activated.append(self._activate)
        self.role.standing_down.append(self._stand_down)
        if self.role.clustered:
            for node, ami in self.service.nodes.items():
                ami.connected.connect(partial(self._asterisk_back, node))
                ami.subscribe("Hangup", self._leg_ended)
        await self.service.start(listen=not self.role.clustered)  # a pair starts standby: FastAGI closed
        if self.recordings is not None:
            await self.recordings.start()
        await self.role.start()  # one service: _activate at once

    async def _activate(self, epoch: int) -> None:
        if self.agent_spans is not None:  # before the desk's restore logs agents back in
            await self.agent_spans.start()
        if not self.role.clustered:
            await self.router.start()
            await self.desk.restore()
            await self.callbacks.start()  # after resync: a caller still on hold is not a callback
            return
        # a pair: the books of the one that was active are gone with it; read them back
        await self.service.open_agi()  # before Asterisk is pointed here
        self.router.router = Router(self.router.router.config)
        self._legs_unread = set(self.service.nodes)
        busy = [leg for node in self.service.nodes for leg in await self._take_over_asterisk(node)]
        await self.router.start()  # resync of every node: the waiting callers, each with their original join time
        if self.phones is not None:
            await self.phones.resync()
        await self.desk.restore()
        await self._hold_busy(busy)
        await self.callbacks.start()

    async def _take_over_asterisk(self, node: str) -> list[tuple[str, str]]:
        """On one node: rings the other service left are ended, agents in a conversation found,
        FastAGI pointed here. Returns (leg Uniqueid, agent id) of the agents in a conversation."""
        ami = self.service.nodes[node]
        if not ami.is_connected or not self.role.may_act():
            return []
        busy: list[tuple[str, str]] = []
        try:
            if node in self._legs_unread:
                legs = await read_agent_legs(ami)
                self._legs_unread.discard(node)
                await end_stale_rings(ami, legs)
                busy = [(leg.uniqueid, leg.agent_id) for leg in legs if leg.in_call]
            if self.agi_url is not None:
                await point_agi_here(ami, self.agi_url)
        except AmiError as exc:
            log.warning("takeover on Asterisk %r not finished (%s): again at the next connect", node, exc)
        return busy

    async def _asterisk_back(self, node: str) -> None:
        if self.role.may_act():
            await self._hold_busy(await self._take_over_asterisk(node))

    async def _hold_busy(self, busy: list[tuple[str, str]]) -> None:
        """Agents in a conversation the other service connected: no offer until it ends."""
        adapter = self.router
        for uniqueid, agent_id in busy:
            view = next((v for v in adapter.router.agent_views() if v.agent_id == agent_id), None)
            if view is None or view.pause_reason is not None:
                continue  # not logged in, or paused already: no offer anyway
            self._held[uniqueid] = agent_id
            await adapter.command(lambda now, a=agent_id: adapter.router.pause(a, PauseReason.BREAK, now))
            log.info("takeover: agent %s is in a call; offered nothing until it ends", agent_id)

    async def _leg_ended(self, message: dict[str, str]) -> None:
        agent_id = self._held.pop(message.get("Uniqueid", ""), None)
        if agent_id is not None:
            adapter = self.router
            await adapter.command(lambda now: adapter.router.unpause(agent_id, now))

    async def _stand_down(self, reason: str) -> None:
        """Stop acting at once (every action already asks the lease; this ends what runs)."""
        await self.service.close_agi()
        await self.callbacks.stop()
        await self.router.stop()  # the ticker and the decisions in flight (an Originate waiting)
        self.router.router = Router(self.router.router.config)  # a standby shows no books
        self._held.clear()

    async def stop(self) -> None:
        await self.role.stop()
        await self.callbacks.stop()
        await self.router.stop()
        await self.role.release()  # nothing acts any more: the standby may take over at once
        if self.agent_spans is not None:
            await self.agent_spans.stop()
        for ami in self.service.nodes.values():
            if ami.is_connected:
                try:  # menus stop calling the speech step once we are gone
                    await ami.send(self.speech.switch_action(False), timeout=1)
                except AmiError:
                    pass
        if self.recordings is not None:  # while AMI is up: it switches recording off in Asterisk
            await self.recordings.stop()
        await self.service.stop()
        await self.speech.close()
        for finish in self.async_closers:
            await finish()
        for close in reversed(self.closers):
            close()


def prompt_library(settings: Settings, site: AsteriskSite) -> PromptLibrary:
    return PromptLibrary(PromptPaths(
        catalog=settings.catalog_path, recordings=settings.recordings_dir, build=settings.prompts_build_dir,
        takes=settings.var_dir / TAKES_DIR, live_sounds=site.live_sounds_dir))


def assemble(settings: Settings, site: AsteriskSite, *, agi_port: int,
             clock: Callable[[], datetime] = utc_now) -> Hotline:
    """`clock` is the wall clock working hours and call records are judged by."""
    database = settings.database()
    role = cluster_role(settings, database)
    # several Asterisk nodes (config/cluster.yaml): one AMI connection each, one router over all
    nodes = settings.reload_nodes()
    service = HotlineService(nodes[0].ami if nodes else site.ami, agi_host=settings.agi_host, agi_port=agi_port,
                             agi_read_timeout=settings.agi_read_timeout,
                             overload=OverloadPolicy(settings.overload_max_sessions, settings.overload_max_loop_lag_s),
                             node=nodes[0].name if nodes else "", others={n.name: n.ami for n in nodes[1:]})
    app = create_app(service)
    app.state.reload_settings = settings.reload(dialplan_live_dir=site.dialplan_live_dir)
    app.state.token_store = TokenStore(settings.tokens_file)
    closers: list[Callable[[], None]] = []
    if role.clustered:
        for ami in service.nodes.values():
            ami.event_gate = role.may_act  # a standby acts on nothing Asterisk reports
        service.cluster_state = role.as_json
        install_standby_gate(app, role)

    # working hours, call records, after-hours messages, satisfaction reports
    store = RecordStore.from_url(database.resolved_url(), caller_key=caller_key(database.id_key()))
    closers.append(store.close)
    service.database_check = lambda: store.call(lambda session: session.execute(text("SELECT 1")))
    hours = HoursFile(settings.hours_path)
    recorder = records_wiring.install(service, store=store, hours=hours, messages_dir=site.messages_dir, clock=clock)
    closers.append(recorder.save_on_stop)  # before the store closes (closers run in reverse)
    if site.messages_dir is not None:
        app.include_router(messages_router(store, site.messages_dir))
    staffing = load_staffing(settings.staffing_path)
    # the interval summary counts each saved record under the thresholds the config sets now
    store.thresholds = lambda: thresholds_of(hours(), staffing)
    app.include_router(callbacks_router(store))

    # self-service: balance lookup, card loss report, card status (FastAGI flows)
    hotline_config = load_config(settings.config_path)
    backend = SqlBackend.from_settings(database)
    backend.warm()  # in the background: the first callers find their connections open
    closers.append(backend.close)
    service.agi.routes.update(selfservice_routes(backend, FlowSettings.from_config(hotline_config,
                                                                               overloaded=service.saturated)))

    # voice prompts: recorded by phone (the recorder line), reviewed and approved in the browser
    prompts = prompt_library(settings, site)
    app.include_router(prompts_router(prompts))
    service.prompts_report = lambda: read_provenance(settings.prompts_build_dir)
    service.calendar_report = lambda: coverage(hours().calendar, hours().local(clock()).date())
    if site.recorder_spool_dir is not None:
        logins = PhoneLogins(phone_logins_file(settings.tokens_file), app.state.token_store)
        service.agi.routes["recorder"] = recorder_handler(prompts, logins,
                                                          RecorderSettings(spool_dir=site.recorder_spool_dir))

    # skills-based routing: callers on hold in Asterisk, decisions here; priority from the records
    # the routing policy is hotline.yaml's routing: section (Guangxi's ships as the default)
    policy_of = site_router_config(hotline_config)
    routing = hotline_config.routing
    adapter = RouterAdapter(Router(policy_of), service.ami, node=service.node, others=service.others,
                            bonuses=bonus_policy(store, clock, elderly_s=routing.elderly_bonus_s, repeat_s=routing.repeat_bonus_s))
    adapter.listeners.append(recorder.on_router_event)

    # callbacks: the virtual-hold offer on hold, and calling back every due task
    policy = load_policy(settings.callbacks_path)
    languages = {dialect: d.language for dialect, d in hotline_config.dialects.items()}
    virtual_hold = VirtualHold(adapter, store, policy, hours, languages=languages, clock=clock)
    virtual_hold.attach(service.ami)
    service.agi.routes["hold"] = hold_handler(adapter, after=virtual_hold.at_hold)

    # the service's dialplan globals are set on every node, at each node's connect and reload
    async def set_max_hold(ami: AmiClient) -> None:  # the dialplan's own limit when it cannot ask the service
        await ami.send({"Action": "Setvar", "Variable": "HOTLINE_MAX_HOLD_S",
                        "Value": str(round(policy.max_hold_s))})

    for node_ami in service.nodes.values():
        node_ami.connected.connect(partial(set_max_hold, node_ami))
    presence = PresenceFile(settings.presence_file)
    roster = load_roster(settings.agents_path)
    desk = AgentDesk(adapter, roster, presence)

    phones = PhoneWatch(adapter, roster)  # agents whose phone is not registered get no call
    resyncs: set[asyncio.Task[None]] = set()

    async def swap_config(site: SiteConfig) -> list[str]:  # `ivrctl config reload`, after every check passed
        changes = roster_changes(desk.roster, site.agents)
        desk.roster = dict(site.agents)
        roster.clear()
        roster.update(site.agents)
        if site.callbacks != virtual_hold.policy:
            virtual_hold.policy = site.callbacks
            changes.append("callback policy replaced")
        if site.routing != adapter.router.config:
            await adapter.command(lambda now: rebuild_router(adapter, site.routing, now))
            changes.append("routing policy replaced: waiting callers keep their place, on the new ladders")
        # new agents' phones, and every phone's registration again after a router rebuild
        resync = asyncio.get_running_loop().create_task(phones.resync())
        resyncs.add(resync)
        resync.add_done_callback(resyncs.discard)
        return changes

    app.state.live_config = LiveConfig(settings.config_dir, settings.catalog_path, settings.read_limits(), swap_config)
    phones.attach()
    # the reports read the routing policy in force (its wrap-up, who could take a line), as reloaded
    app.include_router(reports_router(store, hours, staffing=lambda: staffing, router_config=lambda: adapter.router.config,
                                      roster=lambda: roster.values()))
    # the day's staffing plan, against the agents of config/agents.yaml
    app.include_router(staffing_router(store, hours, lambda: staffing, adapter.router.config,
                                       lambda: roster.values(), logged_in=lambda dialect: speakers_logged_in(adapter.router)(dialect)))

    # speech navigation (off unless config/hotline.yaml enables it and a Vosk model is set)
    speech = create_speech_service(lambda: hotline_config, host=settings.speech_host, port=settings.speech_port,
                                   advertise=settings.speech_advertise, model_path=settings.vosk_model_path)
    service.agi.routes.update(speech.routes())

    async def switch_speech(ami: AmiClient) -> None:  # a dialplan global: set again after every reconnect
        await ami.send(speech.switch_action())

    for node_ami in service.nodes.values():
        node_ami.connected.connect(partial(switch_speech, node_ami))

    async def set_globals_again(ami: AmiClient, event: dict[str, str]) -> None:
        # clearglobalvars = yes empties every global at a dialplan reload; the dialplan files
        # give defaults back (the bundle's [globals]), the service's own values come again here
        if event.get("Module", "").removesuffix(".so") == "pbx_config" and event.get("Status", "0") == "0":
            await set_max_hold(ami)
            await switch_speech(ami)
            if role.clustered:  # the files' default HOTLINE_AGI is back: point it at the active one again
                await point_agi_here(ami, settings.agi_url(agi_port))

    for node_ami in service.nodes.values():
        node_ami.subscribe("Reload", partial(set_globals_again, node_ami))
    # supervisors and agents: queues, agents, calls, live events, metrics, the wallboard
    feed = install_supervision(app, service, adapter, desk, short_abandon_s=staffing.short_abandon_s)
    closers.append(feed.close)

    # call history: every call's timeline kept in the database, read back with its record
    timeline = TimelineWriter(store)
    feed.timeline_listeners.append(timeline.add)

    # call recording: MixMonitor on recorded lines while storage can take it; retention purges
    recording_policy = load_recording_policy(settings.config_path.parent / "recording.yaml", settings.var_dir)
    if site.call_recordings is not None:
        recording_policy = recording_policy.model_copy(update={"directory": site.call_recordings[0]})
    asterisk_dir = (site.call_recordings[1] if site.call_recordings
                    else recording_policy.asterisk_directory or str(recording_policy.directory))
    recordings = RecordingDesk(store, recording_policy, service.ami, asterisk_dir=asterisk_dir,
                               lines=lambda: {business for _dialect, business in adapter.router.config.ladders})
    recordings.attach()
    adapter.listeners.append(recordings.on_router_event)
    service.recording_state = lambda: (recordings.state.available, recordings.state.reason)
    service.recordings_failed = lambda: recordings.failed
    app.include_router(history_router(store, timeline, adapter, recordings_dir=recording_policy.directory))
    adapter.may_act = role.may_act
    if role.clustered:  # a callback task written by a service that lost the lease is refused
        node = settings.node_name()
        virtual_hold.fence = lambda session: check_fence(session, holder=node, epoch=role.epoch or 0)
    # agents' states as spans, for the interval report's occupancy
    agent_spans = AgentSpanWriter(store)
    adapter.listeners.append(agent_spans.on_router_event)
    return Hotline(service, app, adapter, desk, speech, virtual_hold, closers, [timeline.close], recordings,
                   agent_spans=agent_spans, role=role, phones=phones,
                   agi_url=settings.agi_url(agi_port) if role.clustered else None,
                   db_timings={"selfservice": backend.timings, "call_records": store.timings})


def cluster_role(settings: Settings, database: DatabaseSettings) -> ServiceRole:
    """One service: always active. A pair (HOTLINE_CLUSTER): a lease row in PostgreSQL."""
    if not settings.cluster:
        return ServiceRole.single()
    # its own small pool: a lease attempt must not wait behind the records' queries
    engine = create_engine(database.resolved_url(),
                           # a peer that vanished (no RST) fails a request within seconds, not TCP's minutes
                           connect_args={"connect_timeout": 2, "options": "-c statement_timeout=2000",
                                         "keepalives_idle": 1, "keepalives_interval": 1, "keepalives_count": 2,
                                         "tcp_user_timeout": 2000},
                           pool_size=1, max_overflow=2, pool_timeout=1)
    store = LeaseStore(engine, holder=settings.node_name())
    return ServiceRole.leased(store.attempt, LeaseTerms(), release=store.release)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def install_standby_gate(app: FastAPI, role: ServiceRole) -> None:
    """A standby serves reads; a write is refused with 503 and Retry-After (the lease's
    length: by then one of the pair is active), never carried out."""
    terms = role.terms
    retry = str(math.ceil(terms.ttl_s)) if terms is not None else "5"

    @app.middleware("http")
    async def standby_refuses_writes(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.method not in SAFE_METHODS and not role.may_act():
            return problem_response(503, "standby", "this service is the standby of an active/standby pair: "
                                    "writes go to the active one", headers={"Retry-After": retry})
        return await call_next(request)
