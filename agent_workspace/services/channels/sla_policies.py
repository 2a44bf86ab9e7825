"""SLA policies as administrators keep them: per channel, optionally per label, in their order.

Targets are typed as "15m", "4h", "1d" or minutes (domain/sla_text.py) and stored in minutes;
a blank one is not measured, and a policy measures at least one. A policy for a label is
listed, and chosen, before the channel's policy without one (domain/sla.policy_for). Each
change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from agent_workspace.db.engine import reading
from agent_workspace.domain.inputs import is_row_id
from agent_workspace.domain.sla_text import parse_target, target_text
from agent_workspace.models import Label, Role, SlaPolicy
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.audit import AuditAction, record, save_and_record
from agent_workspace.services.channels.admin import changing_channel, channel_settings
from agent_workspace.services.errors import FieldProblems, NotFound
from agent_workspace.services.sla.clocks import keep_due_on_channels

NO_SUCH_POLICY = "That service level does not exist any more (someone deleted it)."
RACED = "Another administrator has just saved a service level for this; edit that one."


@dataclass(frozen=True)
class PolicyView:
    """A policy as the administration table shows it; targets in their typed form ("" unset)."""

    id: int
    label_id: int  # 0: every conversation of the channel without a labelled policy
    label: str  # the label's name, "" for the channel's own
    first_response: str
    next_response: str
    resolution: str


def list_policies(*, actor: Actor | None, engine: Engine | None = None) -> list[PolicyView]:
    """The channel's policies in the order they are chosen."""
    require_role(actor, Role.ADMIN)
    channel = channel_settings(actor=actor, engine=engine)
    with reading(engine) as session:
        return [_view(p, name) for p, name in _ordered(session, channel.id)]


def save_policy(
    *,
    actor: Actor | None,
    policy_id: int | None,
    label_id: int | None,
    first_response: str,
    next_response: str,
    resolution: str,
    engine: Engine | None = None,
) -> PolicyView:
    """Creates (policy_id None) or changes a policy; a new one goes last. FieldProblems name
    each target that is no duration, and the label when it is gone or has a policy already."""
    admin = require_role(actor, Role.ADMIN)
    typed = {"first_response": first_response, "next_response": next_response}
    minutes = _minutes({**typed, "resolution": resolution})
    label_id = label_id or None
    try:
        with changing_channel(admin, engine) as (session, channel):
            assert channel.id is not None
            label = _label(session, label_id)
            found = _policy(session, channel.id, policy_id) if policy_id else None
            _refuse_taken(session, channel.id, label_id, found.id if found else None, label)
            policy = found or SlaPolicy(channel_id=channel.id, position=_last(session) + 1)
            before = _view(policy, "") if found else None
            policy.label_id = label_id
            policy.first_response_minutes = minutes["first_response"]
            policy.next_response_minutes = minutes["next_response"]
            policy.resolution_minutes = minutes["resolution"]
            name = label.name if label else ""
            detail: dict[str, object] = {"label": name or None, **minutes}
            if before is not None and before == _view(policy, ""):
                return _view(policy, name)
            save_and_record(
                session=session,
                actor=admin,
                action=AuditAction.SLA_POLICY_SAVED,
                entity=policy,
                detail=detail if before is None else {**detail, "before": before.__dict__},
            )
            keep_due_on_channels(session, [channel.id])
            return _view(policy, name)
    except sa.exc.IntegrityError:  # another administrator saved one for it meanwhile
        raise FieldProblems({"label": RACED}) from None


def delete_policy(*, actor: Actor | None, policy_id: int, engine: Engine | None = None) -> str:
    """Deletes it; returns what it was for ("VIP" or "the channel")."""
    admin = require_role(actor, Role.ADMIN)
    with changing_channel(admin, engine) as (session, channel):
        assert channel.id is not None
        policy = _policy(session, channel.id, policy_id)
        label = _label(session, policy.label_id) if policy.label_id else None
        record(
            session=session,
            actor=admin,
            action=AuditAction.SLA_POLICY_DELETED,
            entity=policy,
            detail={"label": label.name if label else None},
        )
        session.delete(policy)
        keep_due_on_channels(session, [channel.id])
        return label.name if label else "the channel"


