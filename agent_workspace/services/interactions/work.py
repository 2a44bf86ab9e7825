"""What an agent changes on an interaction they work on: picking one up from the virtual agent's
queue, and the Details form (person, linked case, short description, state)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.access import Need
from agent_workspace.domain.details import conflict_message, edit_conflicts
from agent_workspace.domain.routing import Confirmation, PersonRef
from agent_workspace.models import (
    ACTIVE_STATES,
    CustomerCase,
    Interaction,
    InteractionState,
    LiveGroupReason,
    Role,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.access import Actor, access_interaction, require_active, require_role
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.errors import InvalidInput, NotFound
from agent_workspace.services.interactions.assignee import assign
from agent_workspace.services.interactions.confirmations import (
    ConfirmationNeeded,
    confirmation_text,
)
from agent_workspace.services.interactions.lifecycle import close_for
from agent_workspace.services.interactions.lists import watcher_ids
from agent_workspace.services.interactions.live_group import join_live_group
from agent_workspace.services.people.directory import get_person, person_ids, person_ref
from agent_workspace.services.people.profiles import create_profile, deactivate_profile
from agent_workspace.services.people.resolvers import active_profile

MAX_DESCRIPTION = 200


def pick_up(*, actor: Actor | None, interaction_id: int, engine: Engine | None = None) -> str:
    """An agent takes a conversation waiting with the virtual agent; returns its number."""
    agent = require_role(actor, Role.AGENT)
    with transaction(engine) as session:
        _, interaction = access_interaction(session, agent, interaction_id, lock=True)
        require_active(interaction, "{number} is closed; there is nothing to pick up.")
        if not interaction.virtual_agent:
            held = "you" if interaction.assigned_agent_id == agent.user_id else "another agent"
            raise InvalidInput(f"{interaction.number} is not waiting: {held} already has it.")
        if interaction.state is InteractionState.NEW:
            interaction.state = InteractionState.WORK_IN_PROGRESS
        assign(session, interaction, agent.user_id)
        join_live_group(
            session=session,
            actor=agent,
            interaction=interaction,
            agent_id=agent.user_id,
            reason=LiveGroupReason.PICKED_UP,
        )
        record(
            session=session,
            actor=agent,
            action=AuditAction.INTERACTION_PICKED_UP,
            entity=interaction,
            detail={"number": interaction.number},
        )
        affected = watcher_ids(session, interaction_id) | {agent.user_id}
        events.after_commit(session, events.InteractionChanged(interaction_id, frozenset(affected)))
        return interaction.number


@dataclass(frozen=True)
class DetailsChange:
    """What the Details form submits; None means "leave as it is"."""

    person: PersonRef | None = None
    clear_person: bool = False
    case_number: str | None = None  # "" unlinks the case
    short_description: str | None = None
    state: InteractionState | None = None
    confirmed: bool = False  # the agent said yes to what the save asked (a number moving)
    # Each field as the form showed it ("consumer:3", "CS0001001", the text, "new"): an edited
    # field that has moved on since is refused (domain/details.py). None: not checked (CLI).
    seen: Mapping[str, str] | None = None

    def edited(self) -> list[str]:
        """The fields this change sets."""
        fields = {
            "person": self.person is not None or self.clear_person,
            "case_number": self.case_number is not None,
            "short_description": self.short_description is not None,
            "state": self.state is not None,
        }
        return [name for name, set_ in fields.items() if set_]


def update_details(
    *,
    actor: Actor | None,
    interaction_id: int,
    change: DetailsChange,
    engine: Engine | None = None,
) -> list[str]:
    """Saves the Details form in one transaction; returns the fields that changed (none: no
    audit row). Every problem is refused before anything is written.

    It changes the interaction as the dedicated actions do: only who may close it may change
    it (closing here is Close), and moving its number to another person asks first, as Send
    does (ConfirmationNeeded, unless `change.confirmed`)."""
    with transaction(engine) as session:
        agent, interaction = access_interaction(
            session, actor, interaction_id, need=Need.WORK, lock=True
        )
        if change.seen is not None:
            now = shown_fields(session, interaction)
            if conflicts := edit_conflicts(change.seen, now, change.edited()):
                raise InvalidInput(conflict_message(conflicts, now))
        before = {
            "person": f"{interaction.consumer_id}/{interaction.contact_id}",
            "case_id": interaction.case_id,
            "short_description": interaction.short_description,
            "state": interaction.state.value,
        }
        if change.person is not None and get_person(session, change.person) is None:
            raise InvalidInput("That consumer or contact does not exist.")
        case_id = interaction.case_id
        if change.case_number is not None:
            case_id = _case_id(session, change.case_number.strip().upper())
        if change.short_description is not None:
            text = change.short_description.strip()
            if len(text) > MAX_DESCRIPTION:
                raise InvalidInput(
                    f"The short description is {len(text)} characters; at most {MAX_DESCRIPTION}."
                )
            interaction.short_description = text
        if change.person is not None or change.clear_person:
            person = None if change.clear_person else change.person
            _set_person(session, agent, interaction, person, confirmed=change.confirmed)
        if change.state is not None and change.state != interaction.state:
            _change_state(session, agent, interaction, change.state)
        interaction.case_id = case_id
        after = {
            "person": f"{interaction.consumer_id}/{interaction.contact_id}",
            "case_id": interaction.case_id,
            "short_description": interaction.short_description,
            "state": interaction.state.value,
        }
        changed = [k for k in before if before[k] != after[k]]
        if not changed:
            return []
        interaction.updated_at = utcnow()
        session.add(interaction)
        record(
            session=session,
            actor=agent,
            action=AuditAction.INTERACTION_DETAILS_CHANGED,
            entity=interaction,
            detail={k: {"from": before[k], "to": after[k]} for k in changed},
        )
        affected = watcher_ids(session, interaction_id)
        events.after_commit(session, events.InteractionChanged(interaction_id, frozenset(affected)))
        return changed


def shown_fields(session: Session, interaction: Interaction) -> dict[str, str]:
    """The Details form's fields as it shows them (what `DetailsChange.seen` holds)."""
    ref = person_ref(interaction.consumer_id, interaction.contact_id)
    case = session.get(CustomerCase, interaction.case_id) if interaction.case_id else None
    return {
        "person": f"{ref.kind.value}:{ref.id}" if ref else "",
        "case_number": case.number if case else "",
        "short_description": interaction.short_description,
        "state": interaction.state.value,
    }


