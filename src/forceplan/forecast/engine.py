"""Forecast many series with intervals: candidates compared by rolling-origin cross-validation
per series, the winner refitted on all the history, intervals from its cross-validation errors.

- Candidates: statsforecast's SeasonalNaive (the baseline, and the fallback for any series a
  model fails on), MSTL with daily and weekly seasonality (trend by AutoETS), AutoETS and
  AutoTheta (daily data: hourly ETS/Theta with a 168-hour season is too slow at scale), and
  forceplan's seasonal profile (``profile.py``).
- Sparse hourly series (fewer than ``sparse_per_step`` a step on average) are forecast as daily
  totals, then spread over the hours by their own hour-of-day shares for that weekday, shrunk
  towards the shares of all the series together (a handful of incidents cannot fix a shape).
- Intervals are split-conformal: the chosen model's cross-validation errors, scaled by √ŷ for
  count series (a count's spread grows with its mean), give the half-widths at each level, so
  coverage is what the backtest shows rather than what a Gaussian assumption promises.
- Counts are never forecast below zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from statsforecast import StatsForecast
from statsforecast.models import MSTL, AutoETS, AutoTheta, SeasonalNaive

from forceplan.forecast.profile import ProfileSettings, profile_forecast
from forceplan.forecast.series import frequency

BASELINE = "SeasonalNaive"
PROFILE = "Profile"
ENSEMBLE = "MSTL+Profile"  # the mean of the two: combinations are rarely far from the best


@dataclass(frozen=True)
class ForecastSettings:
    freq: str = "1h"
    horizon: int = 168  # steps
    levels: tuple[int, ...] = (80, 95)
    cv_windows: int = 3
    cv_horizon_max: int = 336  # steps of each cross-validation window, at most
    sparse_per_step: float = 2.0  # hourly series with a lower mean are modelled daily
    shrink_days: float = 4.0  # days of the pooled shape mixed into a sparse series' shares
    n_jobs: int = 1
    extra_models: tuple[str, ...] = ("AutoETS",)  # daily candidates beyond MSTL; + AutoTheta
    max_history_weeks: int = 26  # history given to the hourly statsforecast models
    profile: ProfileSettings = field(default_factory=ProfileSettings)


def _library_models(season: tuple[int, ...], extra: tuple[str, ...] = ("AutoETS",)) -> list:
    """statsforecast candidates for a season (hourly: (24, 168); daily: (7,)). MSTL's trend is
    simple exponential smoothing (a level, no trend: safer over 8-12 weeks and five times
    faster than a searched ETS). ETS and Theta are offered on daily data only."""
    week = season[-1]
    models = [SeasonalNaive(week, alias=BASELINE),
              MSTL(season_length=list(season), trend_forecaster=AutoETS(model="ANN"),
                   alias="MSTL")]
    if week <= 7:
        if "AutoETS" in extra:
            models.append(AutoETS(season_length=week, model="ANA", alias="AutoETS"))
        if "AutoTheta" in extra:
            models.append(AutoTheta(season_length=week, alias="AutoTheta"))
    return models


def _slots(ds: pl.Series, freq: str) -> np.ndarray:
    """Slot in the week: hour of week (0 = Monday 00:00) or day of week."""
    day = (ds.dt.weekday().cast(pl.Int64) - 1).to_numpy()
    return day * 24 + ds.dt.hour().cast(pl.Int64).to_numpy() if freq == "1h" else day


@dataclass
class _Group:
    """Series modelled together at one frequency."""

    frame: pl.DataFrame  # unique_id, ds, y
    freq: str
    week: int
    season: tuple[int, ...]


def _recent(group: _Group, settings: ForecastSettings, extra_steps: int) -> pl.DataFrame:
    """The latest ``max_history_weeks`` (plus the cross-validation span) of hourly series:
    the statsforecast models' cost grows with the history; the profile uses all of it."""
    if group.freq != "1h":
        return group.frame
    keep = settings.max_history_weeks * group.week + extra_steps
    return group.frame.group_by("unique_id", maintain_order=True).tail(keep)


