"""`forceplan forecast ...`: demand forecasts with intervals, from any series file or from the
store (stored as runs and scored against the actuals as they arrive)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli_common import DatabaseOption, console, database, frame_table, parse_date

forecast_app = typer.Typer(help="Forecast demand with honest intervals.", no_args_is_help=True)

Freq = Annotated[str, typer.Option(help="Step of the series: 1h or 1d.")]
Horizon = Annotated[str, typer.Option(help="How far ahead: e.g. 8w, 10d, 36h (up to 12w).")]
FillMissing = Annotated[bool, typer.Option(
    "--fill-missing", help="Count missing periods as zero (right for counts of incidents).")]
Holidays = Annotated[str, typer.Option(
    help="Bank holidays to adjust for: england_wales, scotland, northern_ireland or none.")]
Adjust = Annotated[Path | None, typer.Option(
    help="TOML of events, growth and new housing (docs/forecast.md).")]
Theta = Annotated[bool, typer.Option("--theta", help="Also try AutoTheta on daily series "
                                     "(slower).")]
Jobs = Annotated[int, typer.Option(help="Processes for the statistical models.")]


def _request(input_file: Path, freq: str, horizon: str, fill_missing: bool, holidays: str,
             adjust: Path | None, theta: bool, jobs: int):
    from forceplan.services.forecast import FileRequest

    return FileRequest(input_file, freq, horizon, fill_missing,
                       None if holidays == "none" else holidays, adjust,
                       ("AutoETS", "AutoTheta") if theta else ("AutoETS",), jobs)


@forecast_app.command("series")
def forecast_series_command(
    input_file: Annotated[Path, typer.Argument(help="CSV, .xlsx or .parquet with columns "
                                               "unique_id, ds, y.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the "
                                         "forecasts (CSV).")],
    freq: Freq = "1h", horizon: Horizon = "8w", fill_missing: FillMissing = False,
    holidays: Holidays = "england_wales", adjust: Adjust = None, theta: Theta = False,
    jobs: Jobs = 1,
) -> None:
    """Forecast every series of a file: unique_id, ds, yhat, lo-80, hi-80, lo-95, hi-95."""
    from forceplan.services.forecast import forecast_file

    request = _request(input_file, freq, horizon, fill_missing, holidays, adjust, theta, jobs)
    with console.status("Cross-validating candidate models for each series…"):
        result = forecast_file(request, output)
    console.print(f"Wrote {result.forecasts.height:,} forecasts for "
                  f"{result.models.height:,} series to {output}")
    console.print(frame_table("Model chosen per series (cross-validated MAE)",
                              result.models.head(30), total_row=False))


@forecast_app.command("backtest")
def forecast_backtest_command(
    input_file: Annotated[Path, typer.Argument(help="CSV, .xlsx or .parquet with columns "
                                               "unique_id, ds, y.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the report.")],
    origins: Annotated[int, typer.Option(help="How many forecast origins, one horizon "
                                         "apart, counted back from the end.")] = 8,
    freq: Freq = "1h", horizon: Horizon = "1w", fill_missing: FillMissing = False,
    theta: Theta = False, jobs: Jobs = 1,
) -> None:
    """Rolling-origin backtest: MASE, MAE against seasonal naive, RMSE, interval coverage."""
    from forceplan.services.forecast import backtest_file

    request = _request(input_file, freq, horizon, fill_missing, "none", None, theta, jobs)
    with console.status(f"Forecasting from {origins} origins…"):
        report = backtest_file(request, origins, output)
    figures = report["summary"]
    console.print(frame_table("Backtest by origin", report["by_origin"], total_row=False))
    console.print(
        f"[bold]Overall[/]: MASE {figures['mase']}, MAE relative to seasonal naive "
        f"{figures['relative_mae']}, RMSE {figures['rmse']}, 80% interval coverage "
        f"{figures.get('coverage_80')}, 95% {figures.get('coverage_95')}")
    console.print(f"Report written to {output}")


SERIES_COLUMNS = {"unique_id": "series", "points": "points", "waiting": "waiting",
                  "actual_total": "actual", "forecast_total": "forecast", "mae": "MAE",
                  "naive_mae": "naive MAE", "relative_mae": "rel. MAE", "bias": "bias",
                  "coverage_80": "in 80%", "coverage_95": "in 95%"}
Force = Annotated[str | None, typer.Option(help="Force id (default: the only one held).")]


@forecast_app.command("run")
def forecast_run_command(
    force: Force = None,
    unit: Annotated[str | None, typer.Option(help="Only this unit and the units under it.")
                    ] = None,
    by: Annotated[str, typer.Option("--by", help="One series per category, grade, or none "
                                    "(the total).")] = "category",
    measure: Annotated[str, typer.Option(help="incidents (counts) or officer_hours.")
                       ] = "incidents",
    horizon: Horizon = "8w", freq: Freq = "1h",
    history_end: Annotated[str | None, typer.Option(
        help="Last day of history (YYYY-MM-DD; default: the day of the latest incident).")
    ] = None,
    jobs: Jobs = 1,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Also write the "
                                                "forecasts (CSV).")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Forecast demand from the store and store the forecasts as a run (see `accuracy`)."""
    from forceplan.services.forecast_store import run_forecast

    with console.status("Cross-validating candidate models for each series…"):
        run = run_forecast(database(database_url), force, unit, by, measure, horizon, freq,
                           parse_date(history_end, "--history-end"), jobs, output)
    ds = run.result.forecasts["ds"]
    console.print(f"Stored forecast run {run.run_id}")
    console.print(f"{run.totals.height} series of {run.measure.replace('_', '-')} "
                  f"({'by ' + run.breakdown if run.breakdown != 'none' else 'total'}) for "
                  f"{run.scope}, {run.freq} steps from {ds.min():%Y-%m-%d %H:%M} to "
                  f"{ds.max():%Y-%m-%d %H:%M}; history {run.history_start:%Y-%m-%d} to "
                  f"{run.history_end:%Y-%m-%d}; bank holidays: {run.holidays}")
    console.print(frame_table("Model chosen and forecast total per series", run.totals,
                              total_row=False))
    console.print(f"[bold]Total forecast[/]: {run.total:,.1f} {run.measure.replace('_', '-')}"
                  + (f"; written to {output}" if output else ""))