def _case_id(session: Session, number: str) -> int | None:
    if not number:
        return None
    found = session.exec(select(CustomerCase).where(CustomerCase.number == number)).first()
    if found is None:
        raise NotFound(f"There is no case {number}. Case numbers look like CS0001001.")
    return found.id


def _change_state(
    session: Session, agent: Actor, interaction: Interaction, state: InteractionState
) -> None:
    if interaction.state not in ACTIVE_STATES:
        raise InvalidInput(
            f"{interaction.number} is closed and stays closed; a new message opens a new one."
        )
    if state in ACTIVE_STATES:
        interaction.state = state
        return
    close_for(session, agent, interaction, state, reason="Details")


def _set_person(
    session: Session,
    agent: Actor,
    interaction: Interaction,
    person: PersonRef | None,
    *,
    confirmed: bool,
) -> None:
    """The interaction is about someone else now; for a phone conversation the number follows
    (its profile names the new person), so the next text is routed to them. Taking the number
    from the person it belongs to asks first, in the words Send uses."""
    channel_id, phone = interaction.channel_id, interaction.phone
    current = active_profile(session, channel_id, phone) if channel_id and phone else None
    if current is not None and person is not None and current.person != person and not confirmed:
        asked = Confirmation(closes=(), moves_number_from=current.person)
        raise ConfirmationNeeded(confirmation_text(session, asked, phone or "", person, "Save"))
    interaction.consumer_id, interaction.contact_id = person_ids(person)
    if channel_id is None or not phone or person is None:
        return
    if current is not None and current.person == person:
        interaction.profile_id = current.id
        return
    if current is not None:
        deactivate_profile(session, current.id, agent, "person changed in Details")
    interaction.profile_id = create_profile(session, channel_id, phone, person, agent)