def _cv(group: _Group, cv_h: int, windows: int, settings: ForecastSettings) -> pl.DataFrame:
    """Rolling-origin forecasts of every candidate: unique_id, ds, cutoff, y, one column each."""
    sf = StatsForecast(models=_library_models(group.season, settings.extra_models),
                       freq=group.freq, n_jobs=settings.n_jobs,
                       fallback_model=SeasonalNaive(group.week))
    cv = sf.cross_validation(df=_recent(group, settings, windows * cv_h), h=cv_h,
                             n_windows=windows, step_size=cv_h)
    rows = []
    for uid, part in group.frame.group_by("unique_id", maintain_order=True):
        y, ds = part["y"].to_numpy(), part["ds"]
        slots = _slots(ds, group.freq)
        for k in range(windows, 0, -1):
            cut = len(y) - k * cv_h
            future = np.arange(cut, cut + cv_h)
            rows.append(pl.DataFrame({
                "unique_id": uid[0], "ds": ds[cut:cut + cv_h],
                PROFILE: profile_forecast(y[:cut], slots[:cut], slots[future], group.week,
                                          settings.profile)}))
    cv = cv.join(pl.concat(rows), on=["unique_id", "ds"], how="left")
    return cv.with_columns(((pl.col("MSTL") + pl.col(PROFILE)) / 2).alias(ENSEMBLE))


def _forecast(group: _Group, models: dict[str, list[str]], horizon: int,
              settings: ForecastSettings) -> pl.DataFrame:
    """Each series' chosen model refitted on all its history: unique_id, ds, yhat."""
    step, _cycle, _week = frequency(group.freq)
    out = []
    library = {m.alias: m for m in _library_models(group.season, settings.extra_models)}
    for name, ids in models.items():
        part = group.frame.filter(pl.col("unique_id").is_in(ids))
        if name == ENSEMBLE:
            pair = [_forecast(group, {m: ids}, horizon, settings) for m in ("MSTL", PROFILE)]
            out.append(pair[0].join(pair[1], on=["unique_id", "ds"], suffix="_p").select(
                "unique_id", "ds", yhat=(pl.col("yhat") + pl.col("yhat_p")) / 2))
            continue
        if name == PROFILE:
            for uid, one in part.group_by("unique_id", maintain_order=True):
                last = one["ds"][-1]
                future_ds = pl.datetime_range(last + step, last + step * horizon, step,
                                              eager=True)
                yhat = profile_forecast(one["y"].to_numpy(), _slots(one["ds"], group.freq),
                                        _slots(future_ds, group.freq), group.week,
                                        settings.profile)
                out.append(pl.DataFrame({"unique_id": uid[0], "ds": future_ds, "yhat": yhat}))
            continue
        sf = StatsForecast(models=[library[name]], freq=group.freq, n_jobs=settings.n_jobs,
                           fallback_model=SeasonalNaive(group.week))
        recent = _recent(_Group(part, group.freq, group.week, group.season), settings, 0)
        out.append(sf.forecast(df=recent, h=horizon).rename({name: "yhat"})
                   .select("unique_id", "ds", "yhat"))
    return pl.concat(out, how="vertical_relaxed")


def _choose(cv: pl.DataFrame, candidates: list[str]) -> pl.DataFrame:
    """Per series, the candidate with the lowest cross-validated mean absolute error (the
    baseline wins ties and replaces any model that gave non-finite values)."""
    scores = cv.group_by("unique_id").agg(
        [pl.when(pl.col(m).is_finite().all()).then((pl.col(m) - pl.col("y")).abs().mean())
         .otherwise(None).alias(m) for m in candidates])
    long = scores.unpivot(index="unique_id", variable_name="model", value_name="cv_mae")
    order = {m: i for i, m in enumerate(candidates)}
    return (long.drop_nulls("cv_mae")
            .with_columns(rank=pl.col("model").replace_strict(order, return_dtype=pl.Int64))
            .sort("unique_id", "cv_mae", "rank").group_by("unique_id", maintain_order=True)
            .first().drop("rank"))


