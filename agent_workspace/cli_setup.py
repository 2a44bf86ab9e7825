"""Setting up from nothing, for scripted installs: `create-channel`, `update-channel`,
`add-number` and `import-people` (see README, "Set up from nothing").

Each runs the service the Administration page runs, with the same checks and messages, and is
recorded in the audit log as done by the system through the CLI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from agent_workspace.domain.people_csv import TARGET_NAMES, CsvProblem, guess_mapping, read_csv
from agent_workspace.domain.phone import display_phone
from agent_workspace.services.access import CLI
from agent_workspace.services.channels import numbers, setup
from agent_workspace.services.channels.setup import ChannelSummary
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.people import importing
from agent_workspace.sources import cli_command


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
    create.add_argument("--messaging-service", default="", help=_SERVICE_HELP)
    create.add_argument("--business-name", default="", help=_BUSINESS_HELP)
    create.set_defaults(handler=_create_channel)

    update = sub.add_parser(
        "update-channel",
        help="rename the SMS channel, change its region or its Messaging Service",
        allow_abbrev=False,
    )
    update.add_argument("--name")
    update.add_argument("--region")
    update.add_argument(
        "--messaging-service", help=_SERVICE_HELP + ' ("" sends from the chosen numbers again)'
    )
    update.add_argument("--business-name", help=_BUSINESS_HELP + ' ("" for none)')
    update.set_defaults(handler=_update_channel)

    add = sub.add_parser(
        "add-number", help="add a sending number to the SMS channel", allow_abbrev=False
    )
    add.add_argument("number", help="E.164, e.g. +14155550100 (or in the channel's region)")
    add.add_argument("--label", default="")
    add.set_defaults(handler=_add_number)

    people = sub.add_parser(
        "import-people",
        help="import consumers and contacts from a CSV file (all or nothing)",
        allow_abbrev=False,
    )
    people.add_argument("file", type=Path, help="UTF-8 CSV whose first row names the columns")
    people.add_argument(
        "--map",
        dest="mapping",
        metavar="FIELD=COLUMN",
        action="append",
        default=[],
        type=_mapped,
        help=f"which column feeds a field ({', '.join(TARGET_NAMES)}); "
        "unmapped fields are guessed from the column names",
    )
    people.set_defaults(handler=_import_people)


_BUSINESS_HELP = 'who a first text to a consumer says is writing, e.g. "Acme Support"'
_SERVICE_HELP = "the Twilio Messaging Service SID (MG...) texts go through; Twilio picks the sender"


def _mapped(text: str) -> tuple[str, str]:
    field, sep, column = text.partition("=")
    if not sep or field.strip() not in TARGET_NAMES:
        raise argparse.ArgumentTypeError(
            f"{text!r}: write FIELD=COLUMN with FIELD one of {', '.join(TARGET_NAMES)}"
        )
    return field.strip(), column.strip()


def _shown(channel: ChannelSummary) -> str:
    service = channel.messaging_service_sid
    return f"{channel.name} (default region {channel.region})" + (
        f", through Messaging Service {service}" if service else ""
    )


def _create_channel(args: argparse.Namespace) -> int:
    made = setup.create_sms_channel(
        actor=None,
        name=args.name,
        region=args.region,
        number=args.number,
        label=args.label,
        messaging_service_sid=args.messaging_service,
        business_name=args.business_name,
        via=CLI,
    )
    print(f"Created the SMS channel {_shown(made)}.")
    if args.number.strip():
        print(f"Agents can send from {numbers.load_numbers()[0].shown}.")
    else:
        print(f"Add the number agents send from: {cli_command('add-number E164')}")
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
        messaging_service_sid=args.messaging_service,
        business_name=args.business_name,
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


def _import_people(args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InvalidInput(f"{args.file} cannot be read: {error.strerror}.") from None
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"{args.file} is not UTF-8 text (byte {error.start + 1}); save it as CSV UTF-8."
        ) from None
    try:
        header = read_csv(text)[0]
    except CsvProblem:
        header = ()  # import_people says what is wrong with the file
    mapping = {**guess_mapping(header), **dict(args.mapping)} if header else None
    report = importing.import_people(
        actor=None, text=text, mapping=mapping, source=args.file.name, via=CLI
    )
    columns = ", ".join(f"{f}={c}" for f, c in report.mapping.items() if c)
    print(f"Columns: {columns}.")
    if report.refused:
        print(
            f"Nothing imported: {len(report.refused):,} of {report.rows:,} rows refused "
            "(fix them and import the file again):",
            file=sys.stderr,
        )
        for refusal in report.refused:
            print(f"  row {refusal.row}: {refusal.reason}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0
