"""Routing decisions: every SPEC.md "What Send does" row by name, then priorities and invariants."""

import dataclasses
import itertools
from datetime import UTC, datetime, timedelta

import pytest

from agent_workspace.domain.routing import (
    ActiveInteraction,
    Confirmation,
    InboundDecision,
    PersonKind,
    PersonRef,
    ProfileRef,
    SendDecision,
    SendSituation,
    Workflow,
    confirmation_needed,
    decide_inbound,
    decide_send,
)

AGENT = 7
OTHER_AGENT = 8
ME = PersonRef(PersonKind.CONSUMER, 1)
SOMEONE_ELSE = PersonRef(PersonKind.CONSUMER, 2)
CONTACT_WITH_SAME_ID = PersonRef(PersonKind.CONTACT, 1)
MY_PROFILE = ProfileRef(50, ME)
THEIR_PROFILE = ProfileRef(60, SOMEONE_ELSE)
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def interaction(
    id: int,
    *,
    virtual: bool = False,
    group: frozenset[int] = frozenset({OTHER_AGENT}),
    minutes: int = 0,
) -> ActiveInteraction:
    """An active interaction opened `minutes` after T0; live ones are assigned to OTHER_AGENT."""
    return ActiveInteraction(
        id=id,
        number=f"IMS{id:07d}",
        profile_id=50,
        virtual_agent=virtual,
        assigned_agent_id=None if virtual else OTHER_AGENT,
        live_group=frozenset() if virtual else group,
        opened_at=T0 + timedelta(minutes=minutes),
    )


def situation(
    *active: ActiveInteraction, profile: ProfileRef | None = MY_PROFILE, person: PersonRef = ME
) -> SendSituation:
    return SendSituation(agent_id=AGENT, person=person, active_profile=profile, active=active)


def test_row1_no_active_interaction_opens_one_assigned_to_agent_who_joins_live_group() -> None:
    decision = decide_send(situation(profile=None))

    assert decision == SendDecision(
        workflow=Workflow.NO_ACTIVE,
        close_interaction_ids=(),
        deactivate_profile_id=None,
        create_profile_for=ME,
        use_profile_id=None,
        create_interaction=True,
        target_interaction_id=None,
        assign_to_agent_id=AGENT,
        join_live_group_agent_id=AGENT,
    )
    assert decision.describe() == "created a profile for the consumer; opened a new interaction"
    assert decision.plan() == "create a profile for the consumer and open a new interaction"


def test_row1_no_active_interaction_reuses_the_persons_active_profile() -> None:
    decision = decide_send(situation(profile=MY_PROFILE))

    assert decision.workflow is Workflow.NO_ACTIVE
    assert (decision.use_profile_id, decision.create_profile_for) == (MY_PROFILE.id, None)
    assert decision.deactivate_profile_id is None
    assert (decision.create_interaction, decision.assign_to_agent_id) == (True, AGENT)
    assert decision.join_live_group_agent_id == AGENT
    assert decision.describe() == "opened a new interaction"
    assert decision.plan() == "open a new interaction"


def test_row1_no_active_interaction_replaces_a_profile_that_belongs_to_another_person() -> None:
    decision = decide_send(situation(profile=THEIR_PROFILE))

    assert decision.workflow is Workflow.NO_ACTIVE
    assert decision.deactivate_profile_id == THEIR_PROFILE.id
    assert (decision.create_profile_for, decision.use_profile_id) == (ME, None)
    assert (decision.create_interaction, decision.close_interaction_ids) == (True, ())
    assert (decision.assign_to_agent_id, decision.join_live_group_agent_id) == (AGENT, AGENT)
    assert decision.describe() == (
        "deactivated the previous person's profile for this number; "
        "created a profile for the consumer; opened a new interaction"
    )
    assert decision.plan() == (
        "deactivate the previous person's profile for this number, "
        "create a profile for the consumer and open a new interaction"
    )


def test_row2_active_with_live_agent_appends_sender_joins_live_group_assignment_kept() -> None:
    live = interaction(1002, group=frozenset({OTHER_AGENT}))

    decision = decide_send(situation(live))

    assert decision == SendDecision(
        workflow=Workflow.ACTIVE_LIVE_AGENT,
        close_interaction_ids=(),
        deactivate_profile_id=None,
        create_profile_for=None,
        use_profile_id=MY_PROFILE.id,
        create_interaction=False,
        target_interaction_id=1002,
        assign_to_agent_id=None,
        join_live_group_agent_id=AGENT,
        target_interaction_number="IMS0001002",
    )
    assert (
        decision.describe()
        == "added the message to interaction IMS0001002 and joined its live group"
    )
    assert decision.plan() == "add the message to interaction IMS0001002 and join its live group"


