"""`ivrctl asterisk bundle`: an Asterisk configured from the bundle alone, running as its own
user, takes the hotline from an empty start (first reload) to a balance lookup."""
from __future__ import annotations

import asyncio
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline.assembly import AsteriskSite, assemble
from hotline.asterisk_bundle import PLACEHOLDER
from hotline.cli import main
from hotline.db.migrate import upgrade
from hotline.db.seed import seed_demo
from hotline.settings import Settings
from ivr.ami import AmiClient, AmiSettings
from ivr.dialplan.live_asterisk import reload_module
from ivr.sandbox.calls import place_call
from ivr.sandbox.ports import free_tcp_port
from tests.bundle.admin_asterisk import AdminAsterisk
from tests.selfservice_calls.caller import Caller, flat, said_number
from tests.support.events import EventLog
from tests.support.site import CATALOG, REPO

PERSON, PIN = "450203197202294533", "802467"  # seed person 4: pension 0.00, medical 1000.00
LANGUAGES = {"zh", "zh_yue", "zh_hak", "zh_gl", "za"}

pytestmark = pytest.mark.asterisk


def read_env(path: Path) -> dict[str, str]:
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


@pytest.fixture
def site(tmp_path: Path, clipped_sounds: Path) -> Settings:
    """The checkout's config with short prompts (20 ms clips of the built ones) and its own var."""
    prompts = tmp_path / "prompts"
    (prompts / "build").mkdir(parents=True)
    shutil.copy(CATALOG, prompts / "catalog.yaml")
    shutil.copytree(clipped_sounds, prompts / "build" / "sounds")
    for path in (prompts / "build" / "sounds").rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)  # as a root umask builds them
    return Settings.for_site(REPO, var_dir=tmp_path / "var", prompts_dir=prompts, agi_port=free_tcp_port())


@pytest.fixture
def admin(asterisk_root: Path, site: Settings, tmp_path: Path) -> Iterator[tuple[AdminAsterisk, Path]]:
    box = AdminAsterisk.create(asterisk_root)
    bundle = tmp_path / "bundle"
    made = CliRunner().invoke(main, ["asterisk", "bundle", str(bundle), "--etc-dir", str(box.etc),
                                     "--data-dir", str(box.data), "--ami-port", str(box.ami_port)], obj=site)
    assert made.exit_code == 0, made.output
    caller_context = (REPO / "tests" / "dialplans" / "test-foundation.conf").read_text()
    box.install(bundle, extra_dialplan=caller_context)
    try:
        box.start()
        yield box, bundle
    finally:
        box.remove()


def test_the_bundle_has_every_language_readable_and_the_secrets_private(tmp_path, site):
    bundle = tmp_path / "out"
    site.sip_secrets_path.parent.mkdir(parents=True)
    site.sip_secrets_path.write_text("1001 = s3cret-of-1001\n")
    site.sip_secrets_path.chmod(0o600)
    made = CliRunner().invoke(main, ["asterisk", "bundle", str(bundle)], obj=site)
    assert made.exit_code == 0, made.output
    assert "no secret for 1002" in made.stderr and "1001," not in made.stderr
    pjsip = (bundle / "etc" / "pjsip-hotline.conf").read_text()
    assert "[1001]" in pjsip and "s3cret-of-1001" in pjsip and "[1002]" not in pjsip
    assert stat.S_IMODE((bundle / "etc" / "pjsip-hotline.conf").stat().st_mode) == 0o640
    assert {path.name for path in (bundle / "sounds").iterdir()} == LANGUAGES
    for path in (bundle / "sounds").rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path
    assert stat.S_IMODE((bundle / "hotline.env").stat().st_mode) == 0o600
    env = read_env(bundle / "hotline.env")
    manager = (bundle / "etc" / "manager-hotline.conf").read_text()
    assert f"secret = {env['HOTLINE_AMI_SECRET']}" in manager
    assert "permit = 127.0.0.1/255.255.255.255" in manager and "writetimeout" in manager
    assert "eventfilter(name(UserEvent),header(UserEvent),method(starts_with)) = Hotline" in manager
    extensions = (bundle / "etc" / "extensions-hotline.conf").read_text()
    assert "[globals]\nHOTLINE_AGI = agi://127.0.0.1:" in extensions
    assert (bundle / "etc" / "hotline" / PLACEHOLDER).exists()
    assert {p.name for p in (bundle / "etc" / "hotline").glob("hotline-*.conf")} == \
        {p.name for p in (REPO / "dialplans").glob("*.conf")}
    assert "load => res_agi.so" in (bundle / "etc" / "modules-hotline.conf").read_text()


