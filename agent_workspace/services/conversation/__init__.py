"""Conversation: an interaction's messages as agents read them (the page, its history, the
transcript), what agents add beside a Send (internal notes, canned replies), and the opt-outs
and quiet hours that say whom a number may still text, and when."""