def test_row2_active_with_live_agent_does_not_rejoin_when_sender_is_already_a_member() -> None:
    live = interaction(1002, group=frozenset({OTHER_AGENT, AGENT}))

    decision = decide_send(situation(live))

    assert decision.workflow is Workflow.ACTIVE_LIVE_AGENT
    assert decision.target_interaction_id == 1002
    assert decision.join_live_group_agent_id is None
    assert decision.assign_to_agent_id is None
    assert decision.describe() == "added the message to interaction IMS0001002"
    assert decision.plan() == "add the message to interaction IMS0001002"


def test_row2_active_with_live_agent_appends_even_when_nobody_is_assigned() -> None:
    unassigned = ActiveInteraction(1002, "IMS0001002", 50, False, None, frozenset(), T0)

    decision = decide_send(situation(unassigned))

    assert (decision.target_interaction_id, decision.assign_to_agent_id) == (1002, None)
    assert decision.join_live_group_agent_id == AGENT


def test_row2_appends_to_the_most_recent_live_interaction_and_closes_the_others() -> None:
    older, newest, middle = (
        interaction(1, minutes=0),
        interaction(3, minutes=20),
        interaction(2, minutes=10),
    )

    decision = decide_send(situation(older, newest, middle))

    assert decision.workflow is Workflow.ACTIVE_LIVE_AGENT
    assert decision.target_interaction_id == 3
    assert decision.close_interaction_ids == (1, 2)
    assert decision.describe() == (
        "added the message to interaction IMS0000003 and joined its live group; "
        "closed duplicate interactions IMS0000001, IMS0000002"
    )
    assert decision.plan() == (
        "add the message to interaction IMS0000003 and join its live group "
        "and close duplicate interactions IMS0000001, IMS0000002"
    )


def test_row2_without_an_active_profile_creates_one_for_the_person() -> None:
    decision = decide_send(situation(interaction(1002), profile=None))

    assert decision.workflow is Workflow.ACTIVE_LIVE_AGENT
    assert (decision.create_profile_for, decision.use_profile_id) == (ME, None)
    assert decision.target_interaction_id == 1002


def test_row3_active_with_virtual_agent_closes_it_and_opens_interaction_assigned_to_agent() -> None:
    virtual = interaction(1003, virtual=True)

    decision = decide_send(situation(virtual))

    assert decision == SendDecision(
        workflow=Workflow.ACTIVE_VIRTUAL_AGENT,
        close_interaction_ids=(1003,),
        deactivate_profile_id=None,
        create_profile_for=None,
        use_profile_id=MY_PROFILE.id,
        create_interaction=True,
        target_interaction_id=None,
        assign_to_agent_id=AGENT,
        join_live_group_agent_id=AGENT,
        close_interaction_numbers=("IMS0001003",),
    )
    assert (
        decision.describe()
        == "closed virtual-agent interaction IMS0001003; opened a new interaction"
    )
    assert (
        decision.plan() == "close virtual-agent interaction IMS0001003 and open a new interaction"
    )


def test_row3_active_with_virtual_agent_creates_the_profile_when_none_is_active() -> None:
    decision = decide_send(situation(interaction(1003, virtual=True), profile=None))

    assert decision.workflow is Workflow.ACTIVE_VIRTUAL_AGENT
    assert (decision.create_profile_for, decision.use_profile_id) == (ME, None)
    assert decision.deactivate_profile_id is None


def test_row3_virtual_agent_outranks_live_agent_and_closes_every_active_interaction() -> None:
    live, virtual = interaction(1, minutes=5), interaction(2, virtual=True)

    decision = decide_send(situation(live, virtual))

    assert decision.workflow is Workflow.ACTIVE_VIRTUAL_AGENT
    assert decision.close_interaction_ids == (2, 1)
    assert (decision.create_interaction, decision.target_interaction_id) == (True, None)
    assert decision.describe() == (
        "closed interactions IMS0000002, IMS0000001, including the virtual agent's; "
        "opened a new interaction"
    )
    assert decision.plan() == (
        "close interactions IMS0000002, IMS0000001, including the virtual agent's "
        "and open a new interaction"
    )


