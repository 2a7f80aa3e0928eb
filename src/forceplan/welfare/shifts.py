"""Fatigue for rostered or worked shifts: sleep inferred from the roster, then the
Three-Process Model run over every officer's timeline.

Sleep assumptions (documented in docs/welfare.md; each configurable):
- off duty, people sleep 23:00-07:00;
- duty, and the commute either side of it, is always awake time;
- before a tour that starts between 04:00 and 10:00, people wake ``commute + prep`` before it
  and sleep the 8 hours before that, going to bed no earlier than 21:00;
- after a tour that ends between 23:00 and 11:00, people sleep from arriving home: 7 hours
  after a tour ending 04:00-11:00 (day sleep after nights is shorter), 8 hours otherwise;
- no naps (a pre-night nap can be allowed with ``nap_before_night_hours``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from forceplan.welfare.fatigue import (
    PARAMETERS,
    RISK_KSS,
    SLEEPY_KSS,
    c_process,
    s_awake,
    s_sleep_step,
    u_process,
    w_process,
)


@dataclass(frozen=True)
class SleepRules:
    commute_minutes: int = 45
    prep_minutes: int = 30
    night_sleep_start_hour: float = 23.0
    night_sleep_hours: float = 8.0
    earliest_bedtime_hour: float = 21.0
    day_sleep_after_night_hours: float = 7.0
    sleep_after_late_hours: float = 8.0
    nap_before_night_hours: float = 0.0


def _spans(shape: tuple[int, int], rows: np.ndarray, first: np.ndarray,
           last: np.ndarray, to_step=None) -> np.ndarray:
    """Boolean matrix, True inside every [first, last) span of its row (vectorised with a
    difference array; spans are clipped to the grid). ``to_step`` converts hours to steps."""
    steps = shape[1]
    if to_step is not None:
        first, last = to_step(first), to_step(last)
    first = np.clip(first, 0, steps)
    last = np.clip(last, 0, steps)
    keep = last > first
    diff = np.zeros((shape[0], steps + 1), dtype=np.int16)
    np.add.at(diff, (rows[keep], first[keep]), 1)
    np.add.at(diff, (rows[keep], last[keep]), -1)
    return np.cumsum(diff[:, :steps], axis=1, dtype=np.int16) > 0


def _segments(asleep: np.ndarray, step: float, p=PARAMETERS) -> tuple[np.ndarray, ...]:
    """Run-length segments of sleep and wake, and process S at the start of each.

    Returns the flat position (row × steps + step) where each segment begins, in row-major
    order, and S there. S is carried from segment to segment with the model's closed forms
    (exact for any length), looping over the segment index across all rows at once: a year
    is ~700 segments instead of ~35,000 steps.
    """
    officers, steps = asleep.shape
    change = np.ones((officers, steps), dtype=bool)
    np.not_equal(asleep[:, 1:], asleep[:, :-1], out=change[:, 1:])
    row, at = np.nonzero(change)
    counts = np.bincount(row, minlength=officers)
    row_begins = np.concatenate([[0], np.cumsum(counts)[:-1]])
    column = np.arange(len(row)) - row_begins[row]
    width = int(counts.max())
    begin = np.full((officers, width), steps)
    begin[row, column] = at
    sleeping = np.zeros((officers, width), dtype=bool)
    sleeping[row, column] = asleep[row, at]
    length = np.diff(np.concatenate([begin, np.full((officers, 1), steps)], axis=1), axis=1)
    length = np.where(np.arange(width) < counts[:, None], length, 0) * step
    s_begin = np.empty((officers, width))
    s = np.full(officers, p.s0)
    for j in range(width):
        s_begin[:, j] = s
        s = np.where(sleeping[:, j], s_sleep_step(s, length[:, j], p),
                     s_awake(s, length[:, j], p))
    return row * steps + at, s_begin[row, column]


def _tour_stats(line: Timeline, p=PARAMETERS) -> tuple[np.ndarray, ...]:
    """Peak and mean KSS on duty, and hours at KSS ≥ 7 and ≥ 8, for every tour of a timeline.

    A tour lies inside one waking segment (duty is always awake), so KSS at each of its steps
    follows in closed form from S at waking: a tours × steps matrix, no time loop.
    """
    steps_total = line.asleep.shape[1]
    begins, s_begins = _segments(line.asleep, line.step_hours, p)
    rows, first = line.rows, line.first
    segment = np.searchsorted(begins, rows * steps_total + first, side="right") - 1
    woke = begins[segment] - rows * steps_total
    s_woke = s_begins[segment]
    length = line.last - first
    offsets = np.arange(max(int(length.max()), 1))
    steps = first[:, None] + offsets[None, :]
    on_duty = offsets[None, :] < length[:, None]
    awake_hours = (steps - woke[:, None]) * line.step_hours
    per_day = round(24 / line.step_hours)
    clock = np.arange(per_day) * line.step_hours
    rhythm = c_process(clock, p) + u_process(clock, p)  # C + U at each step of the day
    alertness = (s_awake(s_woke[:, None], awake_hours, p) + rhythm[steps % per_day]
                 + w_process(awake_hours, p))
    scores = np.clip(10.6 - 0.6 * alertness, 1.0, 9.0)
    count = on_duty.sum(axis=1)
    peak = np.where(count > 0, np.where(on_duty, scores, -np.inf).max(axis=1), np.nan)
    total = np.where(on_duty, scores, 0.0).sum(axis=1)
    mean = np.divide(total, count, out=np.full(len(rows), np.nan), where=count > 0)
    sleepy = ((scores >= SLEEPY_KSS) & on_duty).sum(axis=1) * line.step_hours
    risk = ((scores >= RISK_KSS) & on_duty).sum(axis=1) * line.step_hours
    return peak, mean, sleepy, risk


@dataclass
class Timeline:
    """Who sleeps when (officers × steps from midnight), and where each tour sits in it."""

    asleep: np.ndarray
    rows: np.ndarray
    first: np.ndarray
    last: np.ndarray
    step_hours: float


def fatigue_by_shift(duties: pl.DataFrame, rules: SleepRules = SleepRules(),
                     step_minutes: int = 15, officers_per_chunk: int = 400) -> pl.DataFrame:
    """Per shift: peak and mean KSS on duty, and hours at KSS ≥ 7 and ≥ 8.

    ``duties`` has ``person_id`` and local naive ``start`` and ``end`` datetimes. Officers are
    taken a few hundred at a time to bound memory; results do not depend on the chunk size.
    """
    if duties.height == 0:
        return duties.with_columns(peak_kss=pl.lit(None, pl.Float64))
    numbered = duties.with_row_index("_row").with_columns(
        _chunk=(pl.col("person_id").rank("dense") - 1) // officers_per_chunk)
    results = np.full((4, duties.height), np.nan)
    for part in numbered.partition_by("_chunk"):
        line = timeline(part, rules, step_minutes)
        results[:, part["_row"].to_numpy()] = np.vstack(_tour_stats(line))
    peak, mean, sleepy, risk = results
    return duties.with_columns(
        peak_kss=pl.Series(peak).round(2), mean_kss=pl.Series(mean).round(2),
        hours_kss_7_plus=pl.Series(sleepy), hours_kss_8_plus=pl.Series(risk))


def timeline(duties: pl.DataFrame, rules: SleepRules, step_minutes: int = 15) -> Timeline:
    """Sleep inferred from the tours, by the rules in this module's docstring."""
    step = step_minutes / 60
    origin = duties["start"].min().replace(hour=0, minute=0, second=0, microsecond=0)
    origin = origin - dt.timedelta(days=2)
    people = duties["person_id"].unique(maintain_order=True).to_list()
    row_of = {p: i for i, p in enumerate(people)}
    rows = np.array([row_of[p] for p in duties["person_id"]])
    start_h = ((duties["start"] - origin).dt.total_seconds() / 3600).to_numpy()
    end_h = ((duties["end"] - origin).dt.total_seconds() / 3600).to_numpy()
    horizon = end_h.max() + 48
    steps = int(np.ceil(horizon / step))
    clock = (np.arange(steps) * step) % 24
    # Off duty: the usual night's sleep.
    nightly = ((clock >= rules.night_sleep_start_hour)
               | (clock < (rules.night_sleep_start_hour + rules.night_sleep_hours) % 24))
    shape = (len(people), steps)
    asleep = np.tile(nightly, (len(people), 1))
    commute = rules.commute_minutes / 60
    to_step = lambda hours: np.floor(hours / step).astype(int)  # noqa: E731
    start_clock, end_clock = start_h % 24, end_h % 24
    early = (start_clock >= 4) & (start_clock < 10)
    wake = start_h - commute - rules.prep_minutes / 60
    bedtime = np.maximum(wake - rules.night_sleep_hours,
                         np.floor(wake / 24) * 24 - 24 + rules.earliest_bedtime_hour)
    spans = [(rows[early], bedtime[early], wake[early])]
    ends_late = (end_clock >= 23) | (end_clock < 11)
    after_night = (end_clock >= 4) & (end_clock < 11)
    length = np.where(after_night, rules.day_sleep_after_night_hours,
                      rules.sleep_after_late_hours)
    home = end_h + commute
    spans.append((rows[ends_late], home[ends_late], home[ends_late] + length[ends_late]))
    if rules.nap_before_night_hours:
        night = (start_clock >= 18) | (start_clock < 2)
        nap_end = start_h - commute - rules.prep_minutes / 60
        spans.append((rows[night], nap_end[night] - rules.nap_before_night_hours,
                      nap_end[night]))
    asleep |= _spans(shape, *(np.concatenate(part) for part in zip(*spans, strict=True)),
                     to_step=to_step)
    # Duty and the commute either side are always awake.
    asleep &= ~_spans(shape, rows, start_h - commute, end_h + commute, to_step=to_step)
    return Timeline(asleep, rows, to_step(start_h), to_step(end_h), step)
