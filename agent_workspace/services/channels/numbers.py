"""The SMS channel's provider numbers (its From numbers): added, relabelled and removed by admins.

A removed number is kept, inactive: messages name it and an inbound text to it still finds its
channel; adding it again brings it back. The channel is never left without a number to send
from: the last one cannot be removed, and the channel row is locked while that is checked, so
two admins removing the last two numbers at once leave one. Every change publishes
ChannelChanged after commit, so open composers' From lists follow.

It is also the one home of "which channel owns this number": the inbound route asks it once per
text (from memory after the first read), and the channel found travels with the text from there.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.config import get_settings
from agent_workspace.db.engine import get_engine, reading, transaction
from agent_workspace.domain.inputs import is_row_id
from agent_workspace.domain.phone import PhoneOk, display_phone, parse_phone
from agent_workspace.models import Channel, ChannelKind, ProviderNumber, Role
from agent_workspace.services import events
from agent_workspace.services.access import Actor, admin_or_cli, require_role
from agent_workspace.services.audit import AuditAction, record, save_and_record
from agent_workspace.services.channels.settings import ChannelView, sms_channel
from agent_workspace.services.errors import FieldProblems, InvalidInput, NotFound

MAX_LABEL = 80
NO_CHANNEL_YET = (
    "There is no SMS channel yet: create it first (Administration, SMS channel), "
    "then add its numbers."
)


@dataclass(frozen=True)
class NumberOwner:
    """The channel a provider number belongs to, with the profile resolver an administrator
    chose for it (None: the deployment's default) and whether its after-hours auto-reply is
    on (services/inbound/after_hours.py: read only then)."""

    channel_id: int
    resolver: str | None
    after_hours: bool = False


_known: dict[tuple[str, str], int] = {}
_PN: sa.Table = ProviderNumber.__table__  # type: ignore[attr-defined]
_CH: sa.Table = Channel.__table__  # type: ignore[attr-defined]
_OWNER = (
    sa.select(_PN.c.channel_id, _CH.c.profile_resolver, _CH.c.after_hours_reply)
    .join(_CH, _CH.c.id == _PN.c.channel_id)
    .where(_PN.c.e164 == sa.bindparam("e164"))
)


def owner_in(session: Session, e164: str) -> NumberOwner | None:
    """The channel of a provider number, read in the caller's transaction (a second connection
    could wait for the SQLite write lock this one holds); None when it is none of ours."""
    found = session.execute(_OWNER, {"e164": e164}).first()
    if found is None:
        return None
    return NumberOwner(found.channel_id, found.profile_resolver, found.after_hours_reply)


def cached_channel(e164: str, engine: Engine | None = None) -> int | None:
    """The channel of a provider number if it is in memory; never touches the database.

    A provider number is never deleted nor moved (a removed one stays, inactive, and still
    receives), so a number once found stays true; a miss reads again (channel_of), since another
    worker may just have added it. ChannelChanged clears the memory anyway, and tests clear it
    with the engine cache. The resolver is not kept: an administrator changes it at any time.
    """
    return _known.get((_where(engine), e164))


def channel_of(e164: str, engine: Engine | None = None) -> int | None:
    """The channel of a provider number, or None when it is none of ours (a blocking read on a
    miss)."""
    key = (_where(engine), e164)
    if (known := _known.get(key)) is not None:
        return known
    with reading(engine) as session:
        owner = owner_in(session, e164)
    if owner is None:
        return None
    _known[key] = owner.channel_id
    return owner.channel_id


def forget() -> None:
    _known.clear()


def _where(engine: Engine | None) -> str:
    return str((engine or get_engine()).url)


def _on_event(event: events.Event) -> None:
    if isinstance(event, events.ChannelChanged):
        forget()


events.subscribe(_on_event)


@dataclass(frozen=True)
class NumberView:
    id: int
    e164: str
    label: str

    @property
    def shown(self) -> str:
        """How a From list names it: "Support line (+1 415-555-0100)"."""
        number = display_phone(self.e164)
        return f"{self.label} ({number})" if self.label else number


def list_numbers(*, actor: Actor | None, engine: Engine | None = None) -> list[NumberView]:
    """The channel's active numbers, for the administration page (none before the channel)."""
    require_role(actor, Role.ADMIN)
    with reading(engine) as session:
        channel_id = session.exec(
            select(Channel.id).where(Channel.kind == ChannelKind.SMS).order_by(col(Channel.id))
        ).first()
        return _active(session, channel_id) if channel_id is not None else []


def sending_numbers(*, actor: Actor | None, engine: Engine | None = None) -> list[NumberView]:
    """The numbers an agent may send from now (a composer's From list)."""
    require_role(actor, Role.AGENT)
    return load_numbers(engine=engine)


def load_numbers(*, engine: Engine | None = None) -> list[NumberView]:
    """The active numbers, unchecked (the CLI says the first)."""
    with reading(engine) as session:
        return _active(session, sms_channel(session).id)


@dataclass(frozen=True)
class SendingSetup:
    """What a composer's From follows live: the numbers, and whether Twilio picks among them
    (the channel sends through a Messaging Service: no From to choose)."""

    numbers: tuple[NumberView, ...]
    via_service: bool


def sending_setup(*, actor: Actor | None, engine: Engine | None = None) -> SendingSetup:
    """The composer's From as the channel has it now, for an agent."""
    require_role(actor, Role.AGENT)
    return load_sending(engine=engine)


def load_sending(*, engine: Engine | None = None) -> SendingSetup:
    """Unchecked read for the live notifier, which pushes only to agents' composers."""
    with reading(engine) as session:
        channel = sms_channel(session)
        numbers = tuple(_active(session, channel.id))
        return SendingSetup(numbers, bool(channel.messaging_service_sid))