def test_row4_active_with_different_user_closes_deactivates_creates_profile_and_interaction() -> (
    None
):
    theirs = interaction(1004, group=frozenset({OTHER_AGENT, AGENT}))

    decision = decide_send(situation(theirs, profile=THEIR_PROFILE))

    assert decision == SendDecision(
        workflow=Workflow.ACTIVE_DIFFERENT_USER,
        close_interaction_ids=(1004,),
        deactivate_profile_id=THEIR_PROFILE.id,
        create_profile_for=ME,
        use_profile_id=None,
        create_interaction=True,
        target_interaction_id=None,
        assign_to_agent_id=AGENT,
        join_live_group_agent_id=AGENT,
        close_interaction_numbers=("IMS0001004",),
    )
    assert decision.describe() == (
        "closed interaction IMS0001004 of the person who had this number; "
        "deactivated the previous person's profile for this number; "
        "created a profile for the consumer; opened a new interaction"
    )
    assert decision.plan() == (
        "close interaction IMS0001004 of the person who had this number, "
        "deactivate the previous person's profile for this number, "
        "create a profile for the consumer and open a new interaction"
    )


def test_row4_a_contact_and_a_consumer_with_the_same_id_are_different_users() -> None:
    decision = decide_send(
        situation(interaction(1), profile=MY_PROFILE, person=CONTACT_WITH_SAME_ID)
    )

    assert decision.workflow is Workflow.ACTIVE_DIFFERENT_USER
    assert decision.create_profile_for == CONTACT_WITH_SAME_ID
    assert "created a profile for the contact" in decision.describe()
    assert "create a profile for the contact" in decision.plan()


@pytest.mark.parametrize(
    ("active", "profile", "workflow"),
    [
        ((), None, Workflow.NO_ACTIVE),
        ((), THEIR_PROFILE, Workflow.NO_ACTIVE),
        ((interaction(1),), MY_PROFILE, Workflow.ACTIVE_LIVE_AGENT),
        ((interaction(1),), None, Workflow.ACTIVE_LIVE_AGENT),
        ((interaction(1, virtual=True),), MY_PROFILE, Workflow.ACTIVE_VIRTUAL_AGENT),
        ((interaction(1), interaction(2, virtual=True)), MY_PROFILE, Workflow.ACTIVE_VIRTUAL_AGENT),
        ((interaction(1),), THEIR_PROFILE, Workflow.ACTIVE_DIFFERENT_USER),
        ((interaction(1, virtual=True),), THEIR_PROFILE, Workflow.ACTIVE_DIFFERENT_USER),
        (
            (interaction(1), interaction(2, virtual=True)),
            THEIR_PROFILE,
            Workflow.ACTIVE_DIFFERENT_USER,
        ),
    ],
)
def test_priority_is_different_user_then_virtual_agent_then_live_agent_then_none(
    active: tuple[ActiveInteraction, ...], profile: ProfileRef | None, workflow: Workflow
) -> None:
    assert decide_send(situation(*active, profile=profile)).workflow is workflow


def test_ties_in_opening_time_are_broken_by_id_whatever_the_input_order() -> None:
    same_time = [interaction(5), interaction(9), interaction(7)]

    decisions = {decide_send(situation(*order)) for order in itertools.permutations(same_time)}

    assert len(decisions) == 1
    [decision] = decisions
    assert (decision.target_interaction_id, decision.close_interaction_ids) == (9, (5, 7))


def test_inbound_with_no_active_interaction_opens_one_held_by_the_virtual_agent() -> None:
    assert decide_inbound(()) == InboundDecision(
        target_interaction_id=None, close_interaction_ids=()
    )


@pytest.mark.parametrize(
    ("active", "target", "closed"),
    [
        ((interaction(1),), 1, ()),
        ((interaction(1, virtual=True),), 1, ()),
        ((interaction(1, minutes=9), interaction(2, minutes=1)), 1, (2,)),
        (
            (interaction(1), interaction(2, virtual=True, minutes=3), interaction(3, minutes=2)),
            2,
            (1, 3),
        ),
        ((interaction(4), interaction(3)), 4, (3,)),
    ],
)
def test_inbound_goes_to_the_most_recently_opened_interaction_and_closes_the_rest(
    active: tuple[ActiveInteraction, ...], target: int, closed: tuple[int, ...]
) -> None:
    assert decide_inbound(active) == InboundDecision(
        target_interaction_id=target,
        close_interaction_ids=closed,
    )


PROFILES = {"none": None, "same person": MY_PROFILE, "different person": THEIR_PROFILE}
ACTIVE_SETS = {
    "none": (),
    "live, agent is member": (interaction(1, group=frozenset({AGENT, OTHER_AGENT})),),
    "live, agent not member": (interaction(1),),
    "virtual": (interaction(1, virtual=True),),
    "several live": (interaction(1), interaction(2, minutes=1, group=frozenset({AGENT}))),
    "live and virtual": (interaction(1, minutes=1), interaction(2, virtual=True)),
}


