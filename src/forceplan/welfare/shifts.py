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

from forceplan.welfare.fatigue import PARAMETERS, RISK_KSS, SLEEPY_KSS, simulate


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
           last: np.ndarray) -> np.ndarray:
    """Boolean matrix, True inside every [first, last) span of its row (vectorised with a
    difference array; spans are clipped to the grid)."""
    steps = shape[1]
    first = np.clip(first, 0, steps)
    last = np.clip(last, 0, steps)
    keep = last > first
    diff = np.zeros((shape[0], steps + 1), dtype=np.int32)
    np.add.at(diff, (rows[keep], first[keep]), 1)
    np.add.at(diff, (rows[keep], last[keep]), -1)
    return np.cumsum(diff[:, :steps], axis=1) > 0


def _window_stats(scores: np.ndarray, rows: np.ndarray, first: np.ndarray, last: np.ndarray,
                  step: float) -> tuple[np.ndarray, ...]:
    """Peak and mean KSS and hours at KSS ≥ 7 and ≥ 8 in each [first, last) window, computed
    one offset at a time across all windows (tours are at most a day long)."""
    length = last - first
    peak = np.full(len(rows), -np.inf)
    total = np.zeros(len(rows))
    count = np.zeros(len(rows))
    sleepy = np.zeros(len(rows))
    risk = np.zeros(len(rows))
    for offset in range(int(length.max()) if len(rows) else 0):
        inside = offset < length
        values = scores[rows[inside], first[inside] + offset]
        ok = ~np.isnan(values)
        index = np.flatnonzero(inside)[ok]
        values = values[ok]
        peak[index] = np.maximum(peak[index], values)
        total[index] += values
        count[index] += 1
        sleepy[index] += (values >= SLEEPY_KSS) * step
        risk[index] += (values >= RISK_KSS) * step
    mean = np.divide(total, count, out=np.full(len(rows), np.nan), where=count > 0)
    return np.where(np.isinf(peak), np.nan, peak), mean, sleepy, risk


@dataclass
class Timeline:
    """Who sleeps when (officers × steps from midnight), and where each tour sits in it."""

    asleep: np.ndarray
    rows: np.ndarray
    first: np.ndarray
    last: np.ndarray
    step_hours: float


def fatigue_by_shift(duties: pl.DataFrame, rules: SleepRules = SleepRules(),
                     step_minutes: int = 15) -> pl.DataFrame:
    """Per shift: peak and mean KSS on duty, and hours at KSS ≥ 7 and ≥ 8.

    ``duties`` has ``person_id`` and local naive ``start`` and ``end`` datetimes.
    """
    if duties.height == 0:
        return duties.with_columns(peak_kss=pl.lit(None, pl.Float64))
    line = timeline(duties, rules, step_minutes)
    on_duty = _spans(line.asleep.shape, line.rows, line.first, line.last)
    scores = simulate(line.asleep, 0.0, line.step_hours, PARAMETERS, record=on_duty)
    peak, mean, sleepy, risk = _window_stats(scores, line.rows, line.first, line.last,
                                             line.step_hours)
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
    asleep |= _spans(shape, rows[early], to_step(bedtime[early]), to_step(wake[early]))
    ends_late = (end_clock >= 23) | (end_clock < 11)
    after_night = (end_clock >= 4) & (end_clock < 11)
    length = np.where(after_night, rules.day_sleep_after_night_hours,
                      rules.sleep_after_late_hours)
    home = end_h + commute
    asleep |= _spans(shape, rows[ends_late], to_step(home[ends_late]),
                     to_step(home[ends_late] + length[ends_late]))
    if rules.nap_before_night_hours:
        night = (start_clock >= 18) | (start_clock < 2)
        nap_end = start_h - commute - rules.prep_minutes / 60
        asleep |= _spans(shape, rows[night],
                         to_step(nap_end[night] - rules.nap_before_night_hours),
                         to_step(nap_end[night]))
    # Duty and the commute either side are always awake.
    asleep &= ~_spans(shape, rows, to_step(start_h - commute), to_step(end_h + commute))
    return Timeline(asleep, rows, to_step(start_h), to_step(end_h), step)
