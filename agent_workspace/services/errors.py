"""Errors the services raise; their messages are written for the person at the screen."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal with a specific, human-readable reason; nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AccessDenied(ServiceError):
    """The signed-in user lacks the role, or nobody is signed in."""


class NotFound(ServiceError):
    """The record asked for does not exist (or is not visible to the user)."""


class InvalidInput(ServiceError):
    """The input cannot be accepted as given."""


class FieldProblems(InvalidInput):
    """Input refused field by field, so a form can say what is wrong next to each field.

    `problems` maps a field name to its reason; the message is the first reason (what a
    command line shows).
    """

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(next(iter(problems.values()), "The input cannot be accepted."))
        self.problems = dict(problems)
