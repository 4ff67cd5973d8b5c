"""A site's configuration directory, read whole: every file, then the cross-file rules.

`load_site` never raises on a configuration mistake: it returns every problem of every file
at once, so one `ivrctl config check` shows all there is to fix. It is CPU work (about a
second a megabyte): the service calls it off the event loop (asyncio.to_thread).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hotline.callbacks.policy import CallbackPolicy, parse_policy
from hotline.config.crosscheck import cross_check
from hotline.config.policy import router_config, routing_issues
from hotline.hours.loader import CalendarFileSpec, HoursFileSpec, hours_from, load_calendar
from hotline.hours.schedule import HoursConfig
from hotline.staffing.config import StaffingConfig, parse_staffing
from ivr.menu import validate
from ivr.menu.catalog import PromptCatalog
from ivr.menu.issues import ConfigError, Issue, errors_only
from ivr.menu.limits import ReadLimits, read_config_text
from ivr.menu.loader import parse_config, parse_model
from ivr.menu.models import HotlineConfig
from routing import Agent, RouterConfig
from routing.asterisk.roster import parse_roster, roster_sources

FILES = ("hotline.yaml", "hours.yaml", "agents.yaml", "callbacks.yaml")

__all__ = ["FILES", "SiteConfig", "load_site", "CalendarFileSpec"]


@dataclass(frozen=True)
class SiteConfig:
    hotline: HotlineConfig
    hours: HoursConfig
    agents: dict[str, Agent]
    callbacks: CallbackPolicy
    routing: RouterConfig
    texts: dict[str, str] = field(default_factory=dict, repr=False)  # file name -> the text read
    warnings: list[Issue] = field(default_factory=list)
    staffing: StaffingConfig = field(default_factory=StaffingConfig)  # optional file: planning figures


def default_routing() -> RouterConfig:
    """For a hotline.yaml without ladders (older files, small test configs): Guangxi's."""
    from routing.guangxi import default_config

    return default_config()


def load_site(config_dir: Path, *, limits: ReadLimits | None = None, catalog: PromptCatalog | str | Path | None = None,
              routing: RouterConfig | None = None, texts: dict[str, str] | None = None,
              paths: dict[str, Path] | None = None, hotline: HotlineConfig | None = None) -> tuple[SiteConfig | None, list[Issue]]:
    """Every file under `config_dir` (or, for a name in `texts`, that text instead: what a
    reload was sent; for a name in `paths`, that file), checked alone and together. The site
    is None when any error was found. `hotline`: a hotline.yaml already read and validated
    (only the other files and the cross-file rules are then checked)."""
    config_dir = Path(config_dir)
    texts = dict(texts or {})
    paths = {name: Path(path) for name, path in (paths or {}).items()}
    issues: list[Issue] = []

    def path_of(name: str) -> Path:
        return paths.get(name, config_dir / name)

    def text_of(name: str) -> str | None:
        if name in texts:
            return texts[name]
        try:
            texts[name] = read_config_text(path_of(name), limits)
        except ConfigError as error:
            issues.extend(error.issues)
            return None
        return texts[name]

    def parsed(name: str, parse):  # type: ignore[no-untyped-def]
        text = text_of(name)
        if text is None:
            return None
        try:
            return parse(text, str(path_of(name)))
        except ConfigError as error:
            issues.extend(error.issues)
            return None

    if hotline is None:
        hotline = parsed("hotline.yaml", lambda t, f: parse_config(t, f, limits))
        if hotline is not None:
            issues.extend(validate(hotline, catalog))
    hours_spec = parsed("hours.yaml", lambda t, f: parse_model(t, f, HoursFileSpec, "config/hours.yaml", limits))
    hours = None
    try:  # checked even when hours.yaml is not, so one run shows every file's problems
        calendar = load_calendar(config_dir / (hours_spec.calendar_dir if hours_spec else "calendar"), limits)
        hours = hours_from(hours_spec, calendar, hours_spec.source) if hours_spec is not None else None
    except ConfigError as error:
        issues.extend(error.issues)
    roster_spec = parsed("agents.yaml", lambda t, f: roster_sources(t, f, limits))
    agents = parsed("agents.yaml", lambda t, f: parse_roster(t, f, limits)) if roster_spec is not None else None
    callbacks = parsed("callbacks.yaml", lambda t, f: parse_policy(t, f, limits))
    staffing = StaffingConfig()
    if "staffing.yaml" in texts or path_of("staffing.yaml").exists():  # reports and staffing plans only
        staffing = parsed("staffing.yaml", lambda t, f: parse_staffing(t, f, limits)) or staffing
    from_file = routing is None and hotline is not None and bool(hotline.routing.ladders)
    if from_file:
        assert hotline is not None
        policy_issues = routing_issues(hotline)
        issues.extend(policy_issues)
        routing = router_config(hotline) if not policy_issues else None
    routing = routing or default_routing()
    if hotline is not None:
        issues.extend(cross_check(hotline, hours, hours_spec.source if hours_spec else None,
                                  agents, roster_spec.source if roster_spec else None, routing,
                                  hotline.source if from_file else None))
    if errors_only(issues) or None in (hotline, hours, agents, callbacks):
        return None, issues
    assert hotline is not None and hours is not None and agents is not None and callbacks is not None
    warnings = [issue for issue in issues if issue.severity != "error"]
    return SiteConfig(hotline, hours, agents, callbacks, routing, texts, warnings, staffing), issues
