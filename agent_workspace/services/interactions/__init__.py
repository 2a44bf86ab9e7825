"""Interactions: their lists, their life (open, join, close, snooze and wake), supervision of the
floor, their labels, and who takes the new ones (agents' availability and automatic assignment)."""
