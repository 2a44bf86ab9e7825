"""Conversation: an interaction's messages as agents read them (the page, its history, the
transcript), what agents add beside a Send (internal notes, whose @mentions notify colleagues;
canned replies), handing the conversation on with a note (transfer: to a colleague or back to
the queue), and the opt-outs and quiet hours that say whom a number may still text, and when.

Conversation reads and changes interactions (services/interactions), never the other way round:
transfer lives here because it writes an internal note (tests/unit/test_architecture.py keeps
the two groups from importing each other)."""