def _spread_daily(daily: pl.DataFrame, hourly: pl.DataFrame, settings: ForecastSettings
                  ) -> pl.DataFrame:
    """Daily forecasts (unique_id, ds = day, yhat and any other columns) spread over the hours
    by each series' hour-of-day shares on that weekday, shrunk towards the pooled shares."""
    with_slots = hourly.with_columns(weekday=pl.col("ds").dt.weekday(),
                                     hour=pl.col("ds").dt.hour())
    own = with_slots.group_by("unique_id", "weekday", "hour").agg(n=pl.col("y").sum())
    pooled = (with_slots.group_by("weekday", "hour").agg(p=pl.col("y").sum())
              .with_columns(p=pl.col("p") / pl.col("p").sum().over("weekday")))
    days = with_slots.group_by("unique_id", "weekday").agg(
        days=pl.col("ds").dt.date().n_unique())
    daily_mean = own.group_by("unique_id", "weekday").agg(total=pl.col("n").sum())
    prior = pl.col("days") * settings.shrink_days / 7  # pseudo-days of the pooled shape
    shares = (own.join(pooled, on=["weekday", "hour"]).join(daily_mean, on=["unique_id",
                                                                           "weekday"])
              .join(days, on=["unique_id", "weekday"])
              .with_columns(share=(pl.col("n") + pl.col("p") * pl.col("total") / pl.col("days")
                                   * prior + pl.col("p") * 1e-9)
                            / (pl.col("total") + pl.col("total") / pl.col("days") * prior
                               + 1e-9))
              .with_columns(share=pl.col("share") / pl.col("share").sum().over("unique_id",
                                                                               "weekday"))
              .select("unique_id", "weekday", "hour", "share"))
    value_columns = [c for c, d in daily.schema.items()
                     if d.is_numeric() and c not in ("unique_id", "ds", "cutoff")]
    expanded = (daily.with_columns(weekday=pl.col("ds").dt.weekday())
                .join(shares, on=["unique_id", "weekday"])
                .with_columns(ds=pl.col("ds") + pl.duration(hours=pl.col("hour")))
                .with_columns([pl.col(c) * pl.col("share") for c in value_columns
                               if c != "y"]))
    return expanded.drop("weekday", "hour", "share")


def _daily(hourly: pl.DataFrame) -> pl.DataFrame:
    return (hourly.group_by("unique_id", pl.col("ds").dt.truncate("1d"))
            .agg(pl.col("y").sum(), hours=pl.len())
            .filter(pl.col("hours") == 24).drop("hours").sort("unique_id", "ds"))


@dataclass
class ForecastResult:
    forecasts: pl.DataFrame  # unique_id, ds, yhat, lo-80, hi-80, lo-95, hi-95, model
    models: pl.DataFrame  # unique_id, model, cv_mae, route, note
    cv: pl.DataFrame  # the chosen models' cross-validation: unique_id, ds, cutoff, y, yhat


def _intervals(frame: pl.DataFrame, cv: pl.DataFrame, levels: tuple[int, ...],
               counts: pl.DataFrame) -> pl.DataFrame:
    """Split-conformal half-widths from each series' cross-validation errors (pooled over its
    group when a series has fewer than 50 errors), scaled by √ŷ for count series."""
    scale = pl.when(pl.col("is_count")).then(pl.max_horizontal("yhat", 0.5).sqrt()) \
        .otherwise(1.0)
    errors = cv.join(counts, on="unique_id").with_columns(
        r=(pl.col("y") - pl.col("yhat")).abs() / scale)
    quantiles = [pl.col("r").quantile(level / 100, "higher").alias(f"q{level}")
                 for level in levels]
    own = errors.group_by("unique_id").agg(*quantiles, n=pl.len())
    pooled = errors.select(quantiles)
    out = frame.join(counts, on="unique_id").join(own, on="unique_id", how="left")
    for level in levels:
        q = pl.when(pl.col("n") >= 50).then(pl.col(f"q{level}")).otherwise(
            pooled[f"q{level}"][0] if pooled.height else 0.0)
        out = out.with_columns((pl.col("yhat") - q * scale).alias(f"lo-{level}"),
                               (pl.col("yhat") + q * scale).alias(f"hi-{level}"))
    bounded = [pl.when(pl.col("nonneg")).then(pl.max_horizontal(pl.col(c), 0.0))
               .otherwise(pl.col(c)).alias(c) for c in out.columns
               if c == "yhat" or c.startswith(("lo-", "hi-"))]
    return out.with_columns(bounded).drop([f"q{level}" for level in levels] + ["n"])


