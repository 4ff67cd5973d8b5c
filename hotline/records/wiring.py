"""Plugging hours, messages, the survey and call records into the running service.

    hours = HoursFile(settings.hours_path)
    store = RecordStore.from_url(settings.database().resolved_url())
    recorder = install(service, store=store, hours=hours, messages_dir=<host path of
                       ${ASTSPOOLDIR}/monitor/messages>)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from hotline.db.records_store import RecordStore
from hotline.hours.agi import hours_handler
from hotline.hours.schedule import HoursConfig
from hotline.records.recorder import CallRecorder, utc_now
from hotline.service import HotlineService


def install(service: HotlineService, *, store: RecordStore, hours: Callable[[], HoursConfig],
            messages_dir: Path | None, clock: Callable[[], datetime] = utc_now) -> CallRecorder:
    """FastAGI route `hours`; the recorder on AMI UserEvent and Hangup. Returns the recorder."""
    service.agi.routes["hours"] = hours_handler(hours, clock)
    recorder = CallRecorder(store, hours, messages_dir=messages_dir, clock=clock)
    recorder.attach(service.ami)
    return recorder
