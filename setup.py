"""Only the build step pyproject.toml cannot say: what ships with the wheel besides the code.

The checkout's config templates, hand-written dialplans, prompt catalog (and the recordings
that ship) and contrib files are copied into the wheel as package data under
hotline/_shipped/, where hotline.shipped finds them outside a checkout. An editable install
reads them from the checkout itself.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("config", "dialplans", "prompts/catalog.yaml", "prompts/recordings", "contrib")  # = hotline.shipped.SHIPPED


class BuildWithSiteData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "hotline" / "_shipped"
        for name in SHIPPED:
            source, copy = HERE / name, target / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, copy, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(source, copy)


setup(cmdclass={"build_py": BuildWithSiteData})
