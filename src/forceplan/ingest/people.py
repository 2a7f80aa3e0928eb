"""People need more than column checks: nested skills and the standard's cross-field rules
(officers have a rank, staff do not, …). Volumes are small (thousands), so each person is
validated by the record itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from forceplan.errors import DataValidationError
from forceplan.ingest.profile import Profile
from forceplan.ingest.readers import LINE, PROBLEM_SCHEMA
from forceplan.standard import parse_record
from forceplan.store import tables as t
from forceplan.store.bulk import frame_schema
from forceplan.store.records import record_rows

SKILLS = "skills"


def _skills(text: str | None, separator: str) -> tuple[list[dict[str, Any]], str | None]:
    """``taser:2026-09-30; first_aid`` → skills; or the reason the text is not readable."""
    skills = []
    for item in (text or "").split(separator):
        code, _, expiry = item.strip().partition(":")
        if not code:
            continue
        try:
            expires = dt.date.fromisoformat(expiry.strip()) if expiry.strip() else None
        except ValueError:
            return [], f"skill {item.strip()!r}: expiry is not a date (YYYY-MM-DD)"
        skills.append({"code": code.strip().lower(), "expires_on": expires})
    return skills, None


def people_rows(mapped: pl.DataFrame, profile: Profile) -> tuple[pl.DataFrame, pl.DataFrame,
                                                                 pl.DataFrame]:
    """(people rows with their line, skill rows, problems) from mapped person fields."""
    spec = profile.fields.get(SKILLS)
    separator = (spec.split if spec and spec.split else ";")
    people: list[dict[str, Any]] = []
    skills: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    for row in mapped.iter_rows(named=True):
        line = row.pop(LINE)
        listed, reason = _skills(row.pop(SKILLS, None), separator)
        if reason:
            problems.append({"line": line, "field": SKILLS, "value": None, "reason": reason,
                             "raw": None})
            continue
        data = {k: v for k, v in row.items() if v is not None}
        data[SKILLS] = listed
        try:
            person = parse_record("person", data)
        except DataValidationError as exc:
            problems += [{"line": line, "field": p["field"], "value": None if p.get("value")
                          is None else str(p["value"]), "reason": p["reason"], "raw": None}
                         for p in exc.problems]
            continue
        rows = record_rows(person)
        people += [{**r, LINE: line} for r in rows[t.people]]
        skills += rows[t.person_skills]
    return (
        pl.DataFrame(people, schema={**frame_schema(t.people), LINE: pl.Int64}, orient="row"),
        pl.DataFrame(skills, schema=frame_schema(t.person_skills), orient="row"),
        pl.DataFrame(problems, schema=PROBLEM_SCHEMA, orient="row"),
    )
