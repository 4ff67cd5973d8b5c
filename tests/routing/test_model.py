import pytest

from routing import Agent, Call, Ladder, LadderStep, Requirement, Router, RouterConfig, RouterError, mask_number
from routing.guangxi import default_ladders, MANDARIN_NOTICE
from routing.skills import BUSINESS_LINES, DIALECTS
from tests.routing.world import call


def test_requirement_parses_and_prints_canonically():
    req = Requirement.parse("pension>=3, zhuang>=4")
    assert req == Requirement.of(zhuang=4, pension=3)
    assert str(req) == "pension>=3,zhuang>=4"
    assert str(Requirement.parse("")) == "any"


def test_requirement_is_a_conjunction_of_minimums():
    req = Requirement.of(zhuang=4, pension=3)
    assert req.met_by({"zhuang": 4, "pension": 5})
    assert not req.met_by({"zhuang": 3, "pension": 5})
    assert not req.met_by({"zhuang": 5})
    assert Requirement().met_by({})


@pytest.mark.parametrize("text", ["zhuang>=0", "zhuang>=6", "zhuang=4"])
def test_bad_requirements_are_refused(text):
    with pytest.raises(ValueError):
        Requirement.parse(text)


def test_agent_levels_are_checked_and_read_only():
    with pytest.raises(ValueError):
        Agent("a", "A", "PJSIP/a", {"mandarin": 7})
    a = Agent("a", "A", "PJSIP/a", {"mandarin": 3})
    with pytest.raises(TypeError):
        a.proficiencies["mandarin"] = 5
    assert a.level("zhuang") == 0


def test_caller_number_is_masked_and_kept_out_of_repr():
    c = call("c1", number="13812345678")
    assert c.masked_number == "*******5678"
    assert "13812345678" not in repr(c)
    assert mask_number("110") == "***"


def test_the_vocabulary_is_the_configuration_s():
    """Which dialects, lines and skills exist is configuration: the router refuses what its
    config does not define, and a config's ladders may only ask for skills it defines."""
    one = Ladder((LadderStep(0, Requirement.parse("zhuang>=2")),))
    config = RouterConfig(ladders={("zhuang", "pension"): one})
    assert config.dialects == ("zhuang",) and config.business_lines == ("pension",)
    with pytest.raises(ValueError, match="klingon"):
        RouterConfig(ladders={("zhuang", "pension"): Ladder((LadderStep(0, Requirement.parse("klingon>=2")),))})
    with pytest.raises(RouterError, match="no ladder"):
        Router(config).arrive(Call("c", "ch", "klingon", "pension", "1"), 0)


def test_bonus_is_capped():
    assert call("c", elderly=100, repeat=100).bonus(cap=120) == 120
    with pytest.raises(ValueError):
        Call("c", "ch", "zhuang", "pension", "1", elderly_bonus=-1)


def test_ladders_start_at_zero_and_increase():
    with pytest.raises(ValueError):
        Ladder((LadderStep(5, Requirement()),))
    with pytest.raises(ValueError):
        Ladder((LadderStep(0, Requirement()), LadderStep(0, Requirement())))


def test_guangxi_default_covers_every_line_and_tells_dialect_callers_about_mandarin():
    ladders = default_ladders()
    assert set(ladders) == {(d, b) for d in DIALECTS for b in BUSINESS_LINES}
    zhuang = ladders[("zhuang", "pension")].steps
    assert zhuang[0].requirement == Requirement.of(zhuang=4, pension=3)
    assert (zhuang[1].after, zhuang[1].requirement) == (30, Requirement.of(zhuang=2))
    assert zhuang[2].after == 90 and zhuang[2].announce == MANDARIN_NOTICE
    assert "mandarin" in zhuang[2].requirement.skills
    assert any(step.offer_callback for step in zhuang)
    assert all(step.announce is None for step in ladders[("mandarin", "medical")].steps)


def test_config_loads_from_plain_data_with_wildcard_lines():
    import yaml

    from routing import RouterConfig

    data = yaml.safe_load("""
        ring_timeout: 15
        dialects: [mandarin, zhuang]
        business_lines: [pension, medical, ss_card]
        wrap_up_seconds: {pension: 40}
        ladders:
          zhuang/*:
            - {after: 0, require: "zhuang>=4"}
            - {after: 90, require: "mandarin>=3", announce: mandarin_agent_notice, offer_callback: true}
          zhuang/pension:
            - {after: 0, require: "zhuang>=4, pension>=3"}
    """)
    config = RouterConfig.from_data(data)
    assert config.ring_timeout == 15 and config.wrap_up("pension") == 40
    assert config.ladder("zhuang", "pension").steps[0].requirement == Requirement.of(zhuang=4, pension=3)
    medical = config.ladder("zhuang", "medical").steps
    assert medical[1].announce == MANDARIN_NOTICE and medical[1].offer_callback
    with pytest.raises(ValueError):
        config.ladder("hakka", "pension")
