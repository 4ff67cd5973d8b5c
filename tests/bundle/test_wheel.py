"""The hotline as a package, not a checkout: the wheel, installed into a fresh venv, creates a
site elsewhere (`ivrctl init`), checks it, bundles an Asterisk, and runs against it."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ivr.sandbox.ports import free_tcp_port
from tests.bundle.admin_asterisk import AdminAsterisk
from tests.bundle.test_bundle import read_env
from tests.support.site import REPO

PYTHON_313 = Path("/root/.pyenv/versions/3.13.0/bin/python3")
SHIPPED = ("config/hotline.yaml", "config/agents.yaml", "config/calendar", "dialplans/hotline-agent.conf",
           "prompts/catalog.yaml", "contrib/hotline.service", "contrib/hotline.env.example")


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once a session, from a copy of the checkout (the build writes build/ and egg-info),
    with the test venv's setuptools (no network, no isolated build environment to install)."""
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("wheel-build")
    shutil.copytree(REPO, build / "src", ignore=shutil.ignore_patterns(
        ".venv", ".git", "var", "build", "test-artifacts", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis",
        "prompts/build"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(build / "src")], check=True, capture_output=True)
    return next(out.glob("hotline12333-*.whl"))


def test_the_wheel_carries_the_site_files_and_the_313_dependency(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    for shipped in SHIPPED:
        assert any(name.startswith(f"hotline/_shipped/{shipped}") for name in names), shipped
    assert any(name.startswith("hotline/db/migrations/versions/") for name in names)
    assert not any(name.startswith(("bench/", "tests/")) for name in names)  # development tools stay home
    assert "Requires-Dist: audioop-lts>=0.2; python_version >= \"3.13\"" in metadata


@pytest.fixture
def fresh(wheel: Path) -> Iterator[Path]:
    """A fresh venv with only the wheel installed; its dependencies are the test venv's own,
    added as a plain path (not the checkout: the editable install's finder is not loaded)."""
    home = Path(tempfile.mkdtemp(prefix="hotline-wheel-"))
    home.chmod(0o755)  # the service runs as another user and must read its venv
    try:
        venv.create(home / "venv", with_pip=False)
        subprocess.run([sys.executable, "-m", "pip", "--python", str(home / "venv/bin/python"), "install", "-q",
                        "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True)
        site_packages = next((home / "venv/lib").glob("python3*/site-packages"))
        ours = next(Path(p) for p in sys.path if p.endswith("site-packages") and Path(p, "fastapi").is_dir())
        (site_packages / "zz-test-dependencies.pth").write_text(f"{ours}\n")
        yield home
    finally:
        shutil.rmtree(home, ignore_errors=True)


def ivrctl(home: Path, env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(home / "venv/bin/ivrctl"), *args], cwd=home, env=env, capture_output=True, text=True,
                          timeout=60)
    if check and done.returncode != 0:
        raise AssertionError(f"ivrctl {' '.join(args)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return done


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:  # a readiness probe, as a load balancer would do it
        if process.poll() is not None:
            raise AssertionError(f"ivrctl run exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.load(response)
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise AssertionError(f"{url} not healthy within {timeout} s")


@pytest.mark.asterisk
def test_the_installed_wheel_runs_a_site_against_a_bundled_asterisk(fresh: Path, asterisk_root: Path,
                                                                     clipped_sounds: Path) -> None:
    site = fresh / "site"
    base_env = {"PATH": os.environ["PATH"], "HOME": str(fresh), "LANG": "C.UTF-8"}
    ivrctl(fresh, base_env, "init", str(site))
    assert (site / "config" / "hotline.yaml").is_file() and (site / "hotline.service").is_file()
    env = {**base_env, "HOTLINE_SITE_DIR": str(site), "HOTLINE_AGI_PORT": str(free_tcp_port()),
           "HOTLINE_HTTP_PORT": str(free_tcp_port())}
    checked = ivrctl(fresh, env, "config", "check")
    assert "Traceback" not in checked.stderr
    shutil.copytree(clipped_sounds, site / "prompts" / "build" / "sounds")  # `ivrctl prompts build`, faster

    box = AdminAsterisk.create(asterisk_root)
    try:
        ivrctl(fresh, env, "asterisk", "bundle", str(fresh / "bundle"), "--etc-dir", str(box.etc),
               "--data-dir", str(box.data), "--ami-port", str(box.ami_port))
        box.install(fresh / "bundle")
        box.start()
        env.update(read_env(fresh / "bundle" / "hotline.env"))
        env["HOTLINE_DIALPLAN_LIVE_DIR"] = str(box.live_dir)  # the same directory, seen from this host
        ivrctl(fresh, env, "db", "upgrade")
        # as root here: the Asterisk root (and so the live directory) is under root's own home
        reloaded = ivrctl(fresh, env, "dialplan", "reload")
        assert reloaded.stdout.startswith("ok: dialplan reload"), reloaded.stdout + reloaded.stderr

        # the service as an unprivileged user (here: nobody): it reads its site, writes its var/
        nobody = 65534
        for path in [site / "var", *(site / "var").rglob("*")]:
            os.chown(path, nobody, nobody)
        as_nobody = ["setpriv", "--reuid", str(nobody), "--regid", str(nobody), "--clear-groups"]

        service = subprocess.Popen([*as_nobody, str(fresh / "venv/bin/ivrctl"), "run"], cwd=fresh, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            health = wait_healthy(f"http://127.0.0.1:{env['HOTLINE_HTTP_PORT']}/health", service)
            assert health["status"] == "ok", health
        finally:
            service.send_signal(signal.SIGINT)
            output = service.communicate(timeout=20)[0].decode(errors="replace")
        assert "Traceback" not in output, output
    finally:
        box.remove()


@pytest.mark.skipif(not PYTHON_313.exists(), reason=f"no Python 3.13 at {PYTHON_313} (pyenv)")
def test_prompt_conditioning_imports_on_python_313(wheel: Path, tmp_path: Path) -> None:
    """pydub imports audioop, which left the standard library in 3.13: the wheel's marker pulls
    audioop-lts in there, and the prompt pipeline's module imports and converts audio."""
    venv_dir = tmp_path / "py313"
    subprocess.run([str(PYTHON_313), "-m", "venv", "--without-pip", str(venv_dir)], check=True)
    python = venv_dir / "bin" / "python"
    with zipfile.ZipFile(wheel) as archive:
        requires = [line.split(": ", 1)[1] for line in archive.read(next(
            n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))).decode().splitlines()
            if line.startswith("Requires-Dist: ") and any(name in line for name in ("pydub", "audioop", "PyYAML", "pydantic>"))]
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]  # pip resolves for 3.13
    subprocess.run([*pip, *requires], check=True, capture_output=True)
    subprocess.run([*pip, "--no-deps", str(wheel)], check=True, capture_output=True)
    probe = ("import io, wave\n"
             "from ivr.prompts.audio import AudioSettings, condition\n"
             "from pydub.generators import Sine\n"
             "tone = Sine(440).to_audio_segment(duration=500).set_frame_rate(16000)\n"
             "out = condition(tone, AudioSettings())\n"
             "print(out.frame_rate, out.channels)\n")
    done = subprocess.run([str(python), "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["8000", "1"]
