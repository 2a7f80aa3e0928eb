"""Use case: the welfare summary of a force or unit, per officer and per team, for a viewer.

Loads a period of the store (rosters, absences, restrictions, deployments, cases), runs each
welfare measure of ``forceplan.welfare`` and combines them with reasons and alerts; then the
access rules decide what this viewer sees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl
from sqlalchemy import select

from forceplan.errors import NotFoundError
from forceplan.services.cache import cache_for
from forceplan.services.indicators import resolve_scope
from forceplan.standard.calendar import public_holidays
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.bulk import read_frame
from forceplan.welfare import absence, caseload, ledger, summary, trauma
from forceplan.welfare.access import PERSONAL_ROLES, Viewer, personal_rows, team_rows
from forceplan.welfare.shifts import SleepRules, fatigue_by_shift
from forceplan.welfare.tours import tour_times
from forceplan.welfare.working_time import WorkingTimeRules, working_time_breaches

INVESTIGATING_ROLES = ("investigation", "public_protection")


@dataclass
class WelfareInputs:
    """Everything the measures need, for one force (and optionally some of its units)."""

    force_id: str
    timezone: str
    people: pl.DataFrame
    shifts: pl.DataFrame
    roster: pl.DataFrame
    absences: pl.DataFrame
    restrictions: pl.DataFrame
    skills: pl.DataFrame
    deployments: pl.DataFrame
    cases: pl.DataFrame
    unit_ids: list[str] | None = None


@dataclass
class WelfareReport:
    period: tuple[dt.date, dt.date]
    as_of: dt.date
    officers: pl.DataFrame
    teams: pl.DataFrame
    viewer: str
    notes: list[str] = field(default_factory=list)


def load_inputs(database: Database, force: str | None, unit: str | None, start: dt.date,
                end: dt.date) -> WelfareInputs:
    scope = resolve_scope(database, force, unit, None)
    force_id = scope.force_ids[0]
    low = dt.datetime.combine(start - dt.timedelta(days=2), dt.time(), dt.UTC)
    high = dt.datetime.combine(end + dt.timedelta(days=2), dt.time(), dt.UTC)
    d, i = t.deployments, t.incidents
    with database.read() as c:
        people = read_frame(c, t.people, t.people.c.force_id == force_id)
        roster = read_frame(c, t.roster_assignments, t.roster_assignments.c.force_id == force_id,
                            t.roster_assignments.c.date <= end)
        frames = {
            "shifts": read_frame(c, t.shift_definitions,
                                 t.shift_definitions.c.force_id == force_id),
            "absences": read_frame(c, t.absences, t.absences.c.force_id == force_id),
            "restrictions": read_frame(c, t.person_restrictions,
                                       t.person_restrictions.c.force_id == force_id),
            "skills": read_frame(c, t.person_skills, t.person_skills.c.force_id == force_id),
            "cases": read_frame(c, t.cases, t.cases.c.force_id == force_id),
        }
        rows = c.execute(select(d.c.person_id, d.c.incident_id, d.c.dispatched_at, i.c.category)
                         .join(i, (i.c.force_id == d.c.force_id) & (i.c.id == d.c.incident_id))
                         .where(d.c.force_id == force_id, d.c.dispatched_at >= low,
                                d.c.dispatched_at < high, d.c.person_id.is_not(None))).all()
    deployments = pl.DataFrame(
        [tuple(r) for r in rows], orient="row",
        schema={"person_id": pl.String, "incident_id": pl.String,
                "dispatched_at": pl.Datetime("us", "UTC"), "category": pl.String})
    return WelfareInputs(force_id, scope.timezone, people, roster=roster,
                         deployments=deployments, unit_ids=scope.unit_ids, **frames)


def _officers(inputs: WelfareInputs) -> pl.DataFrame:
    officers = inputs.people.filter(pl.col("kind") == "officer")
    if inputs.unit_ids:
        officers = officers.filter(pl.col("unit_id").is_in(inputs.unit_ids))
    return officers.select("force_id", person_id="id", name="display_name", rank="rank",
                           role="role", unit_id="unit_id")


def _fatigue(tours: pl.DataFrame, since: dt.date, as_of: dt.date) -> pl.DataFrame:
    recent = tours.filter(pl.col("date").is_between(since, as_of))
    if recent.height == 0:
        return pl.DataFrame(schema={"person_id": pl.String})
    scored = fatigue_by_shift(recent.select("person_id", start="local_start", end="local_end"),
                              SleepRules())
    return scored.group_by("person_id").agg(
        fatigue_risk_tours=(pl.col("peak_kss") >= 8).sum().cast(pl.Int64),
        hours_kss_8_plus=pl.col("hours_kss_8_plus").sum(),
        worst_peak_kss=pl.col("peak_kss").max())


def _working_time(tours: pl.DataFrame, absences: pl.DataFrame, start: dt.date,
                  end: dt.date) -> pl.DataFrame:
    period = tours.filter(pl.col("date").is_between(start - dt.timedelta(days=119), end))
    off = (absences.filter(pl.col("kind").is_in(["annual_leave", "sickness"])
                           & (pl.col("status") == "approved"))
           .with_columns(date=pl.date_ranges("start", "end")).explode("date")
           .select("person_id", "date").unique())
    breaches = working_time_breaches(period.select("person_id", "start", "end"),
                                     WorkingTimeRules(), off)
    recent = breaches.filter(pl.col("end") >= start)
    regulation = pl.col("kind") == "regulation"
    return recent.group_by("person_id").agg(
        working_time_breaches=regulation.sum().cast(pl.Int64),
        working_time_detail=pl.col("detail").filter(regulation),
        good_practice_exceedances=(~regulation).sum().cast(pl.Int64),
        good_practice_detail=pl.col("detail").filter(~regulation))


def _investigators(people: pl.DataFrame, skills: pl.DataFrame, absences: pl.DataFrame,
                   cases: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Investigating officers (and anyone holding cases): unexpired skills, and whether they
    are available (not off sick) on ``as_of``."""
    holders = cases["investigator_id"].drop_nulls().unique()
    chosen = people.filter(pl.col("role").is_in(INVESTIGATING_ROLES)
                           | pl.col("id").is_in(holders.implode()))
    skills = (skills.filter(pl.col("expires_on").is_null()
                                   | (pl.col("expires_on") >= as_of))
              .group_by("person_id").agg(skills=pl.col("code")))
    sick = (absences.filter((pl.col("kind") == "sickness")
                                   & (pl.col("status") == "approved")
                                   & (pl.col("start") <= as_of) & (pl.col("end") >= as_of))
            .select("person_id").unique().with_columns(off=pl.lit(True)))
    return (chosen.select(person_id="id", unit_id="unit_id",
                          contracted_hours_per_week="contracted_hours_per_week")
            .join(skills, on="person_id", how="left").join(sick, on="person_id", how="left")
            .with_columns(skills=pl.col("skills").fill_null([]),
                          available=pl.col("off").is_null()).drop("off"))


