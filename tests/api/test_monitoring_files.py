"""The example alert rules and Grafana dashboard in monitoring/: well-formed, and every metric
they query is one the service exports (or a recording rule defined beside them).

The rules are checked structurally here, and by promtool: tools/install-system-deps takes it out
of Debian's prometheus package into the cache (PROMTOOL, set by the Makefile). Under
`make test` a missing promtool fails the test; a bare pytest run without it skips it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "monitoring" / "alerts.yml"
DASHBOARD = ROOT / "monitoring" / "grafana-dashboard.json"
# Exported by hotline/http/metrics.py (counters carry _total, histograms _bucket/_sum/_count).
EXPORTED = {
    "hotline_calls_waiting", "hotline_longest_wait_seconds", "hotline_service_level_ratio", "hotline_agents",
    "hotline_router_events_total", "hotline_ami_reconnects_total", "hotline_ami_connected",
    "hotline_fastagi_active_sessions", "hotline_event_loop_lag_seconds", "hotline_saturated", "hotline_database_reachable", "hotline_calls_offered_total",
    "hotline_calls_answered_total", "hotline_calls_abandoned_total", "hotline_calls_short_abandoned_total",
    "hotline_callbacks_total", "hotline_queue_wait_seconds_bucket", "hotline_selfservice_total",
    "hotline_dialplan_reloads_total", "hotline_recording_available", "hotline_recordings_failed_total", "up",
}
NAME = re.compile(r"\b([a-z_:][a-z0-9_:]*)\s*(?:\{|\[|\)|$|\s*[<>=!])")
FUNCTIONS = {"sum", "by", "increase", "rate", "histogram_quantile", "clamp_min", "and", "or", "label_values", "le"}


def metric_names(expr: str) -> set[str]:
    expr = re.sub(r'"[^"]*"', '""', expr)  # label values
    names = {m for m in re.findall(r"[a-z_:][a-z0-9_:]*", expr) if m.startswith(("hotline", "up"))}
    return {n for n in names if n not in FUNCTIONS}


def test_the_alert_rules_are_well_formed_and_query_exported_metrics() -> None:
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    recorded = {r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r}
    alerts = {}
    for group in rules["groups"]:
        assert set(group) == {"name", "rules"}
        for rule in group["rules"]:
            assert ("alert" in rule) != ("record" in rule) and "expr" in rule
            assert set(rule) <= {"alert", "record", "expr", "for", "labels", "annotations"}
            assert rule["expr"].count("(") == rule["expr"].count(")")
            unknown = metric_names(rule["expr"]) - EXPORTED - recorded
            assert not unknown, (rule.get("alert") or rule.get("record"), unknown)
            if "alert" in rule:
                assert re.fullmatch(r"\d+[smh]", rule["for"]) and rule["labels"]["severity"] in {"warning", "critical"}
                assert rule["annotations"]["summary"]
                alerts[rule["alert"]] = rule
    assert {"HotlineServiceLevelBelowTarget", "HotlineAmiDisconnected", "HotlineDatabaseUnreachable",
            "HotlineRecordingFailing"} <= set(alerts)
    assert alerts["HotlineServiceLevelBelowTarget"]["for"] == "15m"


def promtool() -> str | None:
    """PROMTOOL when set (it must then exist), else promtool on PATH."""
    configured = os.environ.get("PROMTOOL")
    return configured if configured else shutil.which("promtool")


@pytest.mark.skipif(promtool() is None, reason="promtool not installed: run tools/install-system-deps (make test does)")
def test_promtool_accepts_the_rules() -> None:
    tool = promtool()
    assert tool is not None and os.access(tool, os.X_OK), f"{tool}: not there; run tools/install-system-deps"
    done = subprocess.run([tool, "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_dashboard_is_grafana_json_over_exported_metrics() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    recorded = {r["record"] for g in yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
                for r in g["rules"] if "record" in r}
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)) and dashboard["uid"]
    for panel in dashboard["panels"]:
        assert panel["targets"] and set(panel["gridPos"]) == {"x", "y", "w", "h"}
        for target in panel["targets"]:
            unknown = metric_names(target["expr"]) - EXPORTED - recorded
            assert not unknown, (panel["title"], unknown)
