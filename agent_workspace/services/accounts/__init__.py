"""Accounts: users, their roles and passwords, and sign-in sessions."""