def compute_summary(inputs: WelfareInputs, start: dt.date, end: dt.date, as_of: dt.date,
                    fatigue_days: int = 28,
                    limits: summary.WelfareThresholds = summary.WelfareThresholds()
                    ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per-officer and per-team welfare for [start, end], before any access rule."""
    officers = _officers(inputs)
    roster = inputs.roster.join(
        inputs.shifts.select(shift_code="code", tour_hours=pl.col("length_minutes") / 60),
        on="shift_code", how="left")
    worked = tour_times(roster.filter(pl.col("status") != "cancelled")
                        .drop("tour_hours"), inputs.shifts, inputs.timezone)
    worked = worked.filter(pl.col("date") <= as_of)
    holidays = public_holidays(min(start, roster["date"].min() or start), end)
    booked = ledger.rest_day_ledger(roster, inputs.people, inputs.absences, holidays, start,
                                    end, as_of)["summary"]
    non_working = roster.filter(pl.col("shift_code").is_null()).select("person_id", "date")
    spells = absence.sickness_spells(inputs.absences, non_working)
    bradford = absence.bradford_factors(spells, as_of).select(
        "person_id", "bradford_factor", bradford_band="band", bradford_reason="reason")
    patterns = absence.absence_patterns(spells, as_of=as_of).select(
        "person_id", "pattern_flag", pattern_reason="reason")
    restricted = absence.restricted_duty_capacity(
        inputs.people, inputs.restrictions, inputs.absences, start, end).select(
        "person_id", "restricted_days")
    loads = caseload.caseloads(inputs.cases, _investigators(
        inputs.people, inputs.skills, inputs.absences, inputs.cases, as_of), as_of).select(
        "person_id", "weighted_caseload", caseload_status="status", caseload_reason="reason")
    exposure = trauma.trauma_exposure(inputs.deployments, start, end).select(
        "person_id", "trim_referral", traumatic_incidents="exposures", trauma_reason="reason")
    in_period = worked.filter(pl.col("date") >= start)
    crewing = in_period.group_by("person_id").agg(
        tours=pl.len().cast(pl.Int64),
        single_crewed_tours=pl.col("single_crewed").fill_null(False).sum().cast(pl.Int64),
        crewing_recorded_tours=pl.col("single_crewed").is_not_null().sum().cast(pl.Int64))
    parts = [crewing, _fatigue(worked, as_of - dt.timedelta(days=fatigue_days - 1), as_of),
             _working_time(worked, inputs.absences, start, end),
             booked.select("person_id", "rest_days_cancelled", "rdc_short_notice",
                           "rest_days_owed", "overtime_hours", "public_holidays_worked",
                           "remaining_days"),
             bradford, patterns, restricted, loads, exposure]
    officers_out = summary.officer_summary(officers, parts, limits)
    return officers_out, summary.team_summary(officers_out)


def welfare_summary(database: Database, viewer: Viewer, force: str | None = None,
                    unit: str | None = None, as_of: dt.date | None = None,
                    months: int = 12) -> WelfareReport:
    """The welfare summary this viewer may see: officers (personal roles) or team totals."""
    force_id = force or viewer.force_id
    cache = cache_for(database)
    inputs_end = as_of or cache.get(  # a scan of the force's roster: once per data version
        database, force_id, ("latest_worked_day",),
        lambda: _latest_worked_day(database, force_id), remember=(NotFoundError,),
    )  # fmt: skip
    start = inputs_end - dt.timedelta(days=round(months * 30.44) - 1)

    def compute() -> tuple[pl.DataFrame, pl.DataFrame]:
        inputs = load_inputs(database, force_id, unit, start, inputs_end)
        return compute_summary(inputs, start, inputs_end, inputs_end)

    # before any access rule, so computed once for every viewer of the same data (cache.py);
    # what each viewer sees is cut from it below, and every view is still audited by the caller
    officers, teams = cache.get(
        database, force_id, ("welfare_summary", unit, start, inputs_end), compute
    )
    shown = (personal_rows(viewer, officers) if viewer.role in PERSONAL_ROLES
             else officers.clear())
    return WelfareReport((start, inputs_end), inputs_end, shown,
                         team_rows(viewer, teams, summary.TEAM_COUNTS)
                         if viewer.role != "officer" else teams.clear(), viewer.role)


def _latest_worked_day(database: Database, force: str | None) -> dt.date:
    r = t.roster_assignments
    query = select(r.c.date).where(r.c.status == "worked")
    if force:
        query = query.where(r.c.force_id == force)
    with database.read() as c:
        latest = c.execute(query.order_by(r.c.date.desc()).limit(1)).scalar()
    if latest is None:
        raise NotFoundError("no worked tours in the store",
                            hint="import rosters with status 'worked', or give --as-of")
    return latest


def resolve_force(database: Database, force: str | None) -> str:
    """The force asked for, or the only one held."""
    return resolve_scope(database, force, None, None).force_ids[0]


def viewer_for(database: Database, force: str, role: str, person: str | None) -> Viewer:
    """A viewer from a role and person: a supervisor sees their own unit and the units
    under it."""
    units: frozenset[str] = frozenset()
    if person:
        with database.read() as c:
            row = c.execute(select(t.people.c.unit_id).where(
                t.people.c.force_id == force, t.people.c.id == person)).first()
            if row is None:
                raise NotFoundError(f"no person {person!r} in {force}",
                                    hint="give the viewer's own person id")
            all_units = c.execute(select(t.units.c.id, t.units.c.parent_id).where(
                t.units.c.force_id == force)).all()
        if row.unit_id:
            children: dict[str, list[str]] = {}
            for unit_id, parent in all_units:
                children.setdefault(parent, []).append(unit_id)
            found, todo = set(), [row.unit_id]
            while todo:
                unit_id = todo.pop()
                if unit_id not in found:
                    found.add(unit_id)
                    todo.extend(children.get(unit_id, []))
            units = frozenset(found)
    return Viewer(role=role, force_id=force, person_id=person, unit_ids=units)


def suggest_investigators(database: Database, force: str | None, case_weight: float,
                          skills: list[str], unit: str | None = None,
                          as_of: dt.date | None = None, top: int = 5) -> pl.DataFrame:
    """Who could take a new case: investigators with the skills, within their safe caseload
    first (the welfare issue's allocation suggestions)."""
    scope = resolve_scope(database, force, unit, None)
    force_id, day = scope.force_ids[0], as_of or dt.date.today()
    with database.read() as c:
        people, absences, skill_rows, cases = (
            read_frame(c, table, table.c.force_id == force_id)
            for table in (t.people, t.absences, t.person_skills, t.cases))
    investigators = _investigators(people, skill_rows, absences, cases, day)
    if scope.unit_ids:
        investigators = investigators.filter(pl.col("unit_id").is_in(scope.unit_ids))
    loads = caseload.caseloads(cases, investigators, day)
    try:
        return caseload.suggest_allocation(case_weight, skills, loads, investigators, top=top)
    except ValueError as exc:
        raise NotFoundError(str(exc), hint="check the skill codes (forceplan summary lists "
                            "them) or widen --unit") from None
