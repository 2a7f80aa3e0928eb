"""Turning raw values into records, with problems a person can act on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from forceplan.errors import DataValidationError
from forceplan.standard.base import Record
from forceplan.standard.demand import Case, Deployment, Incident
from forceplan.standard.duty import Absence, RosterAssignment, ShiftDefinition
from forceplan.standard.organisation import Force, Person, Unit

#: Every record type of the standard, by the name used in files, schemas and the CLI.
RECORD_TYPES: dict[str, type[Record]] = {
    "force": Force,
    "unit": Unit,
    "person": Person,
    "shift_definition": ShiftDefinition,
    "roster_assignment": RosterAssignment,
    "absence": Absence,
    "incident": Incident,
    "deployment": Deployment,
    "case": Case,
}


def record_type(name: str) -> type[Record]:
    """The record class for a name such as ``person`` (refuses unknown names helpfully)."""
    try:
        return RECORD_TYPES[name.replace("-", "_").lower()]
    except KeyError:
        known = ", ".join(sorted(RECORD_TYPES))
        raise DataValidationError(
            f"unknown record type {name!r}",
            problems=[{"field": "record_type", "value": name, "reason": "unknown"}],
            hint=f"use one of: {known}",
        ) from None


def problems_from(error: ValidationError, record_type_name: str) -> list[dict[str, Any]]:
    """Flatten a pydantic error into problems naming the field, the value and the reason."""
    problems = []
    for item in error.errors(include_url=False):
        location = ".".join(str(part) for part in item["loc"]) or "(record)"
        reason = item["msg"]
        field = location
        # Cross-field checks put the field name first in the message: "end: ends before ...".
        if item["type"] == "value_error":
            reason = reason.removeprefix("Value error, ")
            head, sep, tail = reason.partition(": ")
            if sep and head.replace("_", "").isalnum() and field == "(record)":
                field, reason = head, tail
            elif sep and head.replace("_", "").isalnum():
                field, reason = f"{location}.{head}" if location else head, tail
        value = item.get("input")
        if isinstance(value, Mapping):
            value = value.get(field.rsplit(".", 1)[-1])
        problems.append(
            {
                "record": record_type_name,
                "field": field,
                "value": value if not isinstance(value, Mapping | list) else None,
                "reason": reason,
            }
        )
    return problems


def parse_record(
    name: str, data: Mapping[str, Any], *, source: str | None = None, line: int | None = None
) -> Record:
    """Validate one raw record; raise :class:`DataValidationError` naming each bad field."""
    model = record_type(name)
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        problems = problems_from(exc, name)
        for problem in problems:
            if source is not None:
                problem["file"] = source
            if line is not None:
                problem["line"] = line
        where = f"{source}, line {line}: " if source and line else (f"{source}: " if source else "")
        summary = "; ".join(f"{p['field']}: {p['reason']}" for p in problems)
        raise DataValidationError(
            f"{where}invalid {name} record: {summary}",
            problems,
            hint="correct the named fields (docs/standard.md describes each one) and try again",
        ) from None


def parse_records(
    name: str, rows: Iterable[Mapping[str, Any]], *, source: str | None = None
) -> list[Record]:
    """Validate many rows; if any is bad, raise one error listing every problem (first 1-based)."""
    records: list[Record] = []
    problems: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        try:
            records.append(parse_record(name, row, source=source, line=number))
        except DataValidationError as exc:
            problems.extend(exc.problems)
    if problems:
        lines = sorted({p.get("line") for p in problems if p.get("line") is not None})
        shown = ", ".join(str(n) for n in lines[:10]) + (" …" if len(lines) > 10 else "")
        first = problems[0]
        raise DataValidationError(
            f"{source or 'input'}: {len(lines)} invalid {name} record(s) (lines {shown}); first: "
            f"line {first.get('line')}, field {first['field']}: {first['reason']}",
            problems,
            hint="nothing was loaded; correct the rows listed and load the file again",
        )
    return records