async def test_an_asterisk_set_up_from_the_bundle_runs_a_balance_lookup(admin, site: Settings, tmp_path) -> None:
    box, bundle = admin
    assert box.uid() != 0, "Asterisk must run as its own user"
    env = read_env(bundle / "hotline.env")
    # ops changed the longest hold after the bundle was made (its [globals] say 1200)
    config = tmp_path / "config"
    shutil.copytree(site.config_dir, config)
    callbacks = config / "callbacks.yaml"
    callbacks.write_text(callbacks.read_text().replace("max_hold_s: 1200", "max_hold_s: 900"))
    settings = site.replace(config_dir=config, asterisk_mode="external", ami_port=box.ami_port, ami_username=env["HOTLINE_AMI_USERNAME"],
                            ami_secret=env["HOTLINE_AMI_SECRET"], dialplan_live_dir=box.live_dir, staged_check="never")
    database = settings.database()
    upgrade(database.resolved_url())
    seed_demo(database.resolved_url(), database.id_key(), database.pin_key())

    # A first reload into a live directory holding only what the bundle put there.
    reloaded = await asyncio.to_thread(CliRunner().invoke, main, ["dialplan", "reload"], obj=settings)
    assert reloaded.exit_code == 0, reloaded.output + box.log_tail()
    assert reloaded.stdout.startswith("ok: dialplan reload version")

    hotline = assemble(settings, AsteriskSite(ami=settings.ami(), dialplan_live_dir=box.live_dir, messages_dir=None),
                       agi_port=settings.agi_port)
    await hotline.start()
    try:
        await hotline.service.wait_ready(10)
        async with caller_line(box.tester()) as (ami, events):
            # clearglobalvars = yes: a reload empties the globals; the dialplan file gives its own
            # back at once (HOTLINE_AGI), and the service sets its own again
            await until_global(ami, "HOTLINE_MAX_HOLD_S", "900")  # set by the service as it connected
            await reload_module(ami, "pbx_config")  # the file's 1200 for a moment
            await until_global(ami, "HOTLINE_MAX_HOLD_S", "900")
            call = await place_call(ami, caller_context="test-caller", context="hotline-entry",
                                    variables={"CALLER_HOLD": "60"})
            caller = Caller(ami, events, call)
            await caller.on("menu_language", "1")
            await caller.on("menu_main", "1")
            await caller.on("menu_pension", "1")
            await caller.on("enter_id_number", PERSON + "#")
            await caller.on("enter_pin", PIN + "#")
            await caller.on("balance_options", "*")
            start = caller.heard().index("balance_intro")
            expected = flat(["balance_intro", "balance_pension", "digits/0", "yuan",
                             "balance_medical", said_number(1000), "yuan"])
            assert caller.heard()[start:start + len(expected)] == expected
            await caller.hang_up()
    finally:
        await hotline.stop()


async def until_global(ami: AmiClient, name: str, value: str, timeout: float = 5.0) -> None:
    # Asterisk sends no event when a global is set: ask until it reads `value`, bounded
    deadline = asyncio.get_running_loop().time() + timeout
    while (seen := (await ami.send({"Action": "Getvar", "Variable": name})).get("Value")) != value:
        assert asyncio.get_running_loop().time() < deadline, f"{name} is {seen!r}, not {value!r}"
        await asyncio.sleep(0.05)


class caller_line:
    """A test's own AMI connection to the admin's Asterisk, recording events."""

    def __init__(self, settings: AmiSettings) -> None:
        self.ami = AmiClient(settings)

    async def __aenter__(self) -> tuple[AmiClient, EventLog]:
        await self.ami.connect()
        self.log = EventLog(self.ami)
        self.log.__enter__()
        return self.ami, self.log

    async def __aexit__(self, *exc: object) -> None:
        self.log.__exit__(None, None, None)
        await self.ami.close()