def _run_group(group: _Group, horizon: int, settings: ForecastSettings
               ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Cross-validate, choose and forecast one group: (forecasts, choices, chosen cv)."""
    shortest = group.frame.group_by("unique_id").len()["len"].min()
    cv_h = min(horizon, settings.cv_horizon_max if group.freq == "1h"
               else max(settings.cv_horizon_max // 24, 7))
    windows = max(1, min(settings.cv_windows, (shortest - 2 * group.week) // cv_h))
    cv = _cv(group, cv_h, windows, settings)
    candidates = [BASELINE, PROFILE] + [c for c in cv.columns if c not in (
        "unique_id", "ds", "cutoff", "y", BASELINE, PROFILE)]
    chosen = _choose(cv, candidates)
    by_model: dict[str, list[str]] = {}
    for uid, model in chosen.select("unique_id", "model").iter_rows():
        by_model.setdefault(model, []).append(uid)
    forecasts = _forecast(group, by_model, horizon, settings).join(
        chosen.select("unique_id", "model"), on="unique_id")
    chosen_cv = (cv.join(chosen.select("unique_id", "model"), on="unique_id")
                 .with_columns(yhat=pl.coalesce([pl.when(pl.col("model") == m).then(pl.col(m))
                                                 for m in candidates]))
                 .select("unique_id", "ds", "cutoff", "y", "yhat"))
    return forecasts, chosen, chosen_cv


def _fallback(frame: pl.DataFrame, horizon: int, freq: str, reason: str
              ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Series too short or too plain for the models: last week again (seasonal naive), or the
    mean when there is less than a week; in-sample errors of the same rule give intervals."""
    step, _cycle, week = frequency(freq)
    out, errors, notes = [], [], []
    for uid, part in frame.group_by("unique_id", maintain_order=True):
        y, last = part["y"].to_numpy(), part["ds"][-1]
        future = pl.datetime_range(last + step, last + step * horizon, step, eager=True)
        if len(y) >= week:
            yhat = np.resize(y[-week:], horizon)
            fitted, actual = (y[:-week], y[week:]) if len(y) >= 2 * week else (
                np.full(len(y), y.mean()), y)
        else:
            yhat = np.full(horizon, y.mean())
            fitted, actual = np.full(len(y), y.mean()), y
        out.append(pl.DataFrame({"unique_id": uid[0], "ds": future, "yhat": yhat,
                                 "model": BASELINE}))
        errors.append(pl.DataFrame({"unique_id": uid[0], "y": actual, "yhat": fitted}))
        notes.append({"unique_id": uid[0], "model": BASELINE, "cv_mae": None, "note": reason})
    cv = pl.concat(errors).with_columns(ds=pl.lit(None, pl.Datetime("us")),
                                        cutoff=pl.lit(None, pl.Datetime("us")))
    return (pl.concat(out), pl.DataFrame(notes, schema={"unique_id": pl.String,
                                                         "model": pl.String,
                                                         "cv_mae": pl.Float64,
                                                         "note": pl.String}),
            cv.select("unique_id", "ds", "cutoff", "y", "yhat"))


def _route(settings: ForecastSettings, week: int) -> pl.Expr:
    """How each series is forecast: ``constant`` and ``short`` fall back to seasonal naive;
    ``sparse`` hourly series go through daily totals (they need three weeks); the rest are
    ``dense``."""
    sparse = (settings.freq == "1h") & (pl.col("mean") < settings.sparse_per_step)
    need = 2 * week + min(settings.horizon, settings.cv_horizon_max)
    return (pl.when("constant").then(pl.lit("constant"))
            .when(sparse & (pl.col("n") >= 24 * 21)).then(pl.lit("sparse"))
            .when(sparse | (pl.col("n") < need)).then(pl.lit("short"))
            .otherwise(pl.lit("dense")))


def _run_sparse(hourly: pl.DataFrame, settings: ForecastSettings
                ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Sparse hourly series: daily totals cross-validated and forecast, then spread over the
    hours (forecasts and cross-validation alike)."""
    group = _Group(_daily(hourly), "1d", 7, (7,))
    f, c, v = _run_group(group, -(-settings.horizon // 24), settings)
    last = hourly.group_by("unique_id").agg(last=pl.col("ds").max())
    spread = _spread_daily(f, hourly, settings).join(last, on="unique_id").filter(
        pl.col("ds") > pl.col("last")).drop("last")
    hourly_cv = _spread_daily(v.drop("y"), hourly, settings).join(
        hourly.select("unique_id", "ds", "y"), on=["unique_id", "ds"])
    return (spread.group_by("unique_id", maintain_order=True).head(settings.horizon),
            c.with_columns(note=pl.lit("sparse: daily totals chosen by cross-validation, "
                                       "spread by hour-of-day shares")),
            hourly_cv.select("unique_id", "ds", "cutoff", "y", "yhat"))


def forecast_series(frame: pl.DataFrame, settings: ForecastSettings = ForecastSettings()
                    ) -> ForecastResult:
    """Forecasts with intervals for every series of a checked long frame (unique_id, ds, y
    at ``settings.freq``)."""
    _step, cycle, week = frequency(settings.freq)
    season = (cycle, week) if cycle != week else (week,)
    stats = frame.group_by("unique_id").agg(
        n=pl.len(), mean=pl.col("y").mean(), nonneg=(pl.col("y") >= 0).all(),
        is_count=((pl.col("y") >= 0) & (pl.col("y") == pl.col("y").round())).all(),
        constant=(pl.col("y").n_unique() == 1) | ((pl.col("y") != 0).sum() < 3))
    routes = stats.with_columns(route=_route(settings, week)).group_by("route").agg(
        pl.col("unique_id"))
    ids = dict(routes.iter_rows())
    parts, choices, cvs = [], [], []
    if ids.get("dense"):
        group = _Group(frame.filter(pl.col("unique_id").is_in(ids["dense"])), settings.freq,
                       week, season)
        f, c, v = _run_group(group, settings.horizon, settings)
        parts.append(f)
        choices.append(c.with_columns(note=pl.lit("chosen by cross-validation")))
        cvs.append(v)
    if ids.get("sparse"):
        f, c, v = _run_sparse(frame.filter(pl.col("unique_id").is_in(ids["sparse"])),
                              settings)
        parts.append(f)
        choices.append(c)
        cvs.append(v)
    for route, reason in (("constant", "constant, or fewer than 3 non-zero values: fallback "
                           "to seasonal naive"),
                          ("short", "history too short for cross-validation: fallback to "
                           "seasonal naive")):
        if ids.get(route):
            f, c, v = _fallback(frame.filter(pl.col("unique_id").is_in(ids[route])),
                                settings.horizon, settings.freq, reason)
            parts.append(f)
            choices.append(c)
            cvs.append(v)
    forecasts = pl.concat([p.select("unique_id", "ds", "yhat", "model") for p in parts],
                          how="vertical_relaxed")
    cv = pl.concat(cvs, how="vertical_relaxed")
    counts = stats.select("unique_id", "is_count", "nonneg")
    out = _intervals(forecasts, cv, settings.levels, counts)
    columns = ["unique_id", "ds", "yhat"] + [f"{side}-{level}" for level in settings.levels
                                             for side in ("lo", "hi")] + ["model"]
    models = pl.concat([c.select("unique_id", "model", "cv_mae", "note") for c in choices],
                       how="vertical_relaxed").sort("unique_id")
    return ForecastResult(out.select(columns).sort("unique_id", "ds"), models, cv)


def horizon_steps(text: str, freq: str) -> int:
    """'8w', '12w', '10d', '36h' or a bare number of steps, in steps of ``freq``."""
    step, _cycle, _week = frequency(freq)
    units = {"h": dt.timedelta(hours=1), "d": dt.timedelta(days=1), "w": dt.timedelta(weeks=1)}
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    if text[-1:] in units and text[:-1].isdigit():
        steps = units[text[-1]] * int(text[:-1]) / step
        if steps >= 1 and steps == int(steps):
            return int(steps)
    raise ValueError(f"horizon {text!r}: give a whole number of steps or e.g. 8w, 10d, 36h")
