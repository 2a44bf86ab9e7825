"""Channels: the SMS channel, its provider numbers, attachment policy, quiet hours and
automatic assignment setting, and their admin."""
