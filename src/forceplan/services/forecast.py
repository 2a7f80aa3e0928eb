"""Forecasting use cases over files: any long-format series a user brings (an analyst's
spreadsheet), forecast or backtested."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from forceplan.charts.forecast import forecast_vs_actual
from forceplan.errors import ConfigurationError, DataValidationError
from forceplan.forecast import adjust
from forceplan.forecast.backtest import backtest, origins, summary
from forceplan.forecast.engine import (
    ForecastResult,
    ForecastSettings,
    forecast_series,
    horizon_steps,
)
from forceplan.forecast.series import check_regular, read_series_csv
from forceplan.standard.calendar import public_holidays

OUTPUT_COLUMNS = ["unique_id", "ds", "yhat", "lo-80", "hi-80", "lo-95", "hi-95"]


@dataclass(frozen=True)
class FileRequest:
    path: Path
    freq: str = "1h"
    horizon: str = "8w"
    fill_missing: bool = False
    holidays: str | None = "england_wales"  # None: no bank-holiday adjustment
    adjustments: Path | None = None
    extra_models: tuple[str, ...] = ("AutoETS",)
    jobs: int = 1


def _settings(request: FileRequest) -> ForecastSettings:
    try:
        steps = horizon_steps(request.horizon, request.freq)
    except ValueError as exc:
        raise ConfigurationError(str(exc), hint="e.g. --horizon 8w") from None
    return ForecastSettings(freq=request.freq, horizon=steps, n_jobs=request.jobs,
                            extra_models=request.extra_models)


def _load(request: FileRequest) -> pl.DataFrame:
    frame = read_series_csv(request.path)
    return check_regular(frame, request.freq, str(request.path), request.fill_missing)


def _adjusted(result: ForecastResult, history: pl.DataFrame, request: FileRequest
              ) -> pl.DataFrame:
    out = result.forecasts
    if request.holidays:
        span = public_holidays(history["ds"].min().date(), out["ds"].max().date(),
                               request.holidays)
        out = adjust.apply_holidays(out, history, span, request.freq == "1h")
    if request.adjustments:
        out = adjust.apply_adjustments(out, adjust.load_adjustments(request.adjustments))
    return out


def forecast_file(request: FileRequest, output: Path) -> ForecastResult:
    """Forecast every series of the file; write ``output`` (unique_id, ds, yhat, lo-80, hi-80,
    lo-95, hi-95) and, beside it, the model chosen for each series."""
    history = _load(request)
    result = forecast_series(history, _settings(request))
    forecasts = _adjusted(result, history, request)
    output.parent.mkdir(parents=True, exist_ok=True)
    forecasts.select(OUTPUT_COLUMNS).write_csv(output, datetime_format="%Y-%m-%d %H:%M")
    result.models.write_csv(output.with_name(f"{output.stem}.models.csv"))
    return ForecastResult(forecasts, result.models, result.cv)


def backtest_file(request: FileRequest, count: int, folder: Path) -> dict:
    """Rolling-origin backtest from the last ``count`` origins: tables (CSV), summary JSON and
    a chart of forecast against actual with intervals."""
    history = _load(request)
    settings = _settings(request)
    cuts = origins(history, request.freq, settings.horizon, count)
    if not cuts:
        raise DataValidationError(f"{request.path}: too little history to backtest a "
                                  f"{request.horizon} horizon", problems=[],
                                  hint="use a shorter --horizon or fewer --origins")
    result = backtest(history, settings, cuts)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("by_series", "by_origin"):
        result[name].write_csv(folder / f"{name}.csv")
    overall = summary(result)
    overall["origins"] = [c.isoformat(sep=" ") for c in cuts]
    (folder / "summary.json").write_text(json.dumps(overall, indent=2, default=str))
    forecast_vs_actual(result["points"], folder)
    return {"summary": overall, "by_series": result["by_series"],
            "by_origin": result["by_origin"]}
