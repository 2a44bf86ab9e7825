"""The Details tab and the person's panel beside it: what the interaction is about, and who
that person is to us (their numbers with opt-outs per sending number, their other interactions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading
from agent_workspace.domain.consumer_time import ConsumerZone, consumer_zone
from agent_workspace.domain.routing import PersonRef
from agent_workspace.models import (
    ACTIVE_STATES,
    CustomerCase,
    Interaction,
    ProviderNumber,
)
from agent_workspace.services.access import Actor, access_interaction
from agent_workspace.services.interactions.lists import VIRTUAL_AGENT_NAME, row_view
from agent_workspace.services.people.consent import ConsentEntry, consent_history
from agent_workspace.services.people.directory import (
    PersonView,
    belongs_to,
    get_person,
    person_ref,
    reach_of,
    stored_kinds,
)
from agent_workspace.services.people.ledger import stopped_senders

OTHER_INTERACTIONS = 20


@dataclass(frozen=True)
class NumberView:
    e164: str
    kind: str  # what it is, and why a text would not reach it: "phone · landline, cannot …"
    # Labels of the sending numbers texts to it are stopped from: those it texted STOP to and,
    # under the channel's STOP policy, every number of that channel (ledger.stopped_senders).
    opted_out_from: tuple[str, ...]


@dataclass(frozen=True)
class OtherInteraction:
    id: int
    number: str
    type: str
    state: str
    active: bool
    opened_at: datetime


@dataclass(frozen=True)
class DetailsView:
    interaction_id: int
    number: str
    person: PersonRef | None
    person_name: str
    account: str
    case_number: str
    short_description: str
    state: str
    assigned_to: str
    numbers: tuple[NumberView, ...]
    others: tuple[OtherInteraction, ...]
    where: ConsumerZone | None = None  # the zone their number (or they) are in; None: no number
    consent: tuple[ConsentEntry, ...] = ()  # their numbers' opt-outs and opt-ins, newest first


def details(
    *, actor: Actor | None, interaction_id: int, engine: Engine | None = None
) -> DetailsView:
    with reading(engine) as session:
        _, interaction = access_interaction(session, actor, interaction_id)
        ref = person_ref(interaction.consumer_id, interaction.contact_id)
        person = get_person(session, ref) if ref else None
        case = session.get(CustomerCase, interaction.case_id) if interaction.case_id else None
        row = row_view(session, interaction)
        labels = {n.e164: n.label or n.e164 for n in session.exec(select(ProviderNumber)).all()}
        assert interaction.id is not None
        return DetailsView(
            interaction_id=interaction.id,
            number=interaction.number,
            person=ref,
            person_name=person.name if person else "",
            account=(person.account or "") if person else "",
            case_number=case.number if case else "",
            short_description=interaction.short_description,
            state=interaction.state.value,
            assigned_to=VIRTUAL_AGENT_NAME if interaction.virtual_agent else row.assigned_to,
            numbers=_numbers(session, ref, labels) if ref else (),
            others=_others(session, ref, interaction.id) if ref else (),
            where=_where(row.phone, person),
            consent=consent_history(session, stored_kinds(session, ref), labels) if ref else (),
        )


def _where(phone: str, person: PersonView | None) -> ConsumerZone | None:
    """The zone their time is read in: theirs when set, else their number's."""
    return consumer_zone(phone, person.time_zone if person else None) if phone else None


def _numbers(session: Session, ref: PersonRef, labels: dict[str, str]) -> tuple[NumberView, ...]:
    """Their stored numbers, then those that are theirs on the SMS channel only, each called
    what it is (a landline, or one whose last text failed for good, is not "mobile")."""
    kinds = stored_kinds(session, ref)
    reached = reach_of(session, kinds)
    opted = stopped_senders(session, list(kinds)) if kinds else {}
    return tuple(
        NumberView(
            e164,
            reached[e164].label,
            tuple(sorted(labels.get(s, s) for s in opted.get(e164, ()))),
        )
        for e164 in kinds
    )


def _others(session: Session, ref: PersonRef, this_id: int) -> tuple[OtherInteraction, ...]:
    rows = session.exec(
        select(Interaction)
        .where(belongs_to(Interaction, ref), Interaction.id != this_id)
        .order_by(col(Interaction.opened_at).desc(), col(Interaction.id).desc())
        .limit(OTHER_INTERACTIONS)
    ).all()
    return tuple(
        OtherInteraction(
            id=i.id,
            number=i.number,
            type=i.type.value,
            state=i.state.value,
            active=i.state in ACTIVE_STATES,
            opened_at=i.opened_at,
        )
        for i in rows
        if i.id is not None
    )
