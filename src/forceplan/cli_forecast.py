"""`forceplan forecast ...`: demand forecasts with intervals, from any series file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli_common import console, frame_table

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
