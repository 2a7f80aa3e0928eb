"""The demo force's demand: incidents, the deployments that answered them, investigations.

Incidents arrive as a Poisson process whose hourly rate follows the fitted hour-of-week profile
(in local time, so the clock changes are real: 23 hours on the spring-forward day, 25 in autumn),
an annual season and a small growth trend. Each gets a category, a grade, a channel, a response
time that stretches in busy hours, a time on task, and one to three officers chosen from those
actually on duty in its BCU at the time (response officers for grades 1-2, neighbourhood
officers first for grade 3). Grade 4 is resolved without deployment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from forceplan.standard import Channel, Grade, Person, Role, ShiftDefinition
from forceplan.standard.demand import default_attendance_target_minutes
from forceplan.synth import calibration as cal
from forceplan.synth.organisation import BCUS, FORCE_ID
from forceplan.synth.profile import HOUR_OF_WEEK_PROFILE

US_PER_MINUTE = 60_000_000
US_PER_HOUR = 60 * US_PER_MINUTE
CATEGORY_NAMES = [c.value for c in cal.CATEGORIES]
CHANNEL_NAMES = [c.value for c in Channel]


def local_midnight_utc(day: dt.date, tz: str) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)


def _local_hours(t0: dt.datetime, hours: int, tz: str) -> pl.DataFrame:
    grid = pl.DataFrame(
        {
            "t": pl.datetime_range(
                t0, t0 + dt.timedelta(hours=hours), "1h", closed="left", time_zone="UTC", eager=True
            )
        }
    )
    local = pl.col("t").dt.convert_time_zone(tz)
    return grid.with_columns(
        how=(local.dt.weekday().cast(pl.Int32) - 1) * 24 + local.dt.hour().cast(pl.Int32),
        doy=local.dt.ordinal_day().cast(pl.Int32),
    )


def arrival_times(
    officers: int, start: dt.date, end: dt.date, tz: str, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Received times (µs since the epoch, UTC, sorted) and their local hour-of-week."""
    t0 = local_midnight_utc(start, tz)
    hours = int((local_midnight_utc(end + dt.timedelta(days=1), tz) - t0).total_seconds() // 3600)
    grid = _local_hours(t0, hours, tz)
    how = grid["how"].to_numpy()
    doy = grid["doy"].to_numpy()
    per_hour = officers * cal.INCIDENTS_PER_OFFICER_YEAR / (365.25 * 24)
    season = 1 + cal.SEASONAL_AMPLITUDE * np.cos(
        2 * np.pi * (doy - cal.SEASONAL_PEAK_DAY_OF_YEAR) / 365.25
    )
    trend = (1 + cal.ANNUAL_GROWTH) ** (np.arange(hours) / (365.25 * 24))
    counts = rng.poisson(per_hour * HOUR_OF_WEEK_PROFILE[how] * season * trend)
    starts = grid["t"].dt.epoch("us").to_numpy()
    received = np.repeat(starts, counts) + rng.integers(0, US_PER_HOUR, counts.sum())
    order = np.argsort(received, kind="stable")
    return received[order], np.repeat(how, counts)[order]


def _strings(values: np.ndarray) -> pl.Series:
    """An object array holding strings and None as a Polars string column."""
    return pl.Series(values.tolist(), dtype=pl.String)


def _pick(cumulative: np.ndarray, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw an index per item from per-row cumulative probabilities ``cumulative[rows]``."""
    u = rng.random(len(rows))
    return (u[:, None] > cumulative[rows]).sum(axis=1)


def _cumulative(table: list[list[float]]) -> np.ndarray:
    array = np.array(table, dtype=float)
    array = array / array.sum(axis=1, keepdims=True)
    cum = np.cumsum(array, axis=1)
    cum[:, -1] = 1.0 + 1e-9
    return cum


def generate_incidents(
    officers: int, start: dt.date, end: dt.date, tz: str, rng: np.random.Generator
) -> pl.DataFrame:
    received, how = arrival_times(officers, start, end, tz, rng)
    n = len(received)
    profiles = list(cal.CATEGORIES.values())
    shares = np.array([p.share for p in profiles])
    category = rng.choice(len(profiles), size=n, p=shares / shares.sum())
    grade = _pick(_cumulative([list(p.grades) for p in profiles]), category, rng) + 1
    channel = _pick(
        _cumulative([[cal.CHANNELS[Grade(g)].get(c, 0.0) for c in Channel] for g in (1, 2, 3, 4)]),
        grade - 1,
        rng,
    )
    agencies = sorted({a for p in profiles for a, _ in p.attributed}, key=lambda a: a.value)
    attributed_table = [
        [dict(p.attributed).get(a, 0.0) for a in agencies] + [1 - sum(s for _, s in p.attributed)]
        for p in profiles
    ]
    attributed = _pick(_cumulative(attributed_table), category, rng)  # len(agencies) = none
    has_agency = attributed < len(agencies)
    partner_share = np.array([p.partner_source_share for p in profiles])[category]
    from_partner = has_agency & (rng.random(n) < partner_share)
    channel = np.where(from_partner, CHANNEL_NAMES.index(Channel.PARTNER_AGENCY.value), channel)
    agency_names = np.array([a.value for a in agencies] + [None], dtype=object)

    bcu = rng.choice(len(BCUS), size=n, p=[b[2] for b in BCUS])
    urban = np.array([b[3] for b in BCUS])[bcu]
    load = HOUR_OF_WEEK_PROFILE[how] ** cal.RESPONSE_LOAD_ELASTICITY
    medians = np.array([cal.RESPONSE_MINUTES.get(Grade(g), (np.nan, 0))[0] for g in (1, 2, 3, 4)])
    sigmas = np.array([cal.RESPONSE_MINUTES.get(Grade(g), (0, 0.0))[1] for g in (1, 2, 3, 4)])
    response = np.exp(np.log(medians[grade - 1]) + sigmas[grade - 1] * rng.standard_normal(n))
    response *= load * np.where((grade == 1) & ~urban, 1.3, 1.0)
    attended = grade < 4
    extra_p = np.array([p.extra_officer_probability for p in profiles])[category]
    second = rng.random(n) < extra_p
    officers_deployed = np.where(attended, 1 + second + (second & (rng.random(n) < extra_p / 2)), 0)
    tot_median = np.array([p.time_on_task_median_minutes for p in profiles])[category]
    time_on_task = tot_median * np.exp(cal.TIME_ON_TASK_SIGMA * rng.standard_normal(n))
    arrival = received + np.where(attended, response * US_PER_MINUTE, 0).astype(np.int64)
    cleared = np.where(
        attended,
        arrival + (time_on_task * US_PER_MINUTE).astype(np.int64),
        received + rng.integers(10, 41, n) * US_PER_MINUTE,
    )
    targets = np.array([default_attendance_target_minutes(Grade(g)) or 0 for g in (1, 2, 3, 4)])
    target = np.where((grade == 1) & ~urban, 20, targets[grade - 1])
    signposted = np.where(
        has_agency & ((grade == 4) | (rng.random(n) < 0.15)), agency_names[attributed], None
    )
    is_crime = np.array([p.is_crime for p in profiles])[category]
    outcome = np.select(
        [grade == 4, is_crime & (rng.random(n) < 0.6), has_agency],
        ["resolved without deployment", "crime recorded", "referred to partner agency"],
        "advice given",
    )
    hot = rng.random(n) < 0.08
    location = np.where(hot, rng.integers(0, 150, n), rng.integers(150, 150 + 600 * officers, n))
    public = np.isin(
        channel,
        [
            CHANNEL_NAMES.index(c)
            for c in (
                Channel.EMERGENCY_999.value,
                Channel.NON_EMERGENCY_101.value,
                Channel.ONLINE.value,
            )
        ],
    )
    frequent = rng.random(n) < 0.2
    caller = np.where(frequent, rng.integers(0, 300, n), rng.integers(300, 10_000_000, n))
    frame = pl.DataFrame(
        {
            "force_id": FORCE_ID,
            "id": [f"I{i:08d}" for i in range(1, n + 1)],
            "unit_id": np.array([b[0] for b in BCUS])[bcu],
            "received_at": received,
            "channel": np.array(CHANNEL_NAMES)[channel],
            "source_agency": _strings(np.where(from_partner, agency_names[attributed], None)),
            "category": np.array(CATEGORY_NAMES)[category],
            "grade": grade,
            "attendance_target_minutes": np.where(target > 0, target, -1),
            "first_arrival_at": np.where(attended, arrival, -1),
            "cleared_at": cleared,
            "officers_deployed": officers_deployed,
            "outcome": outcome,
            "attributed_agency": _strings(agency_names[attributed]),
            "signposted_to": _strings(signposted),
            "location_key": [f"L{x:06d}" for x in location],
            "caller_key": _strings(np.where(public, np.char.add("K", caller.astype(str)), None)),
        },
        strict=False,
    )
    micros = pl.Datetime("us", "UTC")
    return frame.with_columns(
        pl.col("received_at", "cleared_at").cast(micros),
        pl.when(pl.col("first_arrival_at") >= 0).then(pl.col("first_arrival_at")).cast(micros),
        pl.when(pl.col("attendance_target_minutes") > 0).then("attendance_target_minutes"),
    )


@dataclass
class DutyPools:
    """Who is on duty, by (pool, hour): pool = BCU x (response, neighbourhood)."""

    t0_us: int
    hours: int
    offsets: np.ndarray
    counts: np.ndarray
    members: np.ndarray  # person ids, grouped by pool-hour
    fallback: list[np.ndarray]  # per BCU: every response officer (called in on overtime)


def duty_pools(
    people: list[Person],
    roster: pl.DataFrame,
    shifts: list[ShiftDefinition],
    t0: dt.datetime,
    hours: int,
    tz: str,
) -> DutyPools:
    bcu_index = {b[0]: i for i, b in enumerate(BCUS)}
    rows = []
    for p in people:
        if p.role in (Role.RESPONSE, Role.NEIGHBOURHOOD) and p.rank is not None and p.unit_id:
            kind = 0 if p.role == Role.RESPONSE else 1
            rows.append((p.id, bcu_index[p.unit_id.split("-")[0]] * 2 + kind))
    who = pl.DataFrame(rows, schema=["person_id", "pool"], orient="row")
    tours = pl.DataFrame(
        {
            "shift_code": [s.code for s in shifts],
            "start_minute": [s.start_minute for s in shifts],
            "length_minutes": [s.length_minutes for s in shifts],
        }
    )
    t0_us = int(t0.timestamp() * 1_000_000)
    start = (
        pl.col("date").cast(pl.Datetime("us")) + pl.duration(minutes="start_minute")
    ).dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    on = (
        roster.filter(pl.col("status") == "worked")
        .join(who, on="person_id")
        .join(tours, on="shift_code")
        .with_columns(s=(start.dt.epoch("us") - t0_us) // US_PER_HOUR)
        .with_columns(e=pl.col("s") + pl.col("length_minutes") // 60)
        .drop_nulls("s")
        .with_columns(h=pl.int_ranges("s", "e"))
        .explode("h")
        .filter((pl.col("h") >= 0) & (pl.col("h") < hours))
        .with_columns(key=pl.col("pool") * hours + pl.col("h"))
        .sort("key", "person_id")
    )
    keys = on["key"].to_numpy()
    counts = np.bincount(keys, minlength=len(BCUS) * 2 * hours)
    offsets = np.cumsum(counts) - counts
    fallback = [
        who.filter(pl.col("pool") == 2 * i)["person_id"].to_numpy() for i in range(len(BCUS))
    ]
    return DutyPools(t0_us, hours, offsets, counts, on["person_id"].to_numpy(), fallback)


def generate_deployments(
    incidents: pl.DataFrame, pools: DutyPools, rng: np.random.Generator
) -> pl.DataFrame:
    """One row per officer sent: chosen from those on duty in the incident's BCU at arrival."""
    att = incidents.filter(pl.col("officers_deployed") > 0)
    k = att["officers_deployed"].to_numpy().astype(np.int64)
    bcu = att["unit_id"].replace_strict({b[0]: i for i, b in enumerate(BCUS)}).to_numpy()
    grade = att["grade"].to_numpy()
    arrival = att["first_arrival_at"].dt.epoch("us").to_numpy()
    hour = np.clip((arrival - pools.t0_us) // US_PER_HOUR, 0, pools.hours - 1)
    response_key = (bcu * 2) * pools.hours + hour
    nhood_key = (bcu * 2 + 1) * pools.hours + hour
    key = np.where((grade == 3) & (pools.counts[nhood_key] > 0), nhood_key, response_key)
    count = pools.counts[key]
    rep = np.repeat(np.arange(len(att)), k)
    j = np.arange(len(rep)) - np.repeat(np.cumsum(k) - k, k)
    first = rng.integers(0, np.iinfo(np.int64).max, len(att)) % np.maximum(count, 1)
    slot = pools.offsets[key[rep]] + (first[rep] + j) % np.maximum(count[rep], 1)
    person = pools.members[np.minimum(slot, len(pools.members) - 1)].astype(object)
    empty = count[rep] == 0
    if empty.any():  # nobody rostered: someone from the BCU's response teams on overtime
        for i in np.flatnonzero(empty):
            options = pools.fallback[bcu[rep[i]]]
            person[i] = options[rng.integers(0, len(options))]
    received = att["received_at"].dt.epoch("us").to_numpy()
    cleared = att["cleared_at"].dt.epoch("us").to_numpy()
    dispatched = received + ((arrival - received) * rng.uniform(0.05, 0.35, len(att))).astype(
        np.int64
    )
    late = (rng.exponential(4.0, len(rep)) * US_PER_MINUTE).astype(np.int64)
    arrived = np.minimum(arrival[rep] + np.where(j > 0, late, 0), cleared[rep])
    ids = att["id"].to_numpy()[rep]
    micros = pl.Datetime("us", "UTC")
    return pl.DataFrame(
        {
            "force_id": FORCE_ID,
            "id": np.char.add(np.char.add(ids.astype(str), "-"), (j + 1).astype(str)),
            "incident_id": ids,
            "person_id": person.astype(str),
            "dispatched_at": dispatched[rep],
            "arrived_at": arrived,
            "cleared_at": cleared[rep],
        }
    ).with_columns(pl.col("dispatched_at", "arrived_at", "cleared_at").cast(micros))


def generate_cases(
    incidents: pl.DataFrame,
    people: list[Person],
    end: dt.date,
    tz: str,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Investigations from a share of recorded crime, allocated to CID or public protection."""
    crime = [c.value for c, p in cal.CATEGORIES.items() if p.is_crime]
    protection = ["domestic_abuse", "sexual_offence", "child_protection"]
    candidates = incidents.filter(pl.col("category").is_in(crime), pl.col("grade") < 4)
    chosen = candidates.filter(pl.Series(rng.random(candidates.height) < cal.CASE_SHARE))
    pp = np.array([p.id for p in people if p.role == Role.PUBLIC_PROTECTION])
    cid = {b[0]: np.array([p.id for p in people if p.unit_id == f"{b[0]}-CID"]) for b in BCUS}
    cats = chosen["category"].to_numpy()
    units = chosen["unit_id"].to_numpy()
    investigator = np.empty(chosen.height, dtype=object)
    anyone = np.concatenate([pp, *cid.values()])
    for i, (cat, unit) in enumerate(zip(cats, units, strict=True)):
        pool = pp if cat in protection else cid[unit]
        if len(pool) == 0:  # a small force may have no CID in a BCU: any investigator
            pool = anyone
        investigator[i] = pool[rng.integers(0, len(pool))] if len(pool) else None
    weight = np.array([cal.CATEGORIES[cal.C(c)].case_complexity for c in cats])
    weight = np.round(weight * np.exp(0.3 * rng.standard_normal(chosen.height)), 1).clip(0.1)
    days = np.round(
        np.exp(np.log(cal.CASE_DAYS[0]) + cal.CASE_DAYS[1] * rng.standard_normal(chosen.height))
    ).astype(np.int64)
    opened = chosen["received_at"].dt.convert_time_zone(tz).dt.date()
    return (
        pl.DataFrame(
            {
                "force_id": FORCE_ID,
                "id": [f"C{i:07d}" for i in range(1, chosen.height + 1)],
                "category": cats,
                "complexity_weight": weight,
                "investigator_id": pl.Series(investigator.tolist(), dtype=pl.String),
                "incident_id": chosen["id"],
                "opened_on": opened,
                "days": days,
            }
        )
        .with_columns(
            closed_on=pl.col("opened_on") + pl.duration(days="days"),
        )
        .with_columns(
            closed_on=pl.when(pl.col("closed_on") <= end).then("closed_on"),
        )
        .drop("days")
    )
