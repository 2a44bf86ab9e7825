"""Channels: the SMS channel, its provider numbers and attachment policy, and their admin."""
