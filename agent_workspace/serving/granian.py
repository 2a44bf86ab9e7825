"""`python -m agent_workspace.serving.granian --host H --port P`: Reflex's production web
server (Granian, GRANIAN_WORKERS processes) on a frontend built beforehand.

This is what `reflex run --env prod` does once its compile and its bun/node build are done:
the workers skip compiling and serve the built pages beside the app. It runs in the folder
serve made (run_dir.py), whose rxconfig.py Reflex reads. Reflex's internal switches are set
only here, through its own environment API.
"""

from __future__ import annotations

import argparse

from reflex.utils import exec as reflex_exec
from reflex_base import constants
from reflex_base.config import get_config
from reflex_base.environment import environment


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m agent_workspace.serving.granian")
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.set(True)
    level = get_config().loglevel.subprocess_level()  # type: ignore[no-untyped-call]
    reflex_exec.run_granian_backend_prod(args.host, args.port, level)


if __name__ == "__main__":
    main()
