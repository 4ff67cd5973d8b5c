"""The one format every benchmark reports in: a list of records in bench/results.json.

A record is one measured figure. Where a figure has a baseline measured in the same run, the
record carries the baseline's name and value and their ratio, so figures compare across machines.
"""

from __future__ import annotations

import json
import os
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULTS_PATH = Path(__file__).with_name("results.json")


@dataclass(frozen=True)
class Record:
    name: str
    value: float
    unit: str
    baseline_name: str | None = None
    baseline_value: float | None = None
    conditions: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline_value in (None, 0):
            return None
        return self.value / self.baseline_value

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        data["conditions"] = {"cores": os.cpu_count(), **self.conditions}
        return data


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile: the value at or below which pct % of samples lie."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def format_table(records: list[Record]) -> str:
    rows = [("figure", "value", "unit", "baseline", "ratio")]
    for r in records:
        baseline = "" if r.baseline_value is None else f"{r.baseline_name} = {r.baseline_value:,.4g}"
        ratio = "" if r.ratio is None else f"{r.ratio:.3f}"
        rows.append((r.name, f"{r.value:,.4g}", r.unit, baseline, ratio))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def read_results(path: Path = RESULTS_PATH) -> list[Record]:
    if not path.exists():
        return []
    fields = {"name", "value", "unit", "baseline_name", "baseline_value", "conditions"}
    return [Record(**{k: v for k, v in item.items() if k in fields}) for item in json.loads(path.read_text())]


def write_results(records: list[Record], path: Path = RESULTS_PATH) -> None:
    path.write_text(json.dumps([r.as_json() for r in records], indent=2, ensure_ascii=False) + "\n")


def cpu_ticks() -> list[int]:
    """The machine's CPU time so far by kind (/proc/stat's first line), for steal_percent."""
    with open("/proc/stat") as stat:
        return [int(ticks) for ticks in stat.readline().split()[1:]]


def steal_percent(before: list[int], after: list[int]) -> float:
    """The share of the machine's time its hypervisor gave to others between two readings.
    On a virtual machine the slowest latencies follow it: a run with more than a few percent
    measured the neighbours as much as the code."""
    spent = [b - a for a, b in zip(before, after, strict=True)]
    return round(100 * spent[7] / max(1, sum(spent)), 1)  # steal is the 8th column
