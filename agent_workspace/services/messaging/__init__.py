"""Messaging: inbound texts, the outbox and its dispatcher, opt-outs and
the conversation as agents read it."""
