"""Test data built through the real services, so fixtures obey the same rules as the app."""

from __future__ import annotations

from collections.abc import Iterable

from agent_workspace.db.engine import transaction
from agent_workspace.domain.attachments import AttachmentPolicy
from agent_workspace.domain.routing import PersonKind, PersonRef
from agent_workspace.models import Account, Role
from agent_workspace.services.access import Actor
from agent_workspace.services.accounts import auth, users
from agent_workspace.services.channels.settings import create_channel
from agent_workspace.services.outbox import claims, statuses
from agent_workspace.services.people.directory import add_person

SUPPORT_NUMBER = "+14155550100"
BILLING_NUMBER = "+14155550199"


def make_user(username: str, *, roles: Iterable[Role] = (Role.AGENT,)) -> Actor:
    """A user whose password is '<username>-pass-phrase'; returns the signed-in actor."""
    with transaction() as session:
        users.create_user(
            session=session,
            username=username,
            display_name=username.title(),
            password=f"{username}-pass-phrase",
            roles=tuple(roles),
        )
    _, actor = auth.sign_in(username=username, password=f"{username}-pass-phrase")
    return actor


def make_channel(
    numbers: tuple[str, ...] = (SUPPORT_NUMBER, BILLING_NUMBER),
    policy: AttachmentPolicy | None = None,
    quiet_hours: bool = False,
) -> int:
    """The SMS channel; quiet hours off unless asked for (tests send at any wall-clock hour)."""
    with transaction() as session:
        channel = create_channel(
            session=session,
            name="SMS",
            provider_numbers=tuple((n, f"line {i}") for i, n in enumerate(numbers)),
            policy=policy or AttachmentPolicy(),
            quiet_hours=quiet_hours,
        )
        assert channel.id is not None
        return channel.id


def make_consumer(first: str, *phones: str, country: str = "US") -> PersonRef:
    with transaction() as session:
        return add_person(
            session=session,
            kind=PersonKind.CONSUMER,
            first_name=first,
            last_name="Tester",
            phones=phones,
            country=country,
        )


def make_contact(first: str, *phones: str, account: str = "Globex") -> PersonRef:
    with transaction() as session:
        acct = Account(name=account)
        session.add(acct)
        session.flush()
        return add_person(
            session=session,
            kind=PersonKind.CONTACT,
            first_name=first,
            last_name="Contact",
            phones=phones,
            account_id=acct.id,
        )


def undelivered(code: int, sid: str = "SM" + "d" * 32) -> int:
    """The next queued message goes out and its carrier reports it undelivered with `code`
    (as a status callback would); returns the message's id."""
    (job,) = claims.claim_due()
    statuses.mark_accepted(
        message_id=job.message_id, lease_token=job.lease_token, sid=sid, status="queued"
    )
    statuses.apply_delivery_status(sid=sid, status="undelivered", error_code=code)
    return job.message_id
