"""Where the files the workspace needs beside its code are: in a checkout, at its root; in an
installed package (`pip install .`), in the copies it carries (setup.py puts them there).

They are the Reflex project (`rxconfig.py`, `assets/`, `reflex.lock/`), which `build` compiles
and `serve` reads its config from, and the Alembic migrations `migrate` applies. A package
installed outside a checkout has no project root to find them in.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic.config import Config

PACKAGE_DIR = Path(__file__).resolve().parent
# The folder setup.py copies the project files into, inside the installed package.
CARRIED = "_project"
# What setup.py copies; the checkout keeps them at its root.
PROJECT_FILES = ("rxconfig.py", "assets", "reflex.lock", "alembic")


def _source_root() -> Path:
    checkout = PACKAGE_DIR.parent
    if (checkout / "rxconfig.py").is_file() and (checkout / "alembic" / "env.py").is_file():
        return checkout
    return PACKAGE_DIR / CARRIED


SOURCE_ROOT = _source_root()
MIGRATIONS = SOURCE_ROOT / "alembic"
RXCONFIG = SOURCE_ROOT / "rxconfig.py"
# How an operator runs the CLI here: in a checkout its module, in an install the command
# `pip install` made (the system python there has no such module).
CLI = "python -m agent_workspace.cli" if PACKAGE_DIR.parent == SOURCE_ROOT else "agent-workspace"


def cli_command(args: str) -> str:
    """The command line that runs `args` of the CLI, as the operator types it here."""
    return f"{CLI} {args}"


def import_path() -> str:
    """PYTHONPATH for a Reflex process started outside the checkout (a build's scratch folder,
    serve's run folder): Reflex looks for the app module in sys.path's folders only, so an
    editable install (a checkout, as the run and test commands make) is found there too; the
    folder that holds this package leads, then whatever PYTHONPATH was."""
    return os.pathsep.join(p for p in (str(PACKAGE_DIR.parent), os.environ.get("PYTHONPATH")) if p)


def migration_config(database_url: str | None = None) -> Config:
    """Alembic's settings for this version's migrations, wherever they are (checkout or package):
    `migrate` applies them and the health checks compare the database with their heads."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if database_url is not None:
        config.set_main_option("sqlalchemy.url", database_url)
    return config
