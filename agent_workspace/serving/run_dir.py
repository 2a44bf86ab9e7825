"""The folder `serve` runs Reflex's web server in: a private copy of the build and of the
Reflex config, with the folders Reflex writes to (page state without Redis, its upload
marker), made at start and removed when serve ends.

So serve writes nothing into the checkout, the installed package or AW_WEB_DIR (which may be
read-only to the service), and a `build` while it runs changes nothing under it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from agent_workspace.config import env_file
from agent_workspace.sources import RXCONFIG, import_path


@contextmanager
def run_dir(web_dir: Path) -> Iterator[Path]:
    """A fresh folder (under TMPDIR) holding what Reflex reads and writes while serving."""
    root = Path(tempfile.mkdtemp(prefix="agent-workspace-"))
    try:
        shutil.copy2(RXCONFIG, root / "rxconfig.py")
        shutil.copytree(web_dir / "client", root / ".web" / "build" / "client")
        shutil.copytree(web_dir / "backend", root / ".web" / "backend")
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def reflex_env(root: Path) -> dict[str, str]:
    """Where Reflex finds the build and keeps its own files, and the settings file, for a
    web server started in `root` (which holds no `.env` of its own)."""
    settings_file = env_file()
    return {
        **({"AW_ENV_FILE": str(settings_file)} if settings_file else {}),
        "REFLEX_WEB_WORKDIR": str(root / ".web"),
        "REFLEX_STATES_WORKDIR": str(root / ".states"),
        "REFLEX_UPLOADED_FILES_DIR": str(root / "uploaded_files"),
        "REFLEX_DIR": str(root / ".reflex"),
        "REFLEX_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": import_path(),
    }
