"""Reusable pieces of the workspace UI."""