@pytest.mark.parametrize(
    ("profile_name", "active_name"), list(itertools.product(PROFILES, ACTIVE_SETS))
)
def test_every_situation_satisfies_the_routing_invariants(
    profile_name: str, active_name: str
) -> None:
    s = situation(*ACTIVE_SETS[active_name], profile=PROFILES[profile_name])
    active_ids = {i.id for i in s.active}

    d = decide_send(s)

    closed = set(d.close_interaction_ids)
    assert d.target_interaction_id not in closed
    assert closed <= active_ids
    assert len(closed) == len(d.close_interaction_ids)
    assert d.create_interaction == (d.target_interaction_id is None)
    assert d.create_interaction == (d.assign_to_agent_id == AGENT)
    if d.create_interaction:
        assert d.join_live_group_agent_id == AGENT
        assert closed == active_ids
    else:
        assert d.assign_to_agent_id is None
        assert closed | {d.target_interaction_id} == active_ids
        [target] = [i for i in s.active if i.id == d.target_interaction_id]
        assert not target.virtual_agent
        assert (d.join_live_group_agent_id is None) == (AGENT in target.live_group)
    assert (d.deactivate_profile_id is not None) == (profile_name == "different person")
    assert (d.create_profile_for is None) != (d.use_profile_id is None)
    assert d.create_profile_for in (None, ME)
    assert d.use_profile_id in (None, MY_PROFILE.id)
    assert d.close_interaction_numbers == tuple(f"IMS{i:07d}" for i in d.close_interaction_ids)
    assert d.describe() and d.plan()


def _applied(s: SendSituation, d: SendDecision) -> tuple[SendSituation, int, str, int]:
    """The situation once the decision's effects are written: one active interaction (the new
    one, 99, or the target with the agent in its live group) and the person's profile."""
    profile_id = d.use_profile_id if d.use_profile_id is not None else 77
    if d.create_interaction:
        target = ActiveInteraction(
            99, "IMS0000099", profile_id, False, AGENT, frozenset({AGENT}), T0 + timedelta(1)
        )
    else:
        [kept] = [i for i in s.active if i.id == d.target_interaction_id]
        target = dataclasses.replace(kept, live_group=kept.live_group | {AGENT})
    after = SendSituation(AGENT, s.person, ProfileRef(profile_id, s.person), (target,))
    return after, target.id, target.number, profile_id


@pytest.mark.parametrize(
    ("profile_name", "active_name"), list(itertools.product(PROFILES, ACTIVE_SETS))
)
def test_the_send_after_a_send_only_adds_to_where_the_first_went(
    profile_name: str, active_name: str
) -> None:
    """followed_by (the composer's next preview, said by send_sms) is what decide_send says
    for the situation the first Send left, in every row."""
    s = situation(*ACTIVE_SETS[active_name], profile=PROFILES[profile_name])
    d = decide_send(s)
    after, target_id, number, profile_id = _applied(s, d)

    assert d.followed_by(target_id, number, profile_id) == decide_send(after)
    assert d.followed_by(target_id, number, profile_id).plan() == (
        f"add the message to interaction {number}"
    )


def _confirmation(s: SendSituation) -> Confirmation | None:
    return confirmation_needed(s, decide_send(s))


def test_no_confirmation_for_a_new_interaction_or_appending() -> None:
    assert _confirmation(situation()) is None
    assert _confirmation(situation(interaction(1))) is None  # row 2: assignment is kept


def test_no_confirmation_for_closing_the_virtual_agents_interaction() -> None:
    assert _confirmation(situation(interaction(1, virtual=True))) is None


def test_closing_another_agents_interaction_asks_first_naming_it_and_its_holder() -> None:
    # Row 3 with a live agent's duplicate beside the virtual agent's: closes theirs too.
    s = situation(interaction(1, virtual=True), interaction(2, minutes=1))
    assert _confirmation(s) == Confirmation(
        closes=(("IMS0000002", OTHER_AGENT),), moves_number_from=None
    )


def test_moving_a_number_to_another_person_always_asks() -> None:
    s = situation(interaction(1), profile=THEIR_PROFILE)
    assert _confirmation(s) == Confirmation(
        closes=(("IMS0000001", OTHER_AGENT),), moves_number_from=SOMEONE_ELSE
    )
    alone = situation(profile=THEIR_PROFILE)  # row 1 replacing a profile: nothing closed
    assert _confirmation(alone) == Confirmation(closes=(), moves_number_from=SOMEONE_ELSE)


def test_closing_ones_own_interaction_needs_no_confirmation() -> None:
    mine = ActiveInteraction(
        id=3,
        number="IMS0000003",
        profile_id=50,
        virtual_agent=False,
        assigned_agent_id=AGENT,
        live_group=frozenset({AGENT}),
        opened_at=T0,
    )
    assert _confirmation(situation(interaction(1, virtual=True), mine)) is None
