"""Errors that business rules raise; pages and the API turn them into messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class RuleViolation(Exception):
    """A business rule refused the action (illegal transition, missing evidence, ...)."""

    code = "rule_violation"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        if code:
            self.code = code


class Conflict(RuleViolation):
    """The object changed since the form was loaded (optimistic locking)."""

    code = "conflict"


class NotAllowed(PermissionDenied):
    """The user may not do this to an object they can see."""
