"""The SMS channel's Messaging Service SID: Twilio's shape, "MG" and 32 hexadecimal digits
(the `MessagingServiceSid` pattern of its OpenAPI description), or nothing."""

from __future__ import annotations

import pytest

from agent_workspace.domain.channels import channel_problems, messaging_service_problem

SID = "MG4154e1578d6f7d406e99309eed40717d"


@pytest.mark.parametrize(
    "sid",
    ["", SID, "MG" + SID[2:].upper(), "MG" + "0" * 32],
)
def test_accepted_sids(sid: str) -> None:
    assert messaging_service_problem(sid) is None


@pytest.mark.parametrize(
    ("sid", "says"),
    [
        ("PN4154e1578d6f7d406e99309eed40717d", "starts with MG"),
        ("mg4154e1578d6f7d406e99309eed40717d", "starts with MG, in capitals"),
        ("AC4154e1578d6f7d406e99309eed40717d", "starts with MG"),
        ("MG4154e1578d6f7d406e99309eed40717", "is 33 characters."),
        ("MG4154e1578d6f7d406e99309eed40717dd", "is 35 characters."),
        ("MG4154e1578d6f7d406e99309eed40717g", "not 0-9 or a-f"),
        ("MG 4154e1578d6f7d406e99309eed40717", "not 0-9 or a-f"),
        ("MG", "is 2 characters."),
    ],
)
def test_refused_sids_say_what_is_wrong(sid: str, says: str) -> None:
    problem = messaging_service_problem(sid)
    assert problem is not None and says in problem


def test_the_channel_form_names_the_field() -> None:
    assert set(channel_problems("SMS", "US", messaging_service_sid="MG1")) == {
        "messaging_service_sid"
    }
    assert channel_problems("SMS", "US", messaging_service_sid=SID) == {}
