"""The Curtois & Qu employee shift scheduling benchmark, read into our roster problem.

Format (../shared/data/README.md): comma-separated sections, ``#`` comments, a blank line ends a
section, day 0 is a Monday. Its rules are a subset of ours: one tour a day, forbidden
successions, per-tour maxima, total minutes, runs of work and of days off, weekends, days off;
the objective is requests refused plus weighted under- and over-cover.
"""

from __future__ import annotations

from pathlib import Path

from forceplan.errors import DataValidationError
from forceplan.roster.model import RuleConfig
from forceplan.roster.problem import NO_LIMITS, Cover, Officer, Request, RosterProblem, Tour

#: The benchmark's rules: every hard rule it states, and its two soft terms.
BENCHMARK_RULES = RuleConfig(
    only=frozenset(
        {
            "days_off",
            "allowed_tours",
            "tour_limits",
            "cannot_follow",
            "total_minutes",
            "max_consecutive_days",
            "min_consecutive_days",
            "min_consecutive_days_off",
            "max_weekends",
            "cover",
            "requests",
        }
    )
)

#: No police defaults: only the instance's own limits apply.
BENCHMARK_SETTINGS = NO_LIMITS


def _sections(path: Path) -> dict[str, list[tuple[int, list[str]]]]:
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current: str | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            current = None
            continue
        if line.startswith("SECTION_"):
            current = line
            sections[current] = []
            continue
        if current is None:
            raise _bad(path, number, "line", line, "a value outside any SECTION_ block")
        sections[current].append((number, [cell.strip() for cell in line.split(",")]))
    return sections


def _bad(path: Path, line: int, field: str, value: object, reason: str) -> DataValidationError:
    return DataValidationError(
        f"{path.name}, line {line}, field {field}: {reason} (got {value!r})",
        [{"record": line, "field": field, "value": value, "reason": reason}],
        hint="Check the instance follows the Curtois & Qu format (see docs/roster.md).",
    )


def _int(path: Path, line: int, field: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise _bad(path, line, field, value, "expected a whole number") from None


def read_instance(path: Path) -> RosterProblem:
    """Parse a benchmark instance file."""
    sections = _sections(path)
    for needed in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF"):
        if needed not in sections:
            raise _bad(path, 0, "section", needed, "missing section")
    line, cells = sections["SECTION_HORIZON"][0]
    days = _int(path, line, "horizon", cells[0])
    tours = []
    for line, cells in sections["SECTION_SHIFTS"]:
        follow = frozenset(c for c in (cells[2] if len(cells) > 2 else "").split("|") if c)
        tours.append(Tour(cells[0], _int(path, line, "LengthMins", cells[1]), None, follow))
    codes = {t.code for t in tours}
    officers = [_officer(path, line, cells, codes) for line, cells in sections["SECTION_STAFF"]]
    ids = {o.id for o in officers}
    days_off: dict[str, frozenset[int]] = {}
    for line, cells in sections.get("SECTION_DAYS_OFF", []):
        _known(path, line, "EmployeeID", cells[0], ids)
        days_off[cells[0]] = frozenset(_int(path, line, "day", c) for c in cells[1:] if c)
    requests = [
        _request(path, line, cells, ids, codes, on)
        for name, on in (("SECTION_SHIFT_ON_REQUESTS", True), ("SECTION_SHIFT_OFF_REQUESTS", False))
        for line, cells in sections.get(name, [])
    ]
    covers = []
    for line, cells in sections.get("SECTION_COVER", []):
        day = _int(path, line, "Day", cells[0])
        _known(path, line, "ShiftID", cells[1], codes)
        covers.append(
            Cover(
                key=f"{day}:{cells[1]}",
                slots=((day, cells[1]),),
                requirement=_int(path, line, "Requirement", cells[2]),
                weight_under=_int(path, line, "WeightUnder", cells[3]),
                weight_over=_int(path, line, "WeightOver", cells[4]),
            )
        )
    return RosterProblem(
        days=days,
        tours=tuple(tours),
        officers=tuple(officers),
        covers=tuple(covers),
        requests=tuple(requests),
        days_off=days_off,
        settings=BENCHMARK_SETTINGS,
        first_weekday=0,
        name=path.stem,
    )


def _known(path: Path, line: int, field: str, value: str, known: set[str]) -> None:
    if value not in known:
        raise _bad(path, line, field, value, "not defined in the instance")


def _officer(path: Path, line: int, cells: list[str], codes: set[str]) -> Officer:
    if len(cells) < 8:
        raise _bad(path, line, "staff", ",".join(cells), "expected 8 fields")
    max_tours = {}
    for part in filter(None, cells[1].split("|")):
        code, _, most = part.partition("=")
        _known(path, line, "MaxShifts", code, codes)
        max_tours[code] = _int(path, line, "MaxShifts", most)
    n = [_int(path, line, name, v) for name, v in zip(_STAFF_FIELDS, cells[2:8], strict=True)]
    return Officer(
        id=cells[0],
        max_tours=max_tours,
        max_total_minutes=n[0],
        min_total_minutes=n[1],
        max_consecutive_days=n[2],
        min_consecutive_days=n[3],
        min_consecutive_days_off=n[4],
        max_weekends=n[5],
    )


_STAFF_FIELDS = (
    "MaxTotalMinutes",
    "MinTotalMinutes",
    "MaxConsecutiveShifts",
    "MinConsecutiveShifts",
    "MinConsecutiveDaysOff",
    "MaxWeekends",
)


def _request(
    path: Path, line: int, cells: list[str], ids: set[str], codes: set[str], on: bool
) -> Request:
    _known(path, line, "EmployeeID", cells[0], ids)
    _known(path, line, "ShiftID", cells[2], codes)
    return Request(
        officer_id=cells[0],
        day=_int(path, line, "Day", cells[1]),
        tour=cells[2],
        weight=_int(path, line, "Weight", cells[3]),
        on=on,
    )
