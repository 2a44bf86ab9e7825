"""Account commands: `create-user`, `reset-password`, `deactivate-user`, `unlock-user` (see
README, "Real Twilio").

A password never travels on the command line, where `ps`, shell history and CI logs would keep
it: it is typed twice at a prompt that does not echo, or read as one line from stdin
(`--password-stdin`, for scripts and secret stores). Abbreviated options are off, so
`--password X` is an error rather than `--password-stdin` with X taken as another argument.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from agent_workspace.models import Role
from agent_workspace.services.accounts import users
from agent_workspace.services.errors import InvalidInput

VIA = "cli"


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds the account commands to the CLI's subcommands."""
    create = sub.add_parser(
        "create-user", help="create a user (the first admin, or anyone)", allow_abbrev=False
    )
    create.add_argument("username")
    create.add_argument("--name", required=True, help="display name shown to colleagues")
    create.add_argument(
        "--role",
        dest="roles",
        metavar="ROLE",
        action="append",
        required=True,
        type=_role,
        help=f"repeat for several; one of: {users.VALID_ROLES}",
    )
    create.add_argument("--email")
    _password_stdin_flag(create)
    create.set_defaults(handler=_create_user)

    reset = sub.add_parser(
        "reset-password", help="set a new password; signs the user out", allow_abbrev=False
    )
    reset.add_argument("username")
    _password_stdin_flag(reset)
    reset.set_defaults(handler=_reset_password)

    deactivate = sub.add_parser(
        "deactivate-user", help="stop a user signing in; signs them out", allow_abbrev=False
    )
    deactivate.add_argument("username")
    deactivate.set_defaults(handler=_deactivate_user)

    unlock = sub.add_parser(
        "unlock-user",
        help="lift a sign-in pause after failed tries (e.g. the only admin's)",
        allow_abbrev=False,
    )
    unlock.add_argument("username")
    unlock.set_defaults(handler=_unlock_user)


def _password_stdin_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password as one line from stdin instead of prompting",
    )


def _role(name: str) -> Role:
    try:
        return users.parse_role(name)
    except InvalidInput as error:
        raise argparse.ArgumentTypeError(error.message) from None


def read_password(*, from_stdin: bool, username: str) -> str:
    """One line from stdin, or the same password typed twice at a prompt that does not echo."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InvalidInput("No password on stdin (one line was expected).")
        return line.removesuffix("\n").removesuffix("\r")
    first = getpass.getpass(f"New password for {username}: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise InvalidInput("The passwords do not match; nothing changed.")
    return first


def _create_user(args: argparse.Namespace) -> int:
    password = read_password(from_stdin=args.password_stdin, username=args.username)
    view = users.add_user(
        username=args.username,
        display_name=args.name,
        password=password,
        roles=args.roles,
        email=args.email,
        via=VIA,
    )
    print(f"Created {view.username} ({', '.join(r.value for r in view.roles)}).")
    return 0


def _reset_password(args: argparse.Namespace) -> int:
    password = read_password(from_stdin=args.password_stdin, username=args.username)
    revoked = users.reset_password(username=args.username, password=password, via=VIA)
    print(f"New password set for {args.username.strip().lower()}; {_sessions(revoked)} ended.")
    return 0


def _deactivate_user(args: argparse.Namespace) -> int:
    name = args.username.strip().lower()
    done = users.deactivate_user(username=args.username, via=VIA)
    if done.changed:
        print(f"Deactivated {name}; they can no longer sign in.")
    else:
        print(f"{name} is already deactivated; nothing changed.")
    if done.open_interactions:
        numbers = ", ".join(row.number for row in done.open_interactions)
        print(f"Still assigned to {name}, to reassign: {numbers}.")
    return 0


def _unlock_user(args: argparse.Namespace) -> int:
    name = args.username.strip().lower()
    if users.unlock_user(username=args.username, via=VIA):
        print(f"Sign-in of {name} is no longer paused.")
    else:
        print(f"{name} was not paused; nothing changed.")
    return 0


def _sessions(count: int) -> str:
    return f"{count} session" + ("" if count == 1 else "s")
