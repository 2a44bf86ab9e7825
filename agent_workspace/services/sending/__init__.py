"""Sending: deciding and queueing a Send. What the composer offers (options.py), the preview of
what Send will do and the question it asks first, and the send itself: checked, routed and
stored `queued` in one transaction (send.py, decision.py), for the outbox to deliver."""
