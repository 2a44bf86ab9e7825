"""The access rule, row by row: what each need allows to whom on one interaction."""

from __future__ import annotations

import pytest

from agent_workspace.domain.access import Need, Standing, may

OUTSIDER = Standing(supervisor=False)
ASSIGNEE = Standing(supervisor=False, assignee=True)
MEMBER = Standing(supervisor=False, member=True)
SUPERVISOR = Standing(supervisor=True)


@pytest.mark.parametrize(
    ("need", "standing", "allowed"),
    [
        (Need.VIEW, OUTSIDER, True),  # any agent reads it and may Send from it
        (Need.VIEW, ASSIGNEE, True),
        (Need.WORK, OUTSIDER, False),  # closing or editing another agent's work: no
        (Need.WORK, ASSIGNEE, True),
        (Need.WORK, MEMBER, True),
        (Need.WORK, SUPERVISOR, True),
        (Need.SUPERVISE, ASSIGNEE, False),  # holding it is not supervising it
        (Need.SUPERVISE, MEMBER, False),
        (Need.SUPERVISE, SUPERVISOR, True),
        (Need.REASSIGN, SUPERVISOR, True),
        (Need.REASSIGN, ASSIGNEE, False),
        (Need.REASSIGN, Standing(supervisor=False, admin=True), False),  # an active agent's
        (Need.REASSIGN, Standing(supervisor=False, admin=True, holder_deactivated=True), True),
        (Need.WORK, Standing(supervisor=False, admin=True, holder_deactivated=True), False),
    ],
)
def test_what_each_need_allows(need: Need, standing: Standing, allowed: bool) -> None:
    assert may(need, standing) is allowed
