"""Packages the files the workspace needs beside its code (agent_workspace/sources.py).

A checkout keeps the Reflex project (rxconfig.py, assets/, reflex.lock/) and the migrations
(alembic/) at its root, beside the package. `pip install .` copies them into the installed
package as `agent_workspace/_project/`, so an install needs no checkout to migrate, build or
serve. An editable install (development) reads them from the checkout instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
PROJECT_FILES = ("rxconfig.py", "assets", "reflex.lock", "alembic")  # = sources.PROJECT_FILES
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc")


class BuildWithProjectFiles(build_py):
    """The package's modules, and a copy of the project files inside it."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        carried = Path(self.build_lib) / "agent_workspace" / "_project"
        shutil.rmtree(carried, ignore_errors=True)
        carried.mkdir(parents=True)
        for name in PROJECT_FILES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, carried / name, ignore=SKIPPED)
            else:
                shutil.copy2(source, carried / name)


setup(cmdclass={"build_py": BuildWithProjectFiles})
