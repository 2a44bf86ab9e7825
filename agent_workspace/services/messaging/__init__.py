"""Messaging: Send and its routing (inbound texts are services/inbound; the outbox and its
dispatcher services/outbox; the conversation as agents read it, and opt-outs,
services/conversation)."""
