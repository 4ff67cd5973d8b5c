"""`python -m bench`: run every benchmark module, print one table, write bench/results.json.

Each module in BENCHMARKS exposes `run() -> list[Record]` (sync; it may run its own event loop).
"""

from __future__ import annotations

import importlib
import sys

from bench.results import Record, format_table, read_results, write_results

BENCHMARKS: list[str] = [
    "bench.ami_events",
    "bench.reload",
    "bench.router",
    "bench.lifecycle",
    "bench.speech",
    "bench.fastagi",
    "bench.api",
    "bench.config",
    "bench.intervals",
    "bench.record_saves",
    "bench.history",
    "bench.recording",
    "bench.staffing",
    "bench.sip",
    "bench.cluster",
]


def main(argv: list[str]) -> int:
    selected = [m for m in BENCHMARKS if not argv or any(a in m for a in argv)]
    records: list[Record] = []
    for module_name in selected:
        print(f"running {module_name} ...", file=sys.stderr, flush=True)
        records.extend(importlib.import_module(module_name).run())
    print(format_table(records))
    if argv:  # a subset: keep the other benchmarks' figures from earlier runs
        kept = [r for r in read_results() if r.name not in {n.name for n in records}]
        records = kept + records
    write_results(records)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
