"""`build`: compiles the pages into AW_WEB_DIR once, with bun and node; `serve` checks it.

Reflex's build puts the URL the pages open their websocket to into them: here the public URL,
which is where agents' browsers reach the workspace (behind a TLS proxy, its https address).
So a build is for one public URL and one version of the code; its stamp (`build.json`) says
which, and `serve` refuses a build that is for another (rather than pages that cannot connect,
or that were compiled for other state classes). The build runs in a scratch folder, so it
writes nothing into the checkout or the installed package, and replaces AW_WEB_DIR whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

from agent_workspace.config import Settings, env_file
from agent_workspace.sources import PACKAGE_DIR, PROJECT_FILES, SOURCE_ROOT, import_path

STAMP = "build.json"
TOOLS_HINT = (
    "bun and node 22 (e.g. `npm install --prefix /opt/agent-workspace/build-tools "
    "bun@1.4.5 node@22`, then put /opt/agent-workspace/build-tools/node_modules/.bin on PATH)"
)
# Reflex compiles only these of the project files; the migrations do not change the pages.
FRONTEND_FILES = tuple(name for name in PROJECT_FILES if name != "alembic")
SKIPPED = ("__pycache__", ".pyc")


def build(settings: Settings, *, force: bool = False) -> int:
    """Builds the frontend for the settings' public URL into AW_WEB_DIR, unless the build
    there is already for this URL and this code (`force` builds anyway); 0 once it is there."""
    web_dir = settings.web_dir.absolute()
    wanted = stamp(settings)
    if not force and _read_stamp(web_dir) == wanted:
        print(f"The frontend in {web_dir} is up to date (built for {wanted['public_url']}).")
        return 0
    path = tool_path()
    missing = [tool for tool in ("bun", "node") if shutil.which(tool, path=path) is None]
    if missing:
        print(
            f"agent_workspace: build needs {' and '.join(missing)} on PATH: install {TOOLS_HINT}",
            file=sys.stderr,
        )
        return 1
    with tempfile.TemporaryDirectory(prefix="agent-workspace-build-") as scratch:
        work = Path(scratch)
        for name in FRONTEND_FILES:
            _copy(SOURCE_ROOT / name, work / name)
        done = subprocess.run(
            [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip"],
            cwd=work,
            env=_build_env(work, settings.public_base_url, path),
            check=False,
        )
        if done.returncode != 0:
            print(
                f"agent_workspace: the frontend build failed; {web_dir} is unchanged.",
                file=sys.stderr,
            )
            return 1
        _install(work / ".web", web_dir, wanted)
    print(f"Built the frontend for {wanted['public_url']} into {web_dir}.")
    return 0


def serving_problem(settings: Settings) -> str | None:
    """Why `serve` cannot serve the build in AW_WEB_DIR, saying what to run; None if it can."""
    web_dir = settings.web_dir.absolute()
    built = _read_stamp(web_dir)
    run = "run `agent-workspace build` (README, Production)"
    if built is None:
        return f"no frontend is built in {web_dir} (AW_WEB_DIR): {run}"
    wanted = stamp(settings)
    if built.get("public_url") != wanted["public_url"]:
        return (
            f"the frontend in {web_dir} was built for {built.get('public_url')}, not for "
            f"AW_PUBLIC_BASE_URL {wanted['public_url']} (its pages connect to the URL they "
            f"were built for): {run}"
        )
    if built.get("source") != wanted["source"]:
        return f"the frontend in {web_dir} was built from other code than this install's: {run}"
    return None


def stamp(settings: Settings) -> dict[str, str]:
    """What a build is for: the public URL in its pages and the code they were compiled from."""
    return {"public_url": settings.public_base_url.rstrip("/"), "source": source_fingerprint()}


def source_fingerprint() -> str:
    """A digest of everything the pages are compiled from: this package, the Reflex project
    files and Reflex's version."""
    digest = hashlib.sha256(f"reflex {version('reflex')}\n".encode())
    for root, path in _frontend_sources():
        digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def tool_path() -> str:
    """PATH for the build: in a checkout, .tools first (the bun and node 22 scripts/bootstrap.sh
    installs); then PATH (an install's build tools); then this Python's own folder."""
    bundled = SOURCE_ROOT / ".tools" / "node_modules" / ".bin"
    here = Path(sys.executable).parent
    return os.pathsep.join([str(bundled), os.environ.get("PATH", ""), str(here)])


def _frontend_sources() -> Iterator[tuple[Path, Path]]:
    roots = [(PACKAGE_DIR, PACKAGE_DIR)]
    if not SOURCE_ROOT.is_relative_to(PACKAGE_DIR):
        roots += [(SOURCE_ROOT, SOURCE_ROOT / name) for name in FRONTEND_FILES]
    for root, top in roots:
        found = [top] if top.is_file() else sorted(top.rglob("*"))
        for path in found:
            if path.is_file() and not any(part.endswith(SKIPPED) for part in path.parts):
                yield root, path


def _build_env(work: Path, public_url: str, path: str) -> dict[str, str]:
    settings_file = env_file()
    return {
        **os.environ,
        **({"AW_ENV_FILE": str(settings_file)} if settings_file else {}),
        "PATH": path,
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": import_path(),
        # The pages open their websocket to the public URL (ARCHITECTURE.md: behind a proxy).
        "REFLEX_API_URL": public_url.rstrip("/"),
        "REFLEX_DEPLOY_URL": public_url.rstrip("/"),
        # Everything Reflex writes goes into the scratch folder.
        "REFLEX_WEB_WORKDIR": str(work / ".web"),
        "REFLEX_STATES_WORKDIR": str(work / ".states"),
        "REFLEX_UPLOADED_FILES_DIR": str(work / "uploaded_files"),
        "REFLEX_DIR": str(work / ".reflex"),
    }


def _install(web: Path, web_dir: Path, wanted: dict[str, str]) -> None:
    """Swaps the new build in whole: a failed copy leaves the old one where it was."""
    web_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = web_dir.with_name(f".{web_dir.name}.new")
    old = web_dir.with_name(f".{web_dir.name}.old")
    for stale in (staging, old):
        shutil.rmtree(stale, ignore_errors=True)
    shutil.copytree(web / "build" / "client", staging / "client")
    shutil.copytree(web / "backend", staging / "backend")
    (staging / STAMP).write_text(json.dumps(wanted, indent=2) + "\n")
    if web_dir.exists():
        web_dir.rename(old)
    staging.rename(web_dir)
    shutil.rmtree(old, ignore_errors=True)


def _read_stamp(web_dir: Path) -> dict[str, str] | None:
    try:
        found = json.loads((web_dir / STAMP).read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(*(f"*{s}" for s in SKIPPED)))
    else:
        shutil.copy2(source, target)
