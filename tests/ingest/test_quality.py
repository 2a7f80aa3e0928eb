"""Quality checks: gaps, level shifts and the overall score."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np

from forceplan.ingest.quality import level_shifts, overall_score, timeliness_checks

START = dt.date(2025, 1, 6)


def series(values) -> Counter:
    return Counter({START + dt.timedelta(days=i): int(v) for i, v in enumerate(values) if v})


def test_gaps_are_found_as_runs():
    counts = [10] * 30
    counts[5] = 0
    counts[12:15] = [0, 0, 0]
    report = timeliness_checks(series(counts))
    assert [(g["from"], g["days"]) for g in report["gaps"]] == [
        ((START + dt.timedelta(5)).isoformat(), 1),
        ((START + dt.timedelta(12)).isoformat(), 3),
    ]


def test_a_step_in_weekly_volume_is_found_where_it_happens():
    rng = np.random.default_rng(1)
    counts = np.concatenate([rng.poisson(100, 7 * 8), rng.poisson(150, 7 * 6)])
    days = [START + dt.timedelta(i) for i in range(len(counts))]
    shifts = level_shifts(days, counts.astype(float))
    assert len(shifts) == 1
    assert shifts[0]["week_starting"] == (START + dt.timedelta(7 * 8)).isoformat()
    assert 0.4 < shifts[0]["change"] < 0.6


def test_stationary_series_rarely_raise_a_false_alarm():
    rng = np.random.default_rng(7)
    days = [START + dt.timedelta(i) for i in range(7 * 12)]
    alarms = sum(
        bool(level_shifts(days, rng.poisson(80, len(days)).astype(float))) for _ in range(200)
    )
    assert alarms <= 4


def test_score_explains_every_deduction():
    fields = {"received_at": {"completeness": 1.0}, "grade": {"completeness": 0.5}}
    timeliness = {"gaps": [{"days": 2}], "level_shifts": []}
    score, reasons = overall_score(1000, 50, fields, 0, timeliness, {}, 0)
    assert score < 100 and len(reasons) == 3
    assert any("quarantined" in r for r in reasons)
    assert any("grade is only 50% complete" in r for r in reasons)
    assert any("2 day(s) with no records" in r for r in reasons)
    perfect, why = overall_score(
        1000, 0, {"a": {"completeness": 1.0}}, 0, {"gaps": [], "level_shifts": []}, {}, 0
    )
    assert (perfect, why) == (100, ["no problems found"])
