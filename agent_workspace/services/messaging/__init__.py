"""Messaging: Send and its routing, inbound texts, the outbox and its dispatcher (the
conversation as agents read it, and opt-outs, are services/conversation)."""
