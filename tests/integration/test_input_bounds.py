"""What a browser sends is bounded before it reaches a query: searches, lookups and ids.

Any connected client can call any handler with arguments of its choosing; each value here is
refused with a message that says what is wrong, on SQLite and on PostgreSQL alike, instead of
costing the database a statement it cannot run or a plan it cannot afford.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from agent_workspace.db.engine import reading
from agent_workspace.domain.inputs import MAX_ROW_ID, SEARCH_CHARS, SEARCH_WORDS
from agent_workspace.domain.routing import PersonKind, PersonRef
from agent_workspace.models import InteractionType, Role
from agent_workspace.services.channels import numbers
from agent_workspace.services.conversation import canned_replies as replies
from agent_workspace.services.conversation.conversation import conversation
from agent_workspace.services.errors import InvalidInput, NotFound
from agent_workspace.services.files import staged
from agent_workspace.services.interactions import notices, supervising
from agent_workspace.services.interactions.inbox import ListQuery, inbox
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.people.directory import get_people, search_people
from tests.support.factories import make_channel, make_consumer, make_user

NUL = "Dana\x00Tester"
# Not ids any row can have: past PostgreSQL's INTEGER and BIGINT, zero, negative, not ints.
NOT_IDS: list[Any] = [MAX_ROW_ID + 1, 2**63, 2**70, 0, -1, True, 1.5, "1", None, [1], {"id": 1}]


def test_a_reply_search_of_many_words_is_refused_before_any_query(engine: Engine) -> None:
    # One ILIKE per word, the statement copied for each: 40,000 words took 13.3 s a search on
    # PostgreSQL and stalled every other agent's list behind it.
    ada, alice = make_user("ada", roles=(Role.ADMIN,)), make_user("alice")
    replies.create_reply(actor=ada, title="Refund policy today", body="30 days", shared=True)
    with pytest.raises(InvalidInput, match=f"at most {SEARCH_CHARS} characters"):
        replies.replies_for(actor=alice, search="a " * 40_000)
    with pytest.raises(InvalidInput, match=f"at most {SEARCH_WORDS} words"):
        replies.replies_for(actor=alice, search=" ".join("re" for _ in range(SEARCH_WORDS + 1)))
    found = replies.replies_for(actor=alice, search=" ".join(["re", "fund", "po"] * 2 + ["t"] * 2))
    assert [r.title for r in found] == ["Refund policy today"]


def test_searches_with_a_nul_character_are_refused_on_both_databases(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    make_consumer("Dana", "+14155550123")
    with pytest.raises(InvalidInput, match="NUL"):
        inbox(actor=alice, query=ListQuery(search=NUL))
    with pytest.raises(InvalidInput, match="NUL"):
        replies.replies_for(actor=alice, search=NUL)
    with pytest.raises(InvalidInput, match="NUL"):
        search_people(actor=alice, text=NUL)


def test_a_person_lookup_is_a_search_and_bounded_like_one(engine: Engine) -> None:
    # 50,001 characters made SQLite refuse the LIKE pattern ("too complex") with a traceback.
    alice = make_user("alice")
    make_consumer("Dana", "+14155550123")
    with pytest.raises(InvalidInput, match=f"at most {SEARCH_CHARS} characters"):
        search_people(actor=alice, text="D" * 50_001)
    assert [p.name for p in search_people(actor=alice, text="dana tes")] == ["Dana Tester"]


@pytest.mark.parametrize("text", [None, 42, ["Dana"], {"Dana": 1}])
def test_a_search_that_is_not_text_is_refused(engine: Engine, text: Any) -> None:
    alice = make_user("alice")
    with pytest.raises(InvalidInput, match="must be text"):
        replies.replies_for(actor=alice, search=text)
    with pytest.raises(InvalidInput, match="must be text"):
        search_people(actor=alice, text=text)
    with pytest.raises(InvalidInput, match="must be text"):
        inbox(actor=alice, query=ListQuery(search=text))


@pytest.mark.parametrize("bad", NOT_IDS, ids=repr)
def test_an_id_no_row_can_have_is_not_found_and_never_queried(engine: Engine, bad: Any) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    dana = make_consumer("Dana", "+14155550123")
    row = create_interaction(actor=sam, type=InteractionType.PHONE, person=dana)
    reply = replies.create_reply(actor=ada, title="Hi", body="Hello", shared=True)
    with pytest.raises(NotFound, match="does not exist"):
        conversation(actor=sam, interaction_id=bad)
    with pytest.raises(NotFound, match="does not exist"):
        replies.render(actor=sam, reply_id=bad, interaction_id=row.id)
    with pytest.raises(NotFound, match="does not exist"):
        replies.delete_reply(actor=ada, reply_id=bad)
    with pytest.raises(NotFound, match="no longer a sending number"):
        numbers.remove_number(actor=ada, number_id=bad)
    with pytest.raises(NotFound, match="attached file is gone"):
        staged.discard(actor=sam, attachment_id=bad)
    with pytest.raises(NotFound, match="agent does not exist"):
        supervising.reassign(actor=sam, interaction_id=row.id, agent_id=bad)
    notices.dismiss(actor=sam, notice_id=bad)  # nothing to dismiss, as for any unknown notice
    with reading() as session:
        assert get_people(session, [PersonRef(PersonKind.CONSUMER, bad)]) == {}
    assert replies.list_shared(actor=ada)[0].id == reply.id  # nothing was deleted
