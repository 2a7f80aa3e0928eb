"""Shared building blocks of the standard's records."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, StringConstraints

#: Identifier of a record, unique within its force (and, for forces, nationally).
Identifier = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$"),
]

#: A short code such as a skill or shift code: lower-case letters, digits and underscores.
Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_]{1,32}$")]

#: Free text shown to people (names, notes). Single line, at most 200 characters.
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Record(BaseModel):
    """Base of every record: unknown fields are refused, values are immutable once made."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        use_enum_values=False,
        validate_default=True,
    )


def check_timezone(value: str) -> str:
    """An IANA time zone name, or a ValueError a person can act on."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}; use an IANA name") from exc
    return value
