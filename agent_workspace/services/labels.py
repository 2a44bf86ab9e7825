"""Labels as administrators keep them: create, rename or recolour, delete (issue 27 item 5).

Names follow domain/labels.py; two names differing only in case are one label (the table's
unique `name_key`, so two administrators saving "VIP" and "vip" at once cannot both succeed).
Deleting a label takes it off every interaction carrying it. Each change is audited; a rename
or deletion is pushed to the conversations showing the label, after commit.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.inputs import is_row_id
from agent_workspace.domain.labels import clean_name, colour_problem, name_key, name_problem
from agent_workspace.models import InteractionLabel, Label, Role, SlaPolicy
from agent_workspace.services import events
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.audit import AuditAction, record, save_and_record
from agent_workspace.services.errors import FieldProblems, InvalidInput, NotFound
from agent_workspace.services.sla.clocks import keep_due

LISTED = 200
NO_SUCH_LABEL = "That label does not exist any more (someone deleted it)."


@dataclass(frozen=True)
class LabelView:
    id: int
    name: str
    colour: str


def list_labels(*, actor: Actor | None, engine: Engine | None = None) -> list[LabelView]:
    """Every label by name: for the administration page, and for agents to choose from."""
    if actor is None or not actor.has(Role.ADMIN):
        require_role(actor, Role.AGENT)
    with reading(engine) as session:
        return list(all_labels(session))


def all_labels(session: Session) -> tuple[LabelView, ...]:
    """Every label by name (at most LISTED), in the caller's read."""
    found = session.exec(select(Label).order_by(col(Label.name_key)).limit(LISTED)).all()
    return tuple(view(label) for label in found)


def create_label(
    *, actor: Actor | None, name: str, colour: str, engine: Engine | None = None
) -> LabelView:
    """A new label; its name may not be another's in any case."""
    admin = require_role(actor, Role.ADMIN)
    name = _checked(name, colour)
    try:
        with transaction(engine) as session:
            _refuse_taken(session, name, None)
            label = Label(name=name, name_key=name_key(name), colour=colour)
            save_and_record(
                session=session,
                actor=admin,
                action=AuditAction.LABEL_CREATED,
                entity=label,
                detail={"name": name, "colour": colour},
            )
            return view(label)
    except sa.exc.IntegrityError:  # another administrator saved the same name meanwhile
        raise FieldProblems({"name": _taken(name)}) from None


def update_label(
    *,
    actor: Actor | None,
    label_id: int,
    name: str,
    colour: str,
    engine: Engine | None = None,
) -> LabelView:
    """Renames or recolours it; the same name and colour again change nothing."""
    admin = require_role(actor, Role.ADMIN)
    name = _checked(name, colour)
    try:
        with transaction(engine) as session:
            label = _locked(session, label_id)
            if (label.name, label.colour) == (name, colour):
                return view(label)
            _refuse_taken(session, name, label.id)
            before = {"name": label.name, "colour": label.colour}
            label.name, label.name_key, label.colour = name, name_key(name), colour
            session.add(label)
            session.flush()
            record(
                session=session,
                actor=admin,
                action=AuditAction.LABEL_UPDATED,
                entity=label,
                detail={"from": before, "to": {"name": name, "colour": colour}},
            )
            _announce(session, label_id)
            return view(label)
    except sa.exc.IntegrityError:
        raise FieldProblems({"name": _taken(name)}) from None


def delete_label(*, actor: Actor | None, label_id: int, engine: Engine | None = None) -> str:
    """Deletes it and takes it off every interaction; returns its name. A label that chooses
    a service level is kept until that level is changed or deleted: the level would go with it
    unseen."""
    admin = require_role(actor, Role.ADMIN)
    with transaction(engine) as session:
        label = _locked(session, label_id)
        if session.exec(select(SlaPolicy.id).where(SlaPolicy.label_id == label_id)).first():
            raise InvalidInput(
                f"The service level for {label.name} uses the label {label.name!r}: change or "
                "delete it on the Service levels tab first."
            )
        carrying = _announce(session, label_id)
        carried = len(carrying)
        session.exec(delete(InteractionLabel).where(col(InteractionLabel.label_id) == label_id))
        record(
            session=session,
            actor=admin,
            action=AuditAction.LABEL_DELETED,
            entity=label,
            detail={"name": label.name, "colour": label.colour, "interactions": carried},
        )
        session.delete(label)
        keep_due(session, carrying)  # the label may have chosen their SLA policy
        return label.name


def view(label: Label) -> LabelView:
    assert label.id is not None
    return LabelView(label.id, label.name, label.colour)


def _checked(name: str, colour: str) -> str:
    problems = {"name": name_problem(name), "colour": colour_problem(colour)}
    if any(problems.values()):
        raise FieldProblems({k: v for k, v in problems.items() if v})
    return clean_name(name)


def _taken(name: str) -> str:
    return f"A label named {name!r} exists already (names differing only in case are one)."


def _refuse_taken(session: Session, name: str, own_id: int | None) -> None:
    found = session.exec(select(Label).where(Label.name_key == name_key(name))).first()
    if found is not None and found.id != own_id:
        raise FieldProblems({"name": _taken(found.name)})


def _locked(session: Session, label_id: int) -> Label:
    label = (
        session.exec(select(Label).where(Label.id == label_id).with_for_update()).first()
        if is_row_id(label_id)
        else None
    )
    if label is None:
        raise NotFound(NO_SUCH_LABEL)
    return label


def _announce(session: Session, label_id: int) -> list[int]:
    """Conversations showing the label hear that it changed (after commit); returns them."""
    carrying = session.exec(
        select(InteractionLabel.interaction_id).where(InteractionLabel.label_id == label_id)
    ).all()
    for interaction_id in carrying:
        events.after_commit(session, events.InteractionChanged(interaction_id))
    return list(carrying)
