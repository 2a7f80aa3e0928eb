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


def _mark(matrix: np.ndarray, rows: np.ndarray, first: np.ndarray, last: np.ndarray,
          value: bool) -> None:
    """Set matrix[row, first:last] for each (row, first, last) (clipped to the grid)."""
    steps = matrix.shape[1]
    first = np.clip(first, 0, steps)
    last = np.clip(last, 0, steps)
    for row, a, b in zip(rows, first, last, strict=True):
        if b > a:
            matrix[row, a:b] = value


def fatigue_by_shift(duties: pl.DataFrame, rules: SleepRules = SleepRules(),
                     step_minutes: int = 15) -> pl.DataFrame:
    """Per shift: peak and mean KSS on duty, and hours at KSS ≥ 7 and ≥ 8.

    ``duties`` has ``person_id`` and local naive ``start`` and ``end`` datetimes.
    """
    if duties.height == 0:
        return duties.with_columns(peak_kss=pl.lit(None, pl.Float64))
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
    asleep = np.tile(nightly, (len(people), 1))
    commute = rules.commute_minutes / 60
    to_step = lambda hours: np.floor(hours / step).astype(int)  # noqa: E731
    start_clock, end_clock = start_h % 24, end_h % 24
    early = (start_clock >= 4) & (start_clock < 10)
    wake = start_h - commute - rules.prep_minutes / 60
    bedtime = np.maximum(wake - rules.night_sleep_hours,
                         np.floor(wake / 24) * 24 - 24 + rules.earliest_bedtime_hour)
    _mark(asleep, rows[early], to_step(bedtime[early]), to_step(wake[early]), True)
    ends_late = (end_clock >= 23) | (end_clock < 11)
    after_night = (end_clock >= 4) & (end_clock < 11)
    length = np.where(after_night, rules.day_sleep_after_night_hours,
                      rules.sleep_after_late_hours)
    home = end_h + commute
    _mark(asleep, rows[ends_late], to_step(home[ends_late]),
          to_step(home[ends_late] + length[ends_late]), True)
    if rules.nap_before_night_hours:
        night = (start_clock >= 18) | (start_clock < 2)
        nap_end = start_h - commute - rules.prep_minutes / 60
        _mark(asleep, rows[night], to_step(nap_end[night] - rules.nap_before_night_hours),
              to_step(nap_end[night]), True)
    # Duty and the commute either side are always awake.
    _mark(asleep, rows, to_step(start_h - commute), to_step(end_h + commute), False)
    scores = simulate(asleep, 0.0, step, PARAMETERS)
    peak, mean, sleepy, risk = [], [], [], []
    for row, a, b in zip(rows, to_step(start_h), to_step(end_h), strict=True):
        window = scores[row, a:b]
        peak.append(float(np.nanmax(window)))
        mean.append(float(np.nanmean(window)))
        sleepy.append(float((window >= SLEEPY_KSS).sum() * step))
        risk.append(float((window >= RISK_KSS).sum() * step))
    return duties.with_columns(
        peak_kss=pl.Series(peak).round(2), mean_kss=pl.Series(mean).round(2),
        hours_kss_7_plus=pl.Series(sleepy), hours_kss_8_plus=pl.Series(risk))