def move_policy(
    *, actor: Actor | None, policy_id: int, up: bool, engine: Engine | None = None
) -> list[PolicyView]:
    """Swaps it with its neighbour above (or below); at an end it stays. The order matters
    among labelled policies: the first carried label's policy is chosen."""
    admin = require_role(actor, Role.ADMIN)
    with changing_channel(admin, engine) as (session, channel):
        assert channel.id is not None
        _policy(session, channel.id, policy_id)
        order = [p for p, _ in _ordered(session, channel.id)]
        at = next(i for i, p in enumerate(order) if p.id == policy_id)
        other = at - 1 if up else at + 1
        if 0 <= other < len(order):
            order[at], order[other] = order[other], order[at]
            for position, policy in enumerate(order):
                policy.position = position
                session.add(policy)
            record(
                session=session,
                actor=admin,
                action=AuditAction.SLA_POLICY_MOVED,
                entity=order[other],
                detail={"to": other},
            )
            keep_due_on_channels(session, [channel.id])
        session.flush()
        return [_view(p, name) for p, name in _ordered(session, channel.id)]


def _minutes(typed: dict[str, str]) -> dict[str, int | None]:
    problems: dict[str, str] = {}
    minutes: dict[str, int | None] = {}
    for field, text in typed.items():
        try:
            target = parse_target(text)
        except ValueError as problem:
            problems[field] = str(problem)
            continue
        minutes[field] = int(target.total_seconds() // 60) if target else None
    if not problems and not any(minutes.values()):
        problems["first_response"] = "Give at least one target; blank targets are not measured."
    if problems:
        raise FieldProblems(problems)
    return minutes


def _ordered(session: Session, channel_id: int) -> list[tuple[SlaPolicy, str]]:
    found = session.exec(
        select(SlaPolicy, Label.name)
        .join(Label, col(Label.id) == SlaPolicy.label_id, isouter=True)
        .where(SlaPolicy.channel_id == channel_id)
        .order_by(col(SlaPolicy.position), col(SlaPolicy.id))
    ).all()
    return [(p, name or "") for p, name in found]


def _view(policy: SlaPolicy, label: str) -> PolicyView:
    def typed(minutes: int | None) -> str:
        return target_text(timedelta(minutes=minutes)) if minutes else ""

    return PolicyView(
        id=policy.id or 0,
        label_id=policy.label_id or 0,
        label=label,
        first_response=typed(policy.first_response_minutes),
        next_response=typed(policy.next_response_minutes),
        resolution=typed(policy.resolution_minutes),
    )


def _label(session: Session, label_id: int | None) -> Label | None:
    if label_id is None:
        return None
    label = session.get(Label, label_id) if is_row_id(label_id) else None
    if label is None:
        raise FieldProblems({"label": "That label does not exist any more; choose another."})
    return label


def _policy(session: Session, channel_id: int, policy_id: int) -> SlaPolicy:
    policy = session.get(SlaPolicy, policy_id) if is_row_id(policy_id) else None
    if policy is None or policy.channel_id != channel_id:
        raise NotFound(NO_SUCH_POLICY)
    return policy


def _last(session: Session) -> int:
    return session.exec(select(func.coalesce(func.max(SlaPolicy.position), -1))).one()


def _refuse_taken(
    session: Session, channel_id: int, label_id: int | None, own_id: int | None, label: Label | None
) -> None:
    same = col(SlaPolicy.label_id).is_(None) if label_id is None else SlaPolicy.label_id == label_id
    found = session.exec(
        select(SlaPolicy.id).where(SlaPolicy.channel_id == channel_id, same)
    ).first()
    if found is not None and found != own_id:
        raise FieldProblems({"label": _taken(label)})


def _taken(label: Label | None) -> str:
    if label is None:
        return "The channel has a service level for every conversation already; edit that one."
    return f"The label {label.name!r} has a service level already; edit that one."
