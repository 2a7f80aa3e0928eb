"""The rest-day ledger: rest days rostered, cancelled, owed and re-rostered; public holidays
worked; overtime; annual leave entitlement, taken and booked.

Police Regulations 2003 (defaults in ``LedgerRules``; cited in docs/rules.md):
- reg. 26, Annex H: a rest day cancelled with fewer than 15 clear days' notice is compensated at
  time and a half (payment or time off, at the officer's choice), for at least 4 hours; with
  15 or more days' notice another rest day is due, notified within 4 days. Clear days count
  neither the day the officer is told nor the day worked (``rdc_notice_days`` is clear days).
- reg. 26, Annex H: duty on a public holiday at fewer than 8 days' notice is double time and
  another day off in lieu; in any other case double time; at least 4 hours.
- reg. 25, Annex G: overtime at time and a third; the first 30 minutes are not compensated on
  each of the first 4 occasions in a week.
- Inspectors and above receive no overtime, rest-day or public-holiday allowances: a rest day
  or public holiday they work earns a day's leave in lieu instead.
- reg. 33, Annex O: annual leave for constables to chief inspectors by years of relevant
  service (22 days under 2 years, 25 from 2, 27 from 10, 28 from 15, 30 from 20; 8-hour days);
  superintendents and chief superintendents 31, chief officers 35. Service is counted at the
  start of the leave year; part-time officers pro rata.

Inputs are frames with the standard's columns. ``roster``: person_id, date, shift_code, status,
rest_day_cancelled, rdc_notice_days, replacement_rest_day, overtime_minutes and tour_hours
(the tour's length). ``people``: id, rank, service_start, contracted_hours_per_week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from forceplan.standard import FULL_TIME_HOURS_PER_WEEK

ALLOWANCE_RANKS = frozenset({"constable", "sergeant"})
SENIOR_RANKS = {"superintendent": 31, "chief_superintendent": 31,
                "assistant_chief_constable": 35, "deputy_chief_constable": 35,
                "chief_constable": 35}


@dataclass(frozen=True)
class LedgerRules:
    rdc_short_notice_days: int = 15
    rdc_rate: float = 1.5
    public_holiday_short_notice_days: int = 8
    public_holiday_rate: float = 2.0
    minimum_hours: float = 4.0
    overtime_rate: float = 4 / 3
    unpaid_overtime_minutes: int = 30
    unpaid_overtime_occasions_per_week: int = 4
    leave_year_start: tuple[int, int] = (4, 1)  # month, day: 1 April
    leave_day_hours: float = 8.0
    annual_leave_by_service: tuple[tuple[int, int], ...] = field(
        default=((0, 22), (2, 25), (5, 25), (10, 27), (15, 28), (20, 30)))


def leave_year(day: dt.date, rules: LedgerRules = LedgerRules()) -> tuple[dt.date, dt.date]:
    """First and last day of the leave year containing ``day``."""
    month, first = rules.leave_year_start
    start = dt.date(day.year, month, first)
    if day < start:
        start = dt.date(day.year - 1, month, first)
    return start, dt.date(start.year + 1, month, first) - dt.timedelta(days=1)


def _allowance(rank: pl.Expr) -> pl.Expr:
    return rank.is_in(list(ALLOWANCE_RANKS)) | rank.is_null()


def worked_duties(roster: pl.DataFrame, holidays: dict[dt.date, str], as_of: dt.date,
                  rules: LedgerRules, people: pl.DataFrame) -> pl.DataFrame:
    """Every rest day cancelled and every public holiday worked, with what it earns."""
    ranks = people.select(person_id="id", rank="rank")
    dates = pl.DataFrame({"date": list(holidays), "holiday": list(holidays.values())},
                         schema={"date": pl.Date, "holiday": pl.String})
    on_duty = (roster.filter(pl.col("shift_code").is_not_null()
                             & (pl.col("status") != "cancelled"))
               .join(dates, on="date", how="left").join(ranks, on="person_id", how="left")
               .filter(pl.col("rest_day_cancelled") | pl.col("holiday").is_not_null()))
    hours = pl.max_horizontal(pl.col("tour_hours") + pl.col("overtime_minutes") / 60,
                              rules.minimum_hours)
    is_ph = pl.col("holiday").is_not_null()
    notice = pl.col("rdc_notice_days")
    short_ph = is_ph & notice.is_not_null() & (notice < rules.public_holiday_short_notice_days)
    short_rdc = ~is_ph & (notice < rules.rdc_short_notice_days)
    allowance = _allowance(pl.col("rank"))
    rate = (pl.when(~allowance).then(0.0).when(is_ph).then(rules.public_holiday_rate)
            .when(short_rdc).then(rules.rdc_rate).otherwise(0.0))
    rest_day_due = ~is_ph & ~short_rdc
    lieu_day = (allowance & short_ph) | (~allowance)
    what = (pl.when(~allowance).then(pl.lit("a day's leave in lieu (inspectors and above)"))
            .when(short_ph).then(pl.lit("double time (at least 4 h) and a day off in lieu"))
            .when(is_ph).then(pl.lit("double time (at least 4 h)"))
            .when(short_rdc).then(pl.lit("time and a half (at least 4 h), paid or as time "
                                         "off at the officer's choice"))
            .otherwise(pl.lit("another rest day, to be notified within 4 days")))
    return on_duty.select(
        "person_id", "date", "shift_code", "holiday", notice_days=notice,
        worked=(pl.col("date") <= as_of) & (pl.col("status") != "planned"),
        kind=pl.when(is_ph).then(pl.lit("public_holiday")).otherwise(pl.lit("rest_day")),
        compensation_hours=(hours * rate).round(2),
        rest_day_owed=rest_day_due & allowance, day_in_lieu=lieu_day, compensation=what)


def overtime(roster: pl.DataFrame, rules: LedgerRules, people: pl.DataFrame) -> pl.DataFrame:
    """Overtime per person and week: worked, and compensable at time and a third after the
    first 30 minutes of each of the first 4 occasions."""
    ranks = people.select(person_id="id", rank="rank")
    occasions = (roster.filter(pl.col("overtime_minutes") > 0)
                 .sort("person_id", "date")
                 .with_columns(week=pl.col("date").dt.truncate("1w"))
                 .with_columns(occasion=pl.int_range(pl.len()).over("person_id", "week"))
                 .join(ranks, on="person_id", how="left"))
    unpaid = pl.when(pl.col("occasion") < rules.unpaid_overtime_occasions_per_week).then(
        pl.min_horizontal("overtime_minutes", rules.unpaid_overtime_minutes)).otherwise(0)
    paid = pl.when(_allowance(pl.col("rank"))).then(pl.col("overtime_minutes") - unpaid)
    return (occasions.with_columns(paid_minutes=paid.otherwise(0))
            .group_by("person_id", "week")
            .agg(occasions=pl.len(), overtime_hours=pl.col("overtime_minutes").sum() / 60,
                 compensation_hours=(pl.col("paid_minutes").sum() / 60
                                     * rules.overtime_rate).round(2))
            .sort("person_id", "week"))


def annual_leave(people: pl.DataFrame, absences: pl.DataFrame, roster: pl.DataFrame,
                 as_of: dt.date, rules: LedgerRules = LedgerRules()) -> pl.DataFrame:
    """Annual leave for the leave year containing ``as_of``: entitlement (Annex O, pro rata),
    days taken, booked and requested (a day counts unless the roster shows a rest day)."""
    first, last = leave_year(as_of, rules)
    years = ((pl.lit(first) - pl.col("service_start")).dt.total_days() / 365.25).floor()
    scale = pl.col("contracted_hours_per_week").fill_null(FULL_TIME_HOURS_PER_WEEK) \
        / FULL_TIME_HOURS_PER_WEEK
    by_service = pl.lit(0)
    for threshold, days in rules.annual_leave_by_service:
        by_service = pl.when(years >= threshold).then(days).otherwise(by_service)
    senior = pl.col("rank").replace_strict(SENIOR_RANKS, default=None, return_dtype=pl.Int64)
    entitled = people.select(
        person_id="id", entitlement_days=(pl.coalesce(senior, by_service) * scale).round(1))
    rest = roster.filter(pl.col("shift_code").is_null()).select("person_id", "date",
                                                                 rest=pl.lit(True))
    days = (absences.filter((pl.col("kind") == "annual_leave")
                            & pl.col("status").is_in(["approved", "requested"]))
            .with_columns(date=pl.date_ranges(pl.max_horizontal("start", pl.lit(first)),
                                              pl.min_horizontal("end", pl.lit(last))))
            .explode("date").drop_nulls("date")
            .join(rest, on=["person_id", "date"], how="left")
            .filter(pl.col("rest").is_null())
            .group_by("person_id")
            .agg(taken_days=((pl.col("status") == "approved") & (pl.col("date") <= as_of)).sum(),
                 booked_days=((pl.col("status") == "approved") & (pl.col("date") > as_of)).sum(),
                 requested_days=(pl.col("status") == "requested").sum()))
    return (entitled.join(days, on="person_id", how="left").fill_null(0)
            .with_columns(remaining_days=pl.col("entitlement_days") - pl.col("taken_days")
                          - pl.col("booked_days"),
                          leave_year=pl.lit(f"{first:%Y-%m-%d} to {last:%Y-%m-%d}")))


def rest_day_ledger(roster: pl.DataFrame, people: pl.DataFrame, absences: pl.DataFrame,
                    holidays: dict[dt.date, str], start: dt.date, end: dt.date, as_of: dt.date,
                    rules: LedgerRules = LedgerRules()) -> dict[str, pl.DataFrame]:
    """Per officer for [start, end]: rest days rostered, cancelled (by notice), re-rostered,
    owed (a running balance over all the roster up to ``end``), public holidays worked, days in
    lieu earned, compensation hours, overtime, and annual leave for the leave year of
    ``as_of``. Also returns the duties and overtime weeks behind the figures."""
    duties = worked_duties(roster.filter(pl.col("date") <= end), holidays, as_of, rules,
                           people)
    in_period = pl.col("date").is_between(start, end)
    balance = (duties.group_by("person_id").agg(due=pl.col("rest_day_owed").sum())
               .join(roster.filter((pl.col("date") <= end) & pl.col("replacement_rest_day"))
                     .group_by("person_id").agg(given=pl.len()), on="person_id", how="full",
                     coalesce=True)
               .fill_null(0)
               .select("person_id", rest_days_owed=pl.max_horizontal(
                   pl.col("due").cast(pl.Int64) - pl.col("given").cast(pl.Int64), 0)))
    period = roster.filter(in_period)
    rostered = period.group_by("person_id").agg(
        rest_days_rostered=(pl.col("shift_code").is_null() | pl.col("rest_day_cancelled")).sum(),
        rest_days_cancelled=pl.col("rest_day_cancelled").sum(),
        rest_days_re_rostered=pl.col("replacement_rest_day").sum(),
        tours=(pl.col("shift_code").is_not_null() & (pl.col("status") != "cancelled")).sum())
    notice = pl.col("notice_days")
    earned = duties.filter(in_period).group_by("person_id").agg(
        rdc_short_notice=((pl.col("kind") == "rest_day")
                          & (notice < rules.rdc_short_notice_days)).sum(),
        rdc_long_notice=((pl.col("kind") == "rest_day")
                         & (notice >= rules.rdc_short_notice_days)).sum(),
        public_holidays_worked=(pl.col("kind") == "public_holiday").sum(),
        days_in_lieu_earned=pl.col("day_in_lieu").sum(),
        rest_day_compensation_hours=pl.col("compensation_hours")
        .filter(pl.col("kind") == "rest_day").sum(),
        public_holiday_compensation_hours=pl.col("compensation_hours")
        .filter(pl.col("kind") == "public_holiday").sum())
    weeks = overtime(period, rules, people)
    extra = weeks.group_by("person_id").agg(pl.col("overtime_hours").sum(),
                                            overtime_compensation_hours=pl.col(
                                                "compensation_hours").sum())
    leave = annual_leave(people, absences, roster, as_of, rules)
    summary = (people.select(person_id="id").join(rostered, on="person_id", how="left")
               .join(earned, on="person_id", how="left").join(extra, on="person_id", how="left")
               .join(balance, on="person_id", how="left").fill_null(0)
               .join(leave, on="person_id", how="left"))
    return {"summary": summary.sort("person_id"), "duties": duties.sort("person_id", "date"),
            "overtime": weeks}