def add_number(
    *,
    actor: Actor | None,
    number: str,
    label: str,
    via: str | None = None,
    engine: Engine | None = None,
) -> NumberView:
    """Adds a From number (any common notation, read in the channel's region, stored E.164);
    a removed one comes back. The CLI adds one as the system (`actor=None, via="cli"`)."""
    admin = admin_or_cli(actor, via)
    with transaction(engine) as session:
        return add_to_channel(session, _locked_channel(session), admin, number, label, via)


def add_to_channel(
    session: Session, channel: Channel, admin: Actor | str, number: str, label: str, via: str | None
) -> NumberView:
    """`add_number` in the caller's transaction, on the channel row it has locked (creating the
    channel adds its first number in the same transaction)."""
    assert channel.id is not None
    e164, label = _checked(number, label, channel.default_region)
    found = session.exec(select(ProviderNumber).where(ProviderNumber.e164 == e164)).first()
    if found is not None and (found.is_active or found.channel_id != channel.id):
        where = "this channel" if found.channel_id == channel.id else "another channel"
        raise FieldProblems(
            {"number": f"{display_phone(e164)} is already a sending number of {where}."}
        )
    if found is None:
        found = ProviderNumber(channel_id=channel.id, e164=e164, label=label)
    found.is_active, found.label = True, label
    detail = {"number": e164, "label": label}
    save_and_record(
        session=session,
        actor=admin,
        action=AuditAction.CHANNEL_NUMBER_ADDED,
        entity=found,
        detail=detail,
        via=via,
    )
    events.after_commit(session, events.ChannelChanged())
    return _view(found)


def relabel_number(
    *, actor: Actor | None, number_id: int, label: str, engine: Engine | None = None
) -> NumberView:
    """Renames a number as agents see it; the same label again changes nothing."""
    admin = require_role(actor, Role.ADMIN)
    label = _checked_label(label)
    with transaction(engine) as session:
        _locked_channel(session)
        found = _active_number(session, number_id)
        if found.label == label:
            return _view(found)
        before, found.label = found.label, label
        session.add(found)
        record(
            session=session,
            actor=admin,
            action=AuditAction.CHANNEL_NUMBER_RELABELLED,
            entity=found,
            detail={"number": found.e164, "before": before, "after": label},
        )
        events.after_commit(session, events.ChannelChanged())
        return _view(found)


def remove_number(*, actor: Actor | None, number_id: int, engine: Engine | None = None) -> str:
    """Stops agents sending from a number; returns it. Refused for the channel's last one."""
    admin = require_role(actor, Role.ADMIN)
    with transaction(engine) as session:
        channel = _locked_channel(session)
        found = _active_number(session, number_id)
        assert channel.id is not None
        if len(_active(session, channel.id)) <= 1:
            raise InvalidInput(
                f"{display_phone(found.e164)} is the {channel.name} channel's last sending "
                "number: add another one first, or agents could not send at all."
            )
        found.is_active = False
        session.add(found)
        record(
            session=session,
            actor=admin,
            action=AuditAction.CHANNEL_NUMBER_REMOVED,
            entity=found,
            detail={"number": found.e164, "label": found.label},
        )
        events.after_commit(session, events.ChannelChanged())
        return found.e164


def not_a_sender(session: Session, channel: ChannelView, number: str) -> str:
    """Why Send refuses `number` as From: removed meanwhile (say so), or never one."""
    found = session.exec(select(ProviderNumber).where(ProviderNumber.e164 == number)).first()
    if found is not None and found.channel_id == channel.id and not found.is_active:
        return (
            f"{display_phone(number)} was removed from the {channel.name} channel's sending "
            "numbers; choose another From number."
        )
    shown = number or "That number"
    return f"{shown} is not a sending number of the {channel.name} channel."


def _checked(number: str, label: str, region: str | None) -> tuple[str, str]:
    problems: dict[str, str] = {}
    region = region or get_settings().default_region
    parsed = parse_phone(number, default_region=region, require_mobile=False)
    if not isinstance(parsed, PhoneOk):
        problems["number"] = parsed.message
    try:
        label = _checked_label(label)
    except FieldProblems as refused:
        problems.update(refused.problems)
    if problems:
        raise FieldProblems(problems)
    assert isinstance(parsed, PhoneOk)
    return parsed.e164, label


def _checked_label(label: str) -> str:
    label = " ".join(label.split())
    if len(label) > MAX_LABEL:
        raise FieldProblems({"label": f"The label must be at most {MAX_LABEL} characters."})
    return label


def _locked_channel(session: Session) -> Channel:
    """The SMS channel row, locked: number changes on one channel happen one at a time."""
    try:
        current = sms_channel(session)
    except NotFound:
        raise NotFound(NO_CHANNEL_YET) from None
    channel = session.exec(
        select(Channel).where(Channel.id == current.id).with_for_update()
    ).first()
    if channel is None:
        raise NotFound(NO_CHANNEL_YET)
    return channel


def _active_number(session: Session, number_id: int) -> ProviderNumber:
    found = session.get(ProviderNumber, number_id) if is_row_id(number_id) else None
    if found is None or not found.is_active:
        raise NotFound("That number is no longer a sending number (someone removed it).")
    return found


def _active(session: Session, channel_id: int) -> list[NumberView]:
    rows = session.exec(
        select(ProviderNumber)
        .where(ProviderNumber.channel_id == channel_id, col(ProviderNumber.is_active))
        .order_by(col(ProviderNumber.id))
    ).all()
    return [_view(n) for n in rows]


def _view(number: ProviderNumber) -> NumberView:
    assert number.id is not None
    return NumberView(number.id, number.e164, number.label)
