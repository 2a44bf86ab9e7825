"""Setting up from nothing, for scripted installs: `create-channel`, `update-channel`,
`add-number` and `import-people` (see README, "Set up from nothing").

Each runs the service the Administration page runs, with the same checks and messages, and is
recorded in the audit log as done by the system through the CLI.
"""

from __future__ import annotations

import argparse

from agent_workspace.domain.phone import display_phone
from agent_workspace.services.access import CLI
from agent_workspace.services.channels import numbers, setup
from agent_workspace.services.channels.setup import ChannelSummary


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds the set-up commands to the CLI's subcommands."""
    create = sub.add_parser(
        "create-channel",
        help="create the SMS channel (and its first sending number)",
        allow_abbrev=False,
    )
    create.add_argument("name", help='what agents and admins call it, e.g. "Support SMS"')
    create.add_argument(
        "--region", required=True, help="where numbers without a country code are read, e.g. US"
    )
    create.add_argument("--number", default="", help="its first sending number (E.164)")
    create.add_argument("--label", default="", help='the number\'s label, e.g. "Support line"')
    create.set_defaults(handler=_create_channel)

    update = sub.add_parser(
        "update-channel", help="rename the SMS channel or change its region", allow_abbrev=False
    )
    update.add_argument("--name")
    update.add_argument("--region")
    update.set_defaults(handler=_update_channel)

    add = sub.add_parser(
        "add-number", help="add a sending number to the SMS channel", allow_abbrev=False
    )
    add.add_argument("number", help="E.164, e.g. +14155550100 (or in the channel's region)")
    add.add_argument("--label", default="")
    add.set_defaults(handler=_add_number)


def _shown(channel: ChannelSummary) -> str:
    return f"{channel.name} (default region {channel.region})"


def _create_channel(args: argparse.Namespace) -> int:
    made = setup.create_sms_channel(
        actor=None,
        name=args.name,
        region=args.region,
        number=args.number,
        label=args.label,
        via=CLI,
    )
    print(f"Created the SMS channel {_shown(made)}.")
    if args.number.strip():
        print(f"Agents can send from {numbers.load_numbers()[0].shown}.")
    else:
        print("Add the number agents send from: python -m agent_workspace.cli add-number E164")
    return 0


def _update_channel(args: argparse.Namespace) -> int:
    status = setup.setup_status(actor=None, via=CLI)
    if status.channel is None:
        print("No SMS channel yet: create it with create-channel NAME --region REGION.")
        return 1
    changed = setup.update_sms_channel(
        actor=None,
        name=status.channel.name if args.name is None else args.name,
        region=status.channel.region if args.region is None else args.region,
        via=CLI,
    )
    print(f"The SMS channel is {_shown(changed)}.")
    return 0


def _add_number(args: argparse.Namespace) -> int:
    added = numbers.add_number(actor=None, number=args.number, label=args.label, via=CLI)
    print(f"Added {added.shown}; agents can send from it now.")
    if not added.label:
        print(f"(no label: agents see {display_phone(added.e164)})")
    return 0
