"""Interactions: their lists, their life (open, join, close) and supervision of the floor."""