@forecast_app.command("accuracy")
def forecast_accuracy_command(
    force: Force = None,
    run_id: Annotated[str | None, typer.Option("--run", help="One run, series by series "
                                               "(default: every run, one line each).")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Stored forecasts against the actuals held so far: MAE, relative to the seasonal naive,
    bias, interval coverage, and the points still waiting for data."""
    from forceplan.services.forecast_store import forecast_accuracy

    report = forecast_accuracy(database(database_url), force, run_id)
    console.print(f"Actuals held for {report.force_id} up to {report.data_end} (the day of the "
                  "latest incident); later forecast points are waiting.")
    for run in report.runs.iter_rows(named=True):
        what = (f"{run['measure'].replace('_', '-')} "
                f"{'by ' + run['breakdown'] if run['breakdown'] != 'none' else 'in total'} for "
                f"{run['unit_id'] or report.force_id}, {run['freq']}, history to "
                f"{run['history_end']:%Y-%m-%d}")
        scored = (f"MAE {run['mae']} (seasonal naive {run['naive_mae']}, relative "
                  f"{run['relative_mae']}), bias {run['bias']}, in 80% interval "
                  f"{run['coverage_80']}, in 95% {run['coverage_95']}" if run["points"]
                  else "nothing to compare yet")
        console.print(f"[bold]{run['run_id']}[/] {what}: {run['points']:,} points with "
                      f"actuals, {run['waiting']:,} waiting; {scored}")
    if run_id:
        console.print(frame_table("By series (relative MAE below 1 beats the seasonal naive)",
                                  report.series.select(list(SERIES_COLUMNS))
                                  .rename(SERIES_COLUMNS), total_row=False))
