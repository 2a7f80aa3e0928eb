"""Sickness spells, the Bradford factor, absence patterns and restricted-duty capacity.

Rules and sources (every threshold lives in :class:`AbsenceRules`):

- A *spell* is one continuous period of sickness. Approved sickness records that overlap or
  touch are one spell, and so are records separated only by the officer's own rest days: sick
  Friday, rest days Saturday-Sunday, sick Monday is one spell, as force attendance policies
  commonly count it (splitting it at rest days would inflate S for no reason). Without a
  roster, nothing is joined across gaps.
- Bradford factor B = S² × D, S spells and D working days lost over a rolling period, usually
  52 weeks (Bradford University School of Management, 1980s). It weighs frequent short
  absences more than one long one: 1 spell of 10 days is 10, 10 spells of 1 day is 1000.
  Trigger points differ by force; the defaults (51 / 201 / 401) follow a common force
  attendance-management policy and are configurable.
- A part-day sickness absence (``hours_per_day`` set) counts as a day, as the Bradford factor
  counts occasions and days, not hours.
- Sickness and restrictions are special-category data (DESIGN.md section 4): results stay
  inside the force. A pattern flag is a prompt for a supportive conversation, never a finding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from forceplan.standard import FULL_TIME_HOURS_PER_WEEK, AbsenceKind, AbsenceStatus

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SPELL_SCHEMA = {
    "person_id": pl.String, "spell_start": pl.Date, "spell_end": pl.Date,
    "calendar_days": pl.Int64, "working_days_lost": pl.Int64, "starts_on": pl.String,
    "adjacent_to_non_working": pl.Boolean,
}


@dataclass(frozen=True)
class AbsenceRules:
    """Thresholds for absence management; defaults follow a common force policy.

    - ``window_days`` (365): the rolling period of the Bradford factor; a spell counts when
      it starts in (as_of - window_days, as_of].
    - ``bradford_triggers`` (51 informal review, 201 formal stage 1, 401 formal stage 2):
      (lowest factor, band) pairs in ascending order; below the first is ``no_trigger_band``.
    - ``no_trigger_band`` ("none").
    - ``pattern_min_spells`` (3): fewer spells than this are never called a pattern.
    - ``pattern_share`` (0.5): the share of spells that start on a Monday, end on a Friday or
      touch a rest day at which a pattern is worth a conversation. By chance alone about 40%
      of one-day spells in a Monday-Friday week fall on a Monday or a Friday, so the flag is
      deliberately a prompt to talk, not evidence of anything.
    """

    window_days: int = 365
    bradford_triggers: tuple[tuple[int, str], ...] = (
        (51, "informal review"), (201, "formal stage 1"), (401, "formal stage 2"))
    no_trigger_band: str = "none"
    pattern_min_spells: int = 3
    pattern_share: float = 0.5

    def __post_init__(self) -> None:
        points = [point for point, _ in self.bradford_triggers]
        if not points or points != sorted(set(points)) or points[0] < 1:
            raise ValueError("bradford_triggers: give positive trigger points in ascending order")
        if self.window_days < 1 or self.pattern_min_spells < 1:
            raise ValueError("window_days and pattern_min_spells must be at least 1")
        if not 0 < self.pattern_share <= 1:
            raise ValueError("pattern_share must be above 0 and at most 1")


DEFAULT_RULES = AbsenceRules()


def _approved(absences: pl.DataFrame, kind: AbsenceKind) -> pl.DataFrame:
    """Approved absences of one kind (requested, refused and cancelled ones never count)."""
    return absences.filter(
        (pl.col("kind") == kind.value) & (pl.col("status") == AbsenceStatus.APPROVED.value))


def _days(spans: pl.DataFrame, first: str = "start", last: str = "end") -> pl.DataFrame:
    """One row per person and day covered by any [first, last] span, each day once."""
    return (
        spans.select("person_id", pl.col(first).cast(pl.Date), pl.col(last).cast(pl.Date))
        .filter(pl.col(first) <= pl.col(last))
        .select("person_id", date=pl.date_ranges(first, last, "1d"))
        .explode("date")
        .unique()
    )


def _weekday_name(column: pl.Expr) -> pl.Expr:
    return column.dt.weekday().replace_strict(list(range(1, 8)), list(WEEKDAYS),
                                              return_dtype=pl.String)


def sickness_spells(absences: pl.DataFrame,
                    non_working_days: pl.DataFrame | None = None) -> pl.DataFrame:
    """Merge approved sickness absences into spells, one row per person and spell.

    Days are laid out per person (sick days, plus that person's ``non_working_days`` when
    given); a run of consecutive days is one spell from its first to its last sick day, so
    records that overlap, touch, or are separated only by non-working days join up. A
    non-working day next to a spell falls in the same run, which is how
    ``adjacent_to_non_working`` is read; without a roster it means a weekend day before or after.
    ``working_days_lost`` counts the spell's days that are not non-working days.
    """
    sick = _days(_approved(absences, AbsenceKind.SICKNESS)).with_columns(
        sick=pl.lit(True), rest=pl.lit(False))
    days = sick
    if non_working_days is not None:
        rest = (non_working_days.select("person_id", pl.col("date").cast(pl.Date)).unique()
                .join(sick.select("person_id").unique(), on="person_id", how="semi")
                .with_columns(sick=pl.lit(False), rest=pl.lit(True)))
        days = pl.concat([sick, rest]).group_by("person_id", "date").agg(
            pl.col("sick").any(), pl.col("rest").any())
    days = days.sort("person_id", "date").with_columns(run=(
        (pl.col("person_id") != pl.col("person_id").shift())
        | (pl.col("date").cast(pl.Int32).diff() != 1)).fill_null(True).cum_sum())
    sick_date = pl.col("date").filter(pl.col("sick"))
    runs = days.group_by("run").agg(
        pl.col("person_id").first(), run_first=pl.col("date").min(),
        run_last=pl.col("date").max(), spell_start=sick_date.min(), spell_end=sick_date.max(),
        working_days_lost=(pl.col("sick") & ~pl.col("rest")).sum().cast(pl.Int64),
    ).filter(pl.col("spell_start").is_not_null())
    if non_working_days is None:
        before = (pl.col("spell_start") - pl.duration(days=1)).dt.weekday() >= 6
        after = (pl.col("spell_end") + pl.duration(days=1)).dt.weekday() >= 6
    else:
        before = pl.col("run_first") < pl.col("spell_start")
        after = pl.col("run_last") > pl.col("spell_end")
    return runs.select(
        "person_id", "spell_start", "spell_end",
        calendar_days=((pl.col("spell_end") - pl.col("spell_start")).dt.total_days() + 1)
        .cast(pl.Int64),
        working_days_lost="working_days_lost",
        starts_on=_weekday_name(pl.col("spell_start")),
        adjacent_to_non_working=before | after,
    ).cast(_SPELL_SCHEMA).sort("person_id", "spell_start")


def _period_words(days: int) -> str:
    return {365: "12 months", 364: "52 weeks"}.get(days, f"{days} days")


def _counted(column: str, noun: str) -> pl.Expr:
    """'1 spell' / '4 spells' from an integer column."""
    return (pl.when(pl.col(column) == 1).then(pl.lit(f"1 {noun}"))
            .otherwise(pl.format(f"{{}} {noun}s", pl.col(column))))


def bradford_factors(spells: pl.DataFrame, as_of: dt.date,
                     rules: AbsenceRules = DEFAULT_RULES) -> pl.DataFrame:
    """Bradford factor S² × D per person over the rolling window ending ``as_of``.

    S counts spells that start in (as_of - window_days, as_of]; D sums their working days
    lost (a spell counts in full). ``band`` is the highest trigger reached; ``reason`` says it
    in words. People without spells in the window are not listed.
    """
    first = as_of - dt.timedelta(days=rules.window_days)
    factor = pl.col("bradford_factor")
    lowest_point, lowest_band = rules.bradford_triggers[0]
    band = pl.lit(rules.no_trigger_band)
    trigger = pl.lit(f"below {lowest_band} at {lowest_point}")
    for point, name in rules.bradford_triggers:
        band = pl.when(factor >= point).then(pl.lit(name)).otherwise(band)
        trigger = pl.when(factor >= point).then(pl.lit(f"{name} at {point}")).otherwise(trigger)
    return (
        spells.filter((pl.col("spell_start") > first) & (pl.col("spell_start") <= as_of))
        .group_by("person_id")
        .agg(spells=pl.len().cast(pl.Int64),
             working_days_lost=pl.col("working_days_lost").sum().cast(pl.Int64))
        .with_columns(bradford_factor=pl.col("spells") ** 2 * pl.col("working_days_lost"))
        .with_columns(band=band, reason=pl.concat_str(
            _counted("spells", "spell"), pl.lit(", "), _counted("working_days_lost", "day"),
            pl.lit(f" in {_period_words(rules.window_days)}: Bradford factor "),
            factor.cast(pl.String), pl.lit(" ("), trigger, pl.lit(")")))
        .sort(["bradford_factor", "person_id"], descending=[True, False])
    )


def absence_patterns(spells: pl.DataFrame, rules: AbsenceRules = DEFAULT_RULES,
                     as_of: dt.date | None = None) -> pl.DataFrame:
    """Spells that start on a Monday, end on a Friday or sit next to rest days, per person.

    ``pattern_spells`` counts spells with any of the three; ``share`` is pattern_spells over
    spells. ``pattern_flag`` is set at ``pattern_min_spells`` spells and ``pattern_share``;
    the reason calls it a pattern worth a conversation: there are many innocent causes
    (appointments, caring duties, illness that comes after nights). With ``as_of`` only spells
    in the Bradford window count; otherwise the caller chooses the spells.
    """
    if as_of is not None:
        first = as_of - dt.timedelta(days=rules.window_days)
        spells = spells.filter((pl.col("spell_start") > first)
                               & (pl.col("spell_start") <= as_of))
    monday_or_friday = (pl.col("spell_start").dt.weekday() == 1) | (
        pl.col("spell_end").dt.weekday() == 5)
    adjacent = pl.col("adjacent_to_non_working")
    flag = (pl.col("spells") >= rules.pattern_min_spells) & (
        pl.col("share") >= rules.pattern_share)
    of_spells = pl.format("{} of {} spells", pl.col("pattern_spells"), pl.col("spells"))
    reason = (
        pl.when(flag).then(pl.concat_str(
            of_spells, pl.lit(" started on a Monday, ended on a Friday or ran next to rest days:"
                              " a pattern worth a conversation about how the officer is")))
        .when(pl.col("spells") < rules.pattern_min_spells).then(pl.concat_str(
            _counted("spells", "spell"),
            pl.lit(f": fewer than {rules.pattern_min_spells}, too few to speak of a pattern")))
        .otherwise(pl.concat_str(of_spells, pl.lit(" next to weekends or rest days: no pattern")))
    )
    return (
        spells.group_by("person_id")
        .agg(spells=pl.len().cast(pl.Int64),
             monday_or_friday_spells=monday_or_friday.sum().cast(pl.Int64),
             adjacent_to_non_working_spells=adjacent.sum().cast(pl.Int64),
             pattern_spells=(monday_or_friday | adjacent).sum().cast(pl.Int64))
        .with_columns(share=pl.col("pattern_spells") / pl.col("spells"))
        .with_columns(pattern_flag=flag, reason=reason)
        .sort("person_id")
    )


def restricted_duty_capacity(people: pl.DataFrame, restrictions: pl.DataFrame,
                             absences: pl.DataFrame, start: dt.date,
                             end: dt.date) -> pl.DataFrame:
    """Frontline capacity lost to restricted, recuperative and adjusted duties in [start, end].

    Days come from every restriction (open-ended ones run to ``end``) and from approved
    ``restricted_duty`` absences; a day covered twice counts once. All such days count as lost
    to the frontline, whatever ``allowed_roles`` says. frontline_hours_lost = days ×
    contracted_hours_per_week / 7; fte_lost = days / days in the period × contracted hours /
    40 (full time, Police Regulations 2003 Annex E). People with no such days are not listed;
    a person missing from ``people`` is listed with null hours and FTE.
    """
    if end < start:
        raise ValueError("end: the period ends before it starts")
    period_days = (end - start).days + 1
    clipped = {"first": pl.max_horizontal(pl.col("start").cast(pl.Date), pl.lit(start)),
               "last": pl.min_horizontal(pl.col("end").cast(pl.Date).fill_null(end),
                                         pl.lit(end))}
    spans = pl.concat([
        restrictions.select("person_id", **clipped),
        _approved(absences, AbsenceKind.RESTRICTED_DUTY).select("person_id", **clipped),
    ])
    hours = pl.col("contracted_hours_per_week")
    return (
        _days(spans, "first", "last")
        .group_by("person_id").agg(restricted_days=pl.len().cast(pl.Int64))
        .join(people.select(person_id="id", contracted_hours_per_week=hours.cast(pl.Float64)),
              on="person_id", how="left")
        .with_columns(frontline_hours_lost=pl.col("restricted_days") * hours / 7,
                      fte_lost=pl.col("restricted_days") / period_days * hours
                      / FULL_TIME_HOURS_PER_WEEK)
        .sort("person_id")
    )


def restricted_duty_by_unit(per_person: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """Restricted-duty days, hours and FTE lost per ``unit_id`` (null: no home unit).

    ``headcount`` is everyone in the unit, ``people_restricted`` those with restricted days;
    units with nobody restricted show zeros. Only people in ``people`` are counted.
    """
    lost = ["restricted_days", "frontline_hours_lost", "fte_lost"]
    return (
        people.select(person_id="id", unit_id="unit_id")
        .join(per_person.select("person_id", *lost), on="person_id", how="left")
        .group_by("unit_id")
        .agg(headcount=pl.len().cast(pl.Int64),
             people_restricted=pl.col("restricted_days").is_not_null().sum().cast(pl.Int64),
             restricted_days=pl.col("restricted_days").sum().cast(pl.Int64),
             frontline_hours_lost=pl.col("frontline_hours_lost").sum(),
             fte_lost=pl.col("fte_lost").sum())
        .sort("unit_id", nulls_last=True)
    )
