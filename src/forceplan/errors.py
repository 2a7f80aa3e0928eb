"""The errors forceplan raises on purpose.

Every error carries a message a planner understands and a ``hint`` saying what to do next.
Shells (CLI, API) print or map these; anything else is a bug and may show a traceback.
"""

from __future__ import annotations


class ForceplanError(Exception):
    """Base of every error caused by input, configuration or state a user can fix."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\nWhat to do: {self.hint}"


class ConfigurationError(ForceplanError):
    """A setting is missing or has a value we cannot use."""


class DataValidationError(ForceplanError):
    """One or more records break the open standard.

    ``problems`` lists each problem as a dict with ``record``, ``field``, ``value`` and ``reason``
    (and ``file`` / ``line`` where the record came from a file).
    """

    def __init__(
        self, message: str, problems: list[dict[str, object]], hint: str | None = None
    ) -> None:
        super().__init__(message, hint)
        self.problems = problems


class StoreError(ForceplanError):
    """The database cannot be reached, is at the wrong schema version, or refused a write."""


class NotFoundError(ForceplanError):
    """A force, unit, person or other named thing does not exist in the store."""


class InfeasibleRosterError(ForceplanError):
    """A roster request cannot be met; ``conflicts`` names the rules that clash.

    ``timed_out``: no roster was found in the time given, without proof that none exists."""

    def __init__(
        self, message: str, conflicts: list[str], hint: str | None = None, timed_out: bool = False
    ) -> None:
        super().__init__(message, hint)
        self.conflicts = conflicts
        self.timed_out = timed_out


class AccessDeniedError(ForceplanError):
    """The person asking may not see or change this (personal welfare data, another unit)."""

    exit_code = 3
