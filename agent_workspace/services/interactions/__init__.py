"""Interactions: their lists, their life (open, join, close, snooze and wake) and supervision
of the floor."""
