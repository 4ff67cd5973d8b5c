"""The indexed router and the bench's scan-everything baseline take the same decisions.

Both run the bench's seeded command stream from the same snapshot; the baseline is written for
obviousness (it recomputes every step and every candidate on each command), so agreement on
every offer is a check of the indexes, the ladder timers and the guard.
"""

from bench.router import ScanRouter, measure, offers_of_outcome, steady_state
from routing.guangxi import default_config


def test_indexed_and_scanning_routers_make_the_same_offers():
    config = default_config()
    router, snapshot, warm = steady_state(config, agents=120, waiting=300)
    ours_offers, scan_offers = [], []

    def record(sink, convert):
        def offers(result):
            found = convert(result)
            sink.extend(found)
            return found
        return offers

    measure(router, record(ours_offers, offers_of_outcome), 3_000, snapshot, warm)
    measure(ScanRouter(config, snapshot), record(scan_offers, lambda o: o), 3_000, snapshot, warm)
    assert len(ours_offers) > 100
    assert ours_offers == scan_offers
