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


def test_they_agree_when_most_agents_are_idle():
    import random

    from bench.router import SEED, make_agents, make_call
    from routing import Router
    from routing.snapshot import take

    config = default_config()
    router = Router(config)
    for a in make_agents(random.Random(SEED), 150):
        router.login(a, 0.0)
    scan = ScanRouter(config, take(router))
    rng = random.Random(SEED + 2)
    ours_offers, scan_offers = [], []
    for serial in range(140):
        call = make_call(rng, serial, 1.0 + serial * 0.1)  # all within one ring timeout
        ours_offers.extend(offers_of_outcome(router.arrive(call, call.enqueue_time)))
        scan_offers.extend(scan.arrive(call, call.enqueue_time))
    assert len(ours_offers) > 50
    assert ours_offers == scan_offers
