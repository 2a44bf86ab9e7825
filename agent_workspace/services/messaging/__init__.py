"""Messaging: Send and its routing, the outbox and its dispatcher (inbound texts are
services/inbound; the conversation as agents read it, and opt-outs, services/conversation)."""
