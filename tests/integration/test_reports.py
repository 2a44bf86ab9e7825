"""Reports (issue 27 item 10): every figure of a desk's week worked out by hand
(tests/support/report_fixture.py), on SQLite and PostgreSQL, and the same as the pure
definitions in domain/figures.py on the same data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.domain import figures
from agent_workspace.domain.reports import Grain, GroupBy, Period, to_csv
from agent_workspace.models import Interaction, Message
from agent_workspace.services.accounts import auth
from agent_workspace.services.channels.after_hours import AutoReply, update_auto_reply
from agent_workspace.services.channels.business_hours import (
    BusinessHours,
    update_business_hours,
)
from agent_workspace.services.channels.sla_policies import save_policy
from agent_workspace.services.errors import AccessDenied
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.lifecycle import close_by_agent
from agent_workspace.services.reports.report import Report, build_report
from tests.support import report_fixture
from tests.support.business_hours import closed_now
from tests.support.factories import BILLING_NUMBER, SUPPORT_NUMBER
from tests.support.report_fixture import ZONE, at

HAL = "+14155550444"
WEEK = Period(date(2026, 12, 1), date(2026, 12, 7), Grain.DAY, ZONE)


def _report(group: GroupBy = GroupBy.DESK, period: Period = WEEK, who: str = "sue") -> Report:
    _, actor = auth.sign_in(username=who, password=f"{who}-pass-phrase")
    return build_report(actor=actor, period=period, group=group)


def test_a_days_figures_are_counted_in_the_desks_zone(engine: Engine) -> None:
    report_fixture.build(engine)
    report = _report()

    assert report.table("conversations").rows == (
        ("2026-12-01", "All", 2, 0),  # B opened at 04:30 UTC: 23:30 on 1 December in New York
        ("2026-12-02", "All", 0, 1),
        ("2026-12-03", "All", 0, 1),
        ("2026-12-04", "All", 1, 0),
    )
    no_hours = (None,) * 7  # no business hours, no SLA policy: calendar time only
    assert report.table("response-times").rows == (
        ("2026-12-01", "All", 1, 600, 600, 0, None, None, *no_hours),
        ("2026-12-02", "All", 1, 1800, 1800, 1, 90_000, 90_000, *no_hours),
        ("2026-12-03", "All", 1, 1_126_800, 1_126_800, 1, 1_134_000, 1_134_000, *no_hours),
    )
    assert report.table("messages").rows == (
        ("2026-12-01", "All", 1, 3, 4),
        ("2026-12-02", "All", 2, 1, 1),
        ("2026-12-03", "All", 0, 1, 1),
        ("2026-12-04", "All", 1, 0, 0),
    )
    assert report.table("delivery").rows == (
        ("2026-12-01", "All", "delivered", None, 2),
        ("2026-12-01", "All", "undelivered", 30007, 1),
        ("2026-12-02", "All", "delivered", None, 1),
        ("2026-12-03", "All", "delivered", None, 1),
    )
    assert report.table("opt-outs").rows == (
        ("2026-12-01", "All", 0, 2, 0.0),
        ("2026-12-02", "All", 1, 1, 100.0),
        ("2026-12-03", "All", 0, 1, 0.0),
    )
    inbound = [at("12-01 15:00"), at("12-02 05:00"), at("12-02 06:00"), at("12-04 20:00")]
    heat = report.table("heatmap").rows
    assert tuple(tuple(row[1:]) for row in heat) == figures.heatmap(inbound, ZONE)
    assert heat[1][0] == "Tuesday" and heat[1][1 + 10] == 1  # Dana's text at 10:00 New York


def test_a_weeks_percentiles_are_the_pure_nearest_rank_ones(engine: Engine) -> None:
    report_fixture.build(engine)
    week = Period(date(2026, 12, 1), date(2026, 12, 7), Grain.WEEK, ZONE)

    ((period, group, responses, median, p90, resolved, r_median, r_p90, *_),) = (
        _report(period=week).table("response-times").rows
    )

    responses_s, resolutions_s = [600, 1800, 1_126_800], [90_000, 1_134_000]
    assert (period, group, responses, resolved) == ("2026-11-30", "All", 3, 2)  # its Monday
    assert (
        (median, p90)
        == (figures.median(responses_s), figures.p90(responses_s))
        == (
            1800,
            1_126_800,
        )
    )
    assert (
        (r_median, r_p90)
        == (figures.median(resolutions_s), figures.p90(resolutions_s))
        == (
            90_000,
            1_134_000,
        )
    )


def test_with_business_hours_the_times_count_open_time_too(engine: Engine) -> None:
    report_fixture.build(engine)
    _, ada = auth.sign_in(username="ada", password="ada-pass-phrase")
    update_business_hours(actor=ada, hours=BusinessHours(ZONE, "Mon-Fri 09:00-17:00"))
    week = Period(date(2026, 12, 1), date(2026, 12, 7), Grain.WEEK, ZONE)

    ((*calendar, fr_median, fr_p90, res_median, res_p90, _, _, _),) = (
        _report(period=week).table("response-times").rows
    )

    # Open time, New York: A answered at 10:10 within hours (600 s), resolved Tue 09:00 to
    # Wed 10:00 (8 h + 1 h); B answered at 00:30 Wed, closed (0 s); C asked Fri 20 Nov 07:00
    # and was answered Thu 3 Dec 08:00, resolved 09:00: 9 working days of 8 h either way.
    responses, resolutions = [600, 0, 259_200], [32_400, 259_200]
    assert calendar[2:] == [3, 1800, 1_126_800, 2, 90_000, 1_134_000]  # calendar time stays
    assert (fr_median, fr_p90) == (figures.median(responses), figures.p90(responses))
    assert (fr_median, fr_p90) == (600, 259_200)
    assert (res_median, res_p90) == (figures.median(resolutions), figures.p90(resolutions))
    assert (res_median, res_p90) == (32_400, 259_200)


def test_sla_percent_met_counts_each_decided_target_under_the_policy(engine: Engine) -> None:
    report_fixture.build(engine)
    _, ada = auth.sign_in(username="ada", password="ada-pass-phrase")
    save_policy(
        actor=ada,
        policy_id=None,
        label_id=None,
        first_response="20m",
        next_response="",
        resolution="26h",
    )

    rows = _report().table("response-times").rows

    # First responses: A 10 min (met), B 30 min, C 13 days (missed); resolutions: A 25 h
    # (met), C 13 days (missed).
    assert [(r[0], r[-3], r[-2]) for r in rows] == [
        ("2026-12-01", 100.0, None),
        ("2026-12-02", 0.0, 100.0),
        ("2026-12-03", 0.0, 0.0),
    ]
    week = Period(date(2026, 12, 1), date(2026, 12, 7), Grain.WEEK, ZONE)
    ((*_, first_met, resolution_met, _),) = _report(period=week).table("response-times").rows
    assert first_met == figures.sla_met_percent([True, False, False]) == 100 / 3
    assert resolution_met == figures.sla_met_percent([True, False]) == 50.0


def test_next_response_sla_percent_met_counts_the_conversations_resolved(
    engine: Engine,
) -> None:
    """Of the conversations closed in a period, the share whose next responses all met the
    target. B (Eve): her second text at 06:00 waits until B closes at 07:00, unanswered."""
    desk = report_fixture.build(engine)
    _, ada = auth.sign_in(username="ada", password="ada-pass-phrase")
    _, bob = auth.sign_in(username="bob", password="bob-pass-phrase")
    close_by_agent(actor=bob, interaction_id=desk.b)
    with Session(engine) as session:
        b = session.get(Interaction, desk.b)
        assert b is not None
        b.closed_at = b.updated_at = at("12-02 07:00")  # 02:00 on 2 December in New York
        session.add(b)
        session.commit()

    def next_met(target: str, policy_id: int | None) -> tuple[list[object], int]:
        policy = save_policy(
            actor=ada,
            policy_id=policy_id,
            label_id=None,
            first_response="20m",
            next_response=target,
            resolution="",
        )
        rows = _report().table("response-times").rows
        return [(r[0], r[-1]) for r in rows], policy.id

    # A (closed 12-02) and C (12-03) had no second text: nothing to decide.
    missed, policy_id = next_met("30m", None)
    assert missed == [("2026-12-01", None), ("2026-12-02", 0.0), ("2026-12-03", None)]
    met_in_time, _ = next_met("2h", policy_id)
    assert met_in_time == [("2026-12-01", None), ("2026-12-02", 100.0), ("2026-12-03", None)]


def test_figures_per_agent_label_and_provider_number(engine: Engine) -> None:
    report_fixture.build(engine)

    by_agent = _report(GroupBy.AGENT)
    assert by_agent.table("conversations").rows == (
        ("2026-12-01", "Alice", 1, 0),
        ("2026-12-01", "Bob", 1, 0),
        ("2026-12-02", "Alice", 0, 1),
        ("2026-12-03", "Alice", 0, 1),
        ("2026-12-04", "Virtual agent", 1, 0),
    )
    assert by_agent.table("opt-outs").rows[1] == ("2026-12-01", "Bob", 0, 1, 0.0)
    assert ("2026-12-02", "Bob", 1, 1, 100.0) in by_agent.table("opt-outs").rows
    # The charts read the whole desk beside the grouped tables.
    assert by_agent.desk[0].rows[0] == ("2026-12-01", "All", 2, 0)

    by_label = _report(GroupBy.LABEL).table("conversations").rows
    assert by_label == (
        ("2026-12-01", "No label", 1, 0),
        ("2026-12-01", "VIP", 1, 0),
        ("2026-12-02", "VIP", 0, 1),
        ("2026-12-03", "VIP", 0, 1),
        ("2026-12-04", "No label", 1, 0),
    )

    by_number = _report(GroupBy.NUMBER)
    assert by_number.table("messages").rows == (
        ("2026-12-01", SUPPORT_NUMBER, 1, 2, 2),
        ("2026-12-01", BILLING_NUMBER, 0, 1, 2),
        ("2026-12-02", BILLING_NUMBER, 2, 1, 1),
        ("2026-12-03", SUPPORT_NUMBER, 0, 1, 1),
        ("2026-12-04", SUPPORT_NUMBER, 1, 0, 0),
    )
    assert by_number.table("conversations").rows[:2] == (
        ("2026-12-01", SUPPORT_NUMBER, 1, 0),
        ("2026-12-01", BILLING_NUMBER, 1, 0),
    )


def test_the_charts_and_heatmap_are_the_whole_desks_whatever_the_grouping(
    engine: Engine,
) -> None:
    """Grouped by agent or number the whole desk is the groups' sums; by label (a conversation
    in each of its labels, or none) it is read again."""
    report_fixture.build(engine)
    desk = _report()

    for group in (GroupBy.AGENT, GroupBy.LABEL, GroupBy.NUMBER):
        grouped = _report(group)
        assert [t.rows for t in grouped.desk] == [t.rows for t in desk.tables[:3]], group
        assert grouped.table("heatmap").rows == desk.table("heatmap").rows, group


def test_the_csv_holds_the_tables_rows(engine: Engine) -> None:
    report_fixture.build(engine)

    text = to_csv(_report(who="ada").table("opt-outs"))

    assert text.splitlines() == [
        "Period,Whole desk,Opted out,Reached,Opt-out rate (%)",
        "2026-12-01,All,0,2,0.0",
        "2026-12-02,All,1,1,100.0",
        "2026-12-03,All,0,1,0.0",
    ]


def test_an_agent_may_not_read_reports(engine: Engine) -> None:
    report_fixture.build(engine)

    with pytest.raises(AccessDenied, match="does not have the supervisor role"):
        _report(who="alice")
    with pytest.raises(AccessDenied, match="sign in"):
        build_report(actor=None, period=WEEK, group=GroupBy.DESK)


def test_the_after_hours_auto_reply_is_no_first_response(engine: Engine) -> None:
    report_fixture.build(engine)
    _, ada = auth.sign_in(username="ada", password="ada-pass-phrase")
    update_business_hours(actor=ada, hours=closed_now())
    update_auto_reply(actor=ada, setting=AutoReply(True, "We are closed; back at 09:00."))
    receive_sms(sms=InboundSms(sid="SM" + "e" * 32, from_=HAL, to=SUPPORT_NUMBER, body="Hi?"))
    # It is written in the text's own transaction, at its moment; a minute later it would
    # still answer nobody's question.
    with Session(engine) as session:
        (reply,) = session.exec(select(Message).where(col(Message.auto_reply))).all()
        reply.created_at += timedelta(minutes=1)
        session.add(reply)
        session.commit()
    today = datetime.now(UTC).date()

    report = _report(period=Period(today, today, Grain.DAY, "UTC"))

    assert report.table("messages").rows == ((today.isoformat(), "All", 1, 1, 0),)  # queued
    assert report.table("response-times").rows == ()


def test_a_message_the_provider_reported_on_went_out_without_its_sent_time(
    engine: Engine,
) -> None:
    report_fixture.build(engine)
    with Session(engine) as session:  # as a row written before `sent_at` was kept
        first = session.get(Message, 1)
        assert first is not None and first.status == "delivered"
        first.sent_at = None
        session.add(first)
        session.commit()

    report = _report()

    assert report.table("messages").rows[0] == ("2026-12-01", "All", 1, 3, 4)
    assert report.table("opt-outs").rows[0] == ("2026-12-01", "All", 0, 2, 0.0)
