"""The sandbox Asterisk itself: boots clean, private, and several can run at once."""

import re

from ivr.sandbox import Sandbox


def test_boots_with_every_listed_module_and_no_errors(sandbox: Sandbox) -> None:
    from ivr.sandbox.config import MODULES

    shown = sandbox.cli("module show like .so")
    loaded = set(re.findall(r"^(\S+\.so)\s", shown, re.M))
    assert set(MODULES) <= loaded, set(MODULES) - loaded
    boot_log = sandbox.log_tail(10_000)
    assert not [l for l in boot_log.splitlines() if " ERROR[" in l]


def test_runs_asterisk_22(sandbox: Sandbox) -> None:
    assert sandbox.cli("core show version").startswith("Asterisk 22.")


def test_two_sandboxes_coexist_on_their_own_ports(sandbox: Sandbox, make_sandbox) -> None:
    other = make_sandbox()
    assert other.ports.ami != sandbox.ports.ami and other.ports.sip != sandbox.ports.sip
    assert other.dialplan_dir != sandbox.dialplan_dir
    assert "fully booted" in other.cli("core waitfullybooted")
    assert sandbox.running() and other.running()
    other.stop()
    assert not other.running() and sandbox.running()
