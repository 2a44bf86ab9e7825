"""Messaging: Send and its routing, inbound texts, opt-outs and the conversation as agents
read it (the outbox and its dispatcher are services/outbox/)."""
