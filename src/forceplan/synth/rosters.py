"""The demo force's duty roster and absences.

Shift pattern (a common UK "6 on, 4 off" five-team rota for 24/7 roles): each team works
Early, Early, Late, Late, Night, Night then has four rest days; teams start two days apart, so
exactly one team is on each tour every day. Tours: Early 07:00-17:00, Late 15:00-01:00,
Night 22:00-07:00, so 40.6 hours a week on average, 2.8 rest days a week, forward rotation and
four rest days after the last night (HSE good practice). Neighbourhood officers work Monday to
Friday, alternating Day (08:00-16:00) and Evening (14:00-22:00) weeks; everyone else works
Monday to Friday days. Part-time officers work fewer of their pattern's tours.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from forceplan.standard import AbsenceKind, AssignmentStatus, Person, PersonKind, Role
from forceplan.synth.organisation import FORCE_ID, ROTA_ROLES, TEAM_LETTERS

ROTA = "EELLNNRRRR"
ROTA_EPOCH = dt.date(2020, 1, 6)  # a Monday; the rota's day 0 for team A
CODES = ["E", "L", "N", "D", "X"]
REST = -1
#: Annual leave days by completed years of service (Police Regulations 2003, Annex O).
LEAVE_DAYS_BY_SERVICE = ((20, 30), (15, 28), (10, 27), (2, 25), (0, 22))


def team_of(person: Person, index: int) -> int:
    """Rota team 0-4: the response team letter, or dealt round for force-wide rota roles."""
    if person.unit_id and "-RESP-" in person.unit_id:
        return TEAM_LETTERS.index(person.unit_id[-1])
    return index % len(TEAM_LETTERS)


def pattern_matrix(people: list[Person], days: list[dt.date]) -> np.ndarray:
    """Shift-code index (into CODES) per person per day; REST for a rest day."""
    grid = np.full((len(people), len(days)), REST, dtype=np.int8)
    offsets = np.array([(d - ROTA_EPOCH).days for d in days])
    weekday = np.array([d.weekday() for d in days])
    iso_week = np.array([d.isocalendar()[1] for d in days])
    rota_codes = np.array([CODES.index(c) if c != "R" else REST for c in ROTA], dtype=np.int8)
    for i, person in enumerate(people):
        hours = person.contracted_hours_per_week
        if person.role in ROTA_ROLES:
            position = (offsets + 2 * team_of(person, i)) % len(ROTA)
            row = rota_codes[position]
            if hours < 36:  # part-time: the first tour of each pair only
                row = np.where(position % 2 == 0, row, REST)
        else:
            working_days = min(5, max(1, round(hours / 8)))
            works = weekday < working_days
            code = CODES.index("D")
            if person.role == Role.NEIGHBOURHOOD and person.kind == PersonKind.OFFICER:
                evening = (iso_week + i) % 2 == 1
                row = np.where(works, np.where(evening, CODES.index("X"), code), REST)
            else:
                row = np.where(works, code, REST)
        started = np.array([d >= person.service_start for d in days])
        grid[i] = np.where(started, row, REST)
    return grid


def _leave_days(person: Person, on: dt.date) -> int:
    years = person.years_of_service(on)
    return next(days for threshold, days in LEAVE_DAYS_BY_SERVICE if years >= threshold)


def _candidate_absences(
    person: Person, start: dt.date, end: dt.date, horizon_end: dt.date, rng: np.random.Generator
) -> list[tuple[str, dt.date, dt.date, str]]:
    """(kind, first day, last day, status) candidates for one person; may overlap."""
    span = (horizon_end - start).days + 1
    years = span / 365.25
    out = []

    def at(offset: int, length: int, kind: AbsenceKind) -> None:
        first = start + dt.timedelta(days=int(offset))
        last = min(first + dt.timedelta(days=int(length) - 1), horizon_end)
        status = "approved"
        out.append((kind.value, first, last, status))

    booked = 0
    allowance = _leave_days(person, end) * years
    while booked < allowance:
        working = int(rng.choice([1, 2, 3, 4, 5, 5, 7, 10]))
        at(rng.integers(0, span), int(np.ceil(working * 7 / 5)), AbsenceKind.ANNUAL_LEAVE)
        booked += working
    for _ in range(rng.poisson(0.9 * years)):  # sickness spells
        u = rng.random()
        length = (
            rng.integers(1, 4)
            if u < 0.7
            else (rng.integers(4, 15) if u < 0.9 else rng.integers(29, 121))
        )
        at(rng.integers(0, span), length, AbsenceKind.SICKNESS)
    for _ in range(rng.poisson(2 * years)):
        at(rng.integers(0, span), rng.integers(1, 4), AbsenceKind.TRAINING)
    if person.role in (Role.RESPONSE, Role.NEIGHBOURHOOD, Role.INVESTIGATION):
        for _ in range(rng.poisson(0.6 * years)):
            at(rng.integers(0, span), 1, AbsenceKind.COURT)
    for restriction in person.restrictions:
        if person.role not in restriction.allowed_roles:
            first = max(restriction.start, start)
            last = min(restriction.end or horizon_end, horizon_end)
            if first <= last:
                out.append((AbsenceKind.RESTRICTED_DUTY.value, first, last, "approved"))
    return out


def generate_absences(
    people: list[Person],
    start: dt.date,
    end: dt.date,
    horizon_end: dt.date,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Non-overlapping absences for everyone from ``start`` to ``horizon_end``."""
    rows: list[tuple[str, str, str, dt.date, dt.date, str]] = []
    for person in people:
        taken: list[tuple[dt.date, dt.date]] = []
        candidates = _candidate_absences(
            person, max(start, person.service_start), end, horizon_end, rng
        )
        # Restricted duty first (it is fixed), then the rest in date order.
        candidates.sort(key=lambda c: (c[0] != AbsenceKind.RESTRICTED_DUTY.value, c[1]))
        for kind, first, last, status in candidates:
            if any(first <= b and a <= last for a, b in taken):
                continue
            taken.append((first, last))
            rows.append((person.id, kind, status, first, last, ""))
    rows.sort(key=lambda r: (r[3], r[0]))
    frame = pl.DataFrame(
        rows, schema=["person_id", "kind", "status", "start", "end", "_"], orient="row"
    ).drop("_")
    return frame.with_columns(
        force_id=pl.lit(FORCE_ID),
        id=pl.format("A{}", pl.int_range(1, frame.height + 1).cast(pl.String).str.zfill(7)),
        status=pl.when(pl.col("start") > end).then(pl.lit("approved")).otherwise(pl.col("status")),
    )


