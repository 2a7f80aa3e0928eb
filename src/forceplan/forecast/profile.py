"""The seasonal-profile forecaster: a weekly shape pooled over the history, times the volume of
the latest week.

Police demand has a strong, stable weekly shape (the hour of the week explains most of an
hour's expected count) and a level that moves: a step when a service changes, a drift with the
seasons. So the forecast is
    ŷ(t) = share(slot of t) × volume of the last week,
where ``share`` is each slot's share of a week's demand, averaged over the weeks of history
(each week normalised by its own total, so a level shift does not bend the shape; recent weeks
weigh more, half-life ``halflife_weeks``) and smoothed with its neighbouring slots (a slot's
estimate from a few weeks of counts is noisy; the neighbours share most of its signal). The
volume is the sum of the last full week, which adapts to a level shift within a week.

Compared with seasonal naive (last week again) it removes most of the week-to-week noise; with
MSTL it shares the decomposition idea but estimates the shape from every week rather than a
smoothed recent one. It is one candidate among the statsforecast models; rolling-origin
cross-validation decides per series (docs/forecast.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ProfileSettings:
    halflife_weeks: float = 4.0
    smooth: float = 0.25  # weight given to each neighbouring slot
    max_weeks: int = 52


def weekly_shares(y: np.ndarray, slots: np.ndarray, week: int,
                  settings: ProfileSettings = ProfileSettings()) -> np.ndarray:
    """Share of a week's total in each of ``week`` slots, from whole weeks counted back from
    the end of ``y`` (``slots[i]`` is the slot of ``y[i]``)."""
    weeks = min(len(y) // week, settings.max_weeks)
    if weeks == 0:
        return np.full(week, 1.0 / week)
    tail = y[len(y) - weeks * week:].reshape(weeks, week)
    tail_slots = slots[len(y) - weeks * week:].reshape(weeks, week)
    totals = tail.sum(axis=1, keepdims=True)
    shares = np.divide(tail, totals, out=np.full_like(tail, 1.0 / week), where=totals > 0)
    age = weeks - 1 - np.arange(weeks)
    weight = 0.5 ** (age / settings.halflife_weeks)
    pooled = np.zeros(week)
    np.add.at(pooled, tail_slots.ravel(), (shares * weight[:, None]).ravel())
    pooled /= weight.sum()
    if settings.smooth:
        pooled = ((1 - 2 * settings.smooth) * pooled + settings.smooth * np.roll(pooled, 1)
                  + settings.smooth * np.roll(pooled, -1))
    total = pooled.sum()
    return pooled / total if total > 0 else np.full(week, 1.0 / week)


def profile_forecast(y: np.ndarray, slots: np.ndarray, future_slots: np.ndarray, week: int,
                     settings: ProfileSettings = ProfileSettings()) -> np.ndarray:
    """Forecast for ``future_slots``: weekly shares × the volume of the last ``week`` steps."""
    shares = weekly_shares(y, slots, week, settings)
    recent = y[-week:]
    volume = recent.sum() * week / len(recent)
    return shares[future_slots] * volume
