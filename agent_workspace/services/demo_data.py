"""Demo data that lets a person try every Send workflow by hand; loading twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.config import get_settings
from agent_workspace.db.engine import get_engine, reading, transaction
from agent_workspace.domain.attachments import AttachmentPolicy
from agent_workspace.domain.routing import PersonKind, PersonRef
from agent_workspace.models import (
    Account,
    CannedReply,
    Channel,
    ChannelUserProfile,
    Direction,
    Interaction,
    InteractionState,
    InteractionType,
    Message,
    MessageStatus,
    Role,
    User,
    utcnow,
)
from agent_workspace.services.accounts.auth import verify_password
from agent_workspace.services.accounts.users import create_user
from agent_workspace.services.channels.settings import create_channel
from agent_workspace.services.interactions.lifecycle import (
    note_last_message,
    open_interaction,
    rebuild_conversation_facts,
)
from agent_workspace.services.people.directory import add_person, person_ids
from agent_workspace.sources import cli_command

SMS_CHANNEL = "SMS"
PROVIDER_NUMBERS = (("+14155550100", "Support line"), ("+14155550199", "Billing line"))


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    display_name: str
    roles: tuple[Role, ...]


DEMO_USERS = (
    DemoUser("alice", "alice-demo-pass", "Alice Agent", (Role.AGENT,)),
    DemoUser("bob", "bob-demo-pass", "Bob Agent", (Role.AGENT,)),
    DemoUser("sam", "sam-demo-pass", "Sam Supervisor", (Role.AGENT, Role.SUPERVISOR)),
    DemoUser("ada", "ada-demo-pass", "Ada Admin", (Role.ADMIN,)),
)

# (first, last, country, numbers); Maria and Carlos share +14155550123 (a family phone).
CONSUMERS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Maria", "Garcia", "US", ("+14155550123",)),
    ("Oliver", "Smith", "GB", ("+447400123456",)),
    ("Chloe", "Martin", "FR", ("+33612345678",)),
    ("Liam", "Wilson", "AU", ("+61412345678",)),
    ("Hans", "Müller", "DE", ("+4915123456789",)),
    ("Priya", "Sharma", "IN", ("+918123456789",)),
)
CONTACTS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("Globex Corporation", "John", "Doe", "US", ("+12025550143", "+16505551234")),
    ("Initech", "Carlos", "Garcia", "US", ("+14155550123",)),
    ("Initech", "Ana", "Souza", "BR", ("+5511961234567",)),
)


CANNED_REPLIES = (
    ("Hello and who I am", "Hi {first_name}, this is {agent_name} from customer support."),
    ("Refund on its way", "Good news {first_name}: your refund is on its way (3-5 days)."),
    ("Closing", "Thanks {first_name}, anything else we can help with? Reply here any time."),
)


def load_demo_data(engine: Engine | None = None) -> bool:
    """Loads everything in one transaction; returns False when it was already there."""
    with transaction(engine) as session:
        if session.exec(select(Channel).where(Channel.name == SMS_CHANNEL)).first():
            return False
        users = {
            u.username: create_user(
                session=session,
                username=u.username,
                display_name=u.display_name,
                password=u.password,
                roles=u.roles,
            )
            for u in DEMO_USERS
        }
        channel = _channel(session)
        people = _people(session)
        _interactions(session, channel, people, users)
        session.add_all(CannedReply(title=t, body=b) for t, b in CANNED_REPLIES)
        session.flush()
        rebuild_conversation_facts(session.connection())  # the messages' facts, as written
        return True


def working_demo_sign_ins(engine: Engine | None = None) -> tuple[DemoUser, ...]:
    """The demo users whose published password still signs in: the only ones worth printing.

    Checked against the database, not the settings, so a start-up banner never shows a sign-in
    that does not exist, was deactivated or got a real password.
    """
    names = [u.username for u in DEMO_USERS]
    with reading(engine) as session:
        rows = session.exec(
            select(User.username, User.password_hash).where(
                col(User.username).in_(names), col(User.is_active).is_(True)
            )
        ).all()
    hashes = dict(rows)
    return tuple(
        demo
        for demo in DEMO_USERS
        if demo.username in hashes and verify_password(demo.password, hashes[demo.username])
    )


def demo_account_problems(engine: Engine | None = None) -> list[str]:
    """One line per demo account that still signs in with its published password, saying how
    to stop it: what refuses a deployment outside development that did not ask for a trial.
    A database not migrated yet has no accounts at all."""
    if not sa.inspect(engine or get_engine()).has_table(User.__tablename__):
        return []
    return [
        f"the demo account {demo.username!r} signs in with its published password: deactivate "
        f"it ({cli_command('deactivate-user ' + demo.username)}) or give it a "
        f"password of its own (reset-password {demo.username})"
        for demo in working_demo_sign_ins(engine)
    ]


def _channel(session: Session) -> Channel:
    settings = get_settings()
    policy = AttachmentPolicy.from_settings(
        settings.attachment_types, settings.attachment_max_bytes, settings.attachment_max_files
    )
    # Quiet hours off: the demo's people are fictional 555 numbers, tried at any hour; an
    # administrator turns them on in Administration (a real channel starts with them on).
    channel = create_channel(
        session=session,
        name=SMS_CHANNEL,
        provider_numbers=PROVIDER_NUMBERS,
        policy=policy,
        quiet_hours=False,
    )
    # Automatic assignment on (a real channel starts with it off): a demo agent who chooses
    # Available in the header receives new texts; until one does, they wait in the queue.
    channel.auto_assign = True
    session.add(channel)
    return channel


def _people(session: Session) -> dict[str, PersonRef]:
    refs: dict[str, PersonRef] = {}
    for first, last, country, numbers in CONSUMERS:
        refs[f"{first} {last}"] = add_person(
            session=session,
            kind=PersonKind.CONSUMER,
            first_name=first,
            last_name=last,
            phones=numbers,
            country=country,
        )
    accounts: dict[str, int] = {}
    for account_name, first, last, country, numbers in CONTACTS:
        if account_name not in accounts:
            account = Account(name=account_name)
            session.add(account)
            session.flush()
            assert account.id is not None
            accounts[account_name] = account.id
        refs[f"{first} {last}"] = add_person(
            session=session,
            kind=PersonKind.CONTACT,
            first_name=first,
            last_name=last,
            phones=numbers,
            country=country,
            account_id=accounts[account_name],
        )
    return refs


def _profile(session: Session, channel: Channel, phone: str, person: PersonRef) -> int:
    assert channel.id is not None
    consumer_id, contact_id = person_ids(person)
    profile = ChannelUserProfile(
        channel_id=channel.id, phone=phone, consumer_id=consumer_id, contact_id=contact_id
    )
    session.add(profile)
    session.flush()
    assert profile.id is not None
    return profile.id


def _interactions(
    session: Session, channel: Channel, people: dict[str, PersonRef], users: dict[str, User]
) -> None:
    """One interaction per workflow a person can try (see README, "Try every workflow")."""
    alice, bob = users["alice"].id, users["bob"].id
    maria, oliver = people["Maria Garcia"], people["Oliver Smith"]
    support = PROVIDER_NUMBERS[0][0]
    now = utcnow()

    # Row 2 (live agent): Alice is already talking to Maria by SMS.
    maria_sms = open_interaction(
        session=session,
        actor="system",
        type=InteractionType.MESSAGING,
        person=maria,
        assign_to=alice,
        channel_id=channel.id,
        phone="+14155550123",
        profile_id=_profile(session, channel, "+14155550123", maria),
        short_description="Refund for order 1182",
        state=InteractionState.WORK_IN_PROGRESS,
    )
    _message(
        session,
        maria_sms.id,
        Direction.INBOUND,
        "+14155550123",
        support,
        "Hi, I was charged twice for order 1182.",
        now - timedelta(minutes=30),
    )
    _message(
        session,
        maria_sms.id,
        Direction.OUTBOUND,
        support,
        "+14155550123",
        "Sorry about that, Maria! I'm looking into it now.",
        now - timedelta(minutes=28),
        alice,
    )

    # Row 3 (virtual agent): Oliver texted in and the virtual agent holds the conversation.
    oliver_sms = open_interaction(
        session=session,
        actor="system",
        type=InteractionType.MESSAGING,
        person=oliver,
        assign_to=None,
        virtual_agent=True,
        channel_id=channel.id,
        phone="+447400123456",
        profile_id=_profile(session, channel, "+447400123456", oliver),
        short_description="Where is my parcel?",
    )
    _message(
        session,
        oliver_sms.id,
        Direction.INBOUND,
        "+447400123456",
        support,
        "Where is my parcel? It was due yesterday.",
        now - timedelta(minutes=12),
    )

    # Forms agents start from; composing SMS from each one exercises a workflow.
    starts = (
        (
            "Liam Wilson",
            alice,
            InteractionType.PHONE,
            "Call back about warranty (row 1: none active)",
        ),
        (
            "Oliver Smith",
            alice,
            InteractionType.PHONE,
            "Follow up on parcel (row 3: virtual agent)",
        ),
        ("Carlos Garcia", alice, InteractionType.PHONE, "Initech invoice (row 4: shared phone)"),
        ("Maria Garcia", bob, InteractionType.PHONE, "Second opinion on refund (row 2: joins)"),
        ("John Doe", bob, InteractionType.CHAT, "Globex onboarding questions"),
    )
    for name, agent, kind, description in starts:
        open_interaction(
            session=session,
            actor="system",
            type=kind,
            person=people[name],
            assign_to=agent,
            short_description=description,
        )
    closed = open_interaction(
        session=session,
        actor="system",
        type=InteractionType.PHONE,
        person=people["Chloe Martin"],
        assign_to=alice,
        short_description="Password reset",
    )
    closed.state, closed.closed_at = InteractionState.CLOSED_COMPLETE, now
    session.add(closed)


def _message(
    session: Session,
    interaction_id: int | None,
    direction: Direction,
    sender: str,
    recipient: str,
    body: str,
    at: datetime,
    author: int | None = None,
) -> None:
    assert interaction_id is not None
    inbound = direction is Direction.INBOUND
    session.add(
        Message(
            interaction_id=interaction_id,
            direction=direction,
            body=body,
            from_number=sender,
            to_number=recipient,
            status=MessageStatus.RECEIVED if inbound else MessageStatus.DELIVERED,
            author_id=author,
            segments=1,
            created_at=at,
            updated_at=at,
        )
    )
    interaction = session.get(Interaction, interaction_id)
    assert interaction is not None
    note_last_message(interaction, body=body, attachments=0, inbound=inbound, at=at)
    session.add(interaction)
