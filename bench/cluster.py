"""`python -m bench cluster`: the multi-node deployment, one leg per question.

- `tiers` (ivr/kamailio, `make cluster`'s parts): CPU seconds per call of each tier under SIPp
  load through Kamailio, and the calls/s that 1, 2, 4 and 8 media nodes could take before a
  shared tier saturates one core (projected from per-tier cost, not run).
- `takeover` (hotline/cluster): active service killed -> standby serving its first FastAGI
  request and its first offer, p50/p99 over 10 kills.

`BENCH_CLUSTER_LEGS` (comma-separated, default all) picks legs. Each leg is a function
returning records; a leg lives in its own module (bench/cluster_<leg>.py) so the two can be
built at once without touching each other's code.
"""

from __future__ import annotations

import importlib
import os
import sys

from bench.results import Record

LEGS: dict[str, str] = {
    "tiers": "bench.cluster_tiers",
    "takeover": "bench.cluster_takeover",
}


def run() -> list[Record]:
    wanted = [leg.strip() for leg in os.environ.get("BENCH_CLUSTER_LEGS", ",".join(LEGS)).split(",") if leg.strip()]
    unknown = sorted(set(wanted) - set(LEGS))
    if unknown:
        raise SystemExit(f"BENCH_CLUSTER_LEGS: unknown leg(s) {', '.join(unknown)}; known: {', '.join(LEGS)}")
    records: list[Record] = []
    for leg in wanted:
        try:
            module = importlib.import_module(LEGS[leg])
        except ModuleNotFoundError as exc:
            if exc.name != LEGS[leg]:
                raise
            print(f"bench cluster: leg {leg} is not built yet ({LEGS[leg]})", file=sys.stderr)
            continue
        print(f"bench cluster: leg {leg} ...", file=sys.stderr, flush=True)
        records.extend(module.run())
    return records
