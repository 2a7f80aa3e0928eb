"""`forceplan forecast series|backtest` on a spreadsheet of series alone."""

from __future__ import annotations

from tests.forecast.test_forecast import hourly
from tests.test_cli import run


def test_forecast_series_from_a_csv_alone(tmp_path):
    import polars as pl

    series = pl.concat([hourly("north", 6, 5.0), hourly("south", 6, 0.5, seed=2)])
    series.write_csv(tmp_path / "in.csv", datetime_format="%Y-%m-%d %H:%M")
    result = run("forecast", "series", "in.csv", "--horizon", "2d", "-o", "out.csv",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "out.csv").read_text().splitlines()
    assert lines[0] == "unique_id,ds,yhat,lo-80,hi-80,lo-95,hi-95"
    assert len(lines) == 1 + 2 * 48
    assert (tmp_path / "out.models.csv").exists()
    report = run("forecast", "backtest", "in.csv", "--origins", "2", "-o", "bt", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "bt" / "summary.json").exists()
    assert (tmp_path / "bt" / "forecast_vs_actual.png").exists()


def test_forecast_series_refuses_a_malformed_file(tmp_path):
    (tmp_path / "bad.csv").write_text("unique_id,ds\na,2025-01-01 00:00\n")
    result = run("forecast", "series", "bad.csv", "-o", "out.csv", cwd=tmp_path)
    assert result.returncode == 1
    assert "y: missing column" in result.stderr and "What to do" in result.stderr
    (tmp_path / "gap.csv").write_text(
        "unique_id,ds,y\na,2025-01-01 00:00,1\na,2025-01-01 03:00,2\n")
    gap = run("forecast", "series", "gap.csv", "-o", "out.csv", cwd=tmp_path)
    assert gap.returncode == 1 and "--fill-missing" in gap.stderr
    assert not (tmp_path / "out.csv").exists()