def absent_mask(absences: pl.DataFrame, people: list[Person], days: list[dt.date]) -> np.ndarray:
    index = {p.id: i for i, p in enumerate(people)}
    first_day = days[0]
    mask = np.zeros((len(people), len(days)), dtype=bool)
    for person_id, first, last in absences.select("person_id", "start", "end").iter_rows():
        a = max(0, (first - first_day).days)
        b = min(len(days) - 1, (last - first_day).days)
        if a <= b:
            mask[index[person_id], a : b + 1] = True
    return mask


def replacement_rest_days(grid: np.ndarray, rdc: np.ndarray, long_notice: np.ndarray,
                          absent: np.ndarray, rng: np.random.Generator
                          ) -> tuple[np.ndarray, np.ndarray]:
    """Re-roster most rest days cancelled at 15+ days' notice: a tour 5-28 days later becomes
    the replacement rest day (Police Regulations reg. 26). Draws from a generator seeded from
    ``rng``'s state without advancing it, so the rest of the demo force is unchanged."""
    state = rng.bit_generator.state["state"]
    draws = np.random.default_rng(int(state["state"] if isinstance(state, dict) else state))
    person, day = np.nonzero(rdc & long_notice)
    later = day + draws.integers(5, 29, size=len(day))
    ok = (draws.random(len(day)) < 0.85) & (later < grid.shape[1])
    person, later = person[ok], later[ok]
    free = (grid[person, later] != REST) & ~absent[person, later] & ~rdc[person, later]
    replacement = np.zeros(grid.shape, dtype=bool)
    replacement[person[free], later[free]] = True
    return np.where(replacement, REST, grid), replacement


def generate_roster(
    people: list[Person],
    days: list[dt.date],
    end: dt.date,
    absences: pl.DataFrame,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Roster lines for every person and day; tours after ``end`` are published, not worked."""
    grid = pattern_matrix(people, days)
    absent = absent_mask(absences, people, days)
    n_people, n_days = grid.shape
    past = np.array([d <= end for d in days])[None, :].repeat(n_people, axis=0)
    rota = np.array([p.role in ROTA_ROLES and p.kind == PersonKind.OFFICER for p in people])
    response = np.array([p.role == Role.RESPONSE for p in people])[:, None]
    # Rest days cancelled: ~1.2% of rota officers' past rest days, worked as a Day tour.
    rdc = (grid == REST) & rota[:, None] & past & ~absent & (rng.random(grid.shape) < 0.012)
    grid = np.where(rdc, CODES.index("D"), grid)
    notice = rng.choice([1, 3, 5, 7, 10, 14, 16, 20, 28, 35], size=grid.shape)
    grid, replacement = replacement_rest_days(grid, rdc, notice >= 15, absent, rng)
    working = grid != REST
    # A past tour was worked unless an absence cancelled it; rest days stay as published.
    status = np.where(
        past & working,
        np.where(absent, AssignmentStatus.CANCELLED.value, AssignmentStatus.WORKED.value),
        AssignmentStatus.PUBLISHED.value,
    )
    worked_response = working & past & ~absent & response
    overtime = np.where(
        worked_response & (rng.random(grid.shape) < 0.12),
        rng.choice([30, 45, 60, 90, 120, 180], size=grid.shape),
        0,
    )
    single = rng.random(grid.shape) < 0.55
    code_names = np.array([*CODES, None], dtype=object)
    return (
        pl.DataFrame(
            {
                "force_id": [FORCE_ID] * (n_people * n_days),
                "person_id": np.repeat([p.id for p in people], n_days),
                "date": pl.Series(np.tile(np.array(days, dtype="datetime64[D]"), n_people)).cast(
                    pl.Date
                ),
                "shift_code": code_names[grid.ravel()],
                "status": status.ravel(),
                "rest_day_cancelled": rdc.ravel(),
                "rdc_notice_days": pl.Series(np.where(rdc, notice, -1).ravel()).replace(-1, None),
                "replacement_rest_day": replacement.ravel(),
                "overtime_minutes": overtime.ravel(),
                "single_crewed": single.ravel(),
                "_worked_response": worked_response.ravel(),
            }
        )
        .with_columns(single_crewed=pl.when("_worked_response").then("single_crewed"))
        .drop("_worked_response")
    )
