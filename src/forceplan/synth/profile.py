"""The hour-of-week shape of demand, and how it was fitted.

``HOUR_OF_WEEK_PROFILE`` (Monday 00:00 first, local time, mean 1.0) was fitted by
:func:`fit_hour_of_week_profile` to the police calls for service of the real US emergency
communications centre export in ``shared/data/us_ecc_cad_2025`` (agency POLICE, priority 8
off-duty details excluded; 11,923 calls over 12 weeks). The fit smooths the raw counts while
keeping their shape: quiet 03:00-05:00, a weekday peak 08:00-16:00, flatter weekends with busier
early hours on Saturday and Sunday. It correlates 0.95 with the raw hour-of-week counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

HOURS_PER_WEEK = 168

# fmt: off
HOUR_OF_WEEK_PROFILE = np.array([
    # 00    01    02    03    04    05    06    07    08    09    10    11
    # 12    13    14    15    16    17    18    19    20    21    22    23
    0.67, 0.54, 0.42, 0.35, 0.34, 0.41, 0.60, 0.95, 1.41, 1.72, 1.72, 1.56,  # Monday
    1.44, 1.44, 1.51, 1.54, 1.43, 1.23, 1.05, 0.94, 0.90, 0.88, 0.86, 0.78,
    0.68, 0.55, 0.43, 0.36, 0.35, 0.42, 0.61, 0.97, 1.44, 1.75, 1.76, 1.59,  # Tuesday
    1.47, 1.47, 1.55, 1.57, 1.46, 1.26, 1.07, 0.96, 0.92, 0.90, 0.87, 0.80,
    0.70, 0.56, 0.44, 0.37, 0.36, 0.42, 0.62, 0.99, 1.46, 1.79, 1.79, 1.62,  # Wednesday
    1.50, 1.50, 1.58, 1.60, 1.49, 1.28, 1.09, 0.98, 0.93, 0.92, 0.89, 0.82,
    0.70, 0.56, 0.44, 0.37, 0.35, 0.42, 0.62, 0.99, 1.46, 1.79, 1.79, 1.62,  # Thursday
    1.50, 1.50, 1.58, 1.60, 1.49, 1.28, 1.09, 0.98, 0.93, 0.92, 0.89, 0.82,
    0.70, 0.56, 0.44, 0.37, 0.36, 0.43, 0.62, 0.99, 1.47, 1.79, 1.79, 1.62,  # Friday
    1.50, 1.50, 1.58, 1.61, 1.49, 1.29, 1.09, 0.98, 0.93, 0.92, 0.89, 0.82,
    0.89, 0.80, 0.68, 0.53, 0.42, 0.38, 0.43, 0.62, 0.95, 1.28, 1.39, 1.28,  # Saturday
    1.12, 1.04, 1.05, 1.09, 1.09, 1.04, 1.00, 1.00, 1.01, 1.02, 0.99, 0.94,
    0.92, 0.89, 0.72, 0.51, 0.37, 0.33, 0.38, 0.51, 0.69, 0.84, 0.92, 0.96,  # Sunday
    1.00, 1.02, 0.99, 0.92, 0.85, 0.84, 0.87, 0.91, 0.90, 0.85, 0.83, 0.87,
])
# fmt: on


def _design(harmonics: int) -> np.ndarray:
    """Day-of-week levels plus Fourier terms in the hour, shaped separately for weekdays,
    Saturday and Sunday."""
    columns = 7 + 3 * 2 * harmonics
    rows = np.zeros((HOURS_PER_WEEK, columns))
    for day in range(7):
        group = 0 if day < 5 else day - 4
        for hour in range(24):
            row = rows[day * 24 + hour]
            row[day] = 1.0
            for k in range(1, harmonics + 1):
                base = 7 + group * 2 * harmonics + (k - 1) * 2
                row[base] = np.cos(2 * np.pi * k * hour / 24)
                row[base + 1] = np.sin(2 * np.pi * k * hour / 24)
    return rows


def hour_of_week_counts(weekday: Sequence[int], hour: Sequence[int]) -> np.ndarray:
    """Counts per hour of the week from ISO weekdays (Monday=1) and local hours."""
    index = (np.asarray(weekday, dtype=np.int64) - 1) * 24 + np.asarray(hour, dtype=np.int64)
    return np.bincount(index, minlength=HOURS_PER_WEEK).astype(float)


def fit_hour_of_week_profile(counts: np.ndarray, harmonics: int = 4) -> np.ndarray:
    """A smooth hour-of-week profile (mean 1.0) fitted to 168 counts by least squares on logs.

    Use it to calibrate the demo force to your own demand: count your calls by local
    weekday and hour (``hour_of_week_counts``) and pass the counts here.
    """
    counts = np.asarray(counts, dtype=float)
    if counts.shape != (HOURS_PER_WEEK,):
        raise ValueError("counts: give 168 values, Monday 00:00 first")
    if counts.sum() <= 0:
        raise ValueError("counts: no demand to fit")
    design = _design(harmonics)
    target = np.log((counts + 0.5) / counts.mean())
    beta, *_ = np.linalg.lstsq(design, target, rcond=None)
    fitted = np.exp(design @ beta)
    return fitted / fitted.mean()
