"""The rest-day ledger against worked examples of Police Regulations."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from forceplan.standard.calendar import public_holidays
from forceplan.welfare.ledger import (
    LedgerRules,
    annual_leave,
    leave_year,
    overtime,
    rest_day_ledger,
)

AS_OF = dt.date(2025, 12, 31)
HOLIDAYS = public_holidays(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def line(person, day, code="E", hours=8.0, rdc=None, replacement=False, overtime=0,
         status="worked"):
    return {"person_id": person, "date": day, "shift_code": code, "status": status,
            "rest_day_cancelled": rdc is not None, "rdc_notice_days": rdc,
            "replacement_rest_day": replacement, "overtime_minutes": overtime,
            "tour_hours": hours if code else None}


def roster(*lines) -> pl.DataFrame:
    return pl.DataFrame(list(lines), schema={
        "person_id": pl.String, "date": pl.Date, "shift_code": pl.String, "status": pl.String,
        "rest_day_cancelled": pl.Boolean, "rdc_notice_days": pl.Int64,
        "replacement_rest_day": pl.Boolean, "overtime_minutes": pl.Int64,
        "tour_hours": pl.Float64})


def people(*rows) -> pl.DataFrame:
    return pl.DataFrame([{"id": p, "rank": r, "service_start": s,
                          "contracted_hours_per_week": h} for p, r, s, h in rows])


PC = ("P1", "constable", dt.date(2015, 1, 1), 40.0)
NO_LEAVE = pl.DataFrame(schema={"person_id": pl.String, "kind": pl.String, "start": pl.Date,
                                "end": pl.Date, "status": pl.String})


def ledger(rows, who=(PC,)):
    return rest_day_ledger(roster(*rows), people(*who), NO_LEAVE, HOLIDAYS,
                           dt.date(2025, 1, 1), dt.date(2025, 12, 31), AS_OF)


def test_fourteen_days_notice_is_time_and_a_half_fifteen_is_another_rest_day():
    out = ledger([line("P1", dt.date(2025, 6, 3), rdc=14),
                  line("P1", dt.date(2025, 6, 10), rdc=15)])
    duties = {r["notice_days"]: r for r in out["duties"].to_dicts()}
    assert duties[14]["compensation_hours"] == pytest.approx(12.0)  # 8 h × 1.5
    assert not duties[14]["rest_day_owed"]
    assert duties[15]["compensation_hours"] == 0 and duties[15]["rest_day_owed"]
    summary = out["summary"].row(0, named=True)
    assert summary["rdc_short_notice"] == 1 and summary["rdc_long_notice"] == 1
    assert summary["rest_days_owed"] == 1
    assert summary["rest_day_compensation_hours"] == pytest.approx(12.0)


def test_short_cancellations_are_paid_for_at_least_four_hours():
    out = ledger([line("P1", dt.date(2025, 6, 3), rdc=2, hours=2.0)])
    assert out["duties"]["compensation_hours"][0] == pytest.approx(6.0)  # 4 h × 1.5


def test_a_replacement_rest_day_clears_what_is_owed():
    out = ledger([line("P1", dt.date(2025, 6, 10), rdc=20),
                  line("P1", dt.date(2025, 6, 20), code=None, replacement=True)])
    summary = out["summary"].row(0, named=True)
    assert summary["rest_days_owed"] == 0 and summary["rest_days_re_rostered"] == 1
    assert summary["rest_days_rostered"] == 2  # the cancelled one and its replacement


def test_public_holidays_double_time_and_a_day_in_lieu_at_short_notice():
    christmas, boxing = dt.date(2025, 12, 25), dt.date(2025, 12, 26)
    out = ledger([line("P1", christmas, rdc=7), line("P1", boxing, hours=10.0)])
    rows = {r["date"]: r for r in out["duties"].to_dicts()}
    assert rows[christmas]["holiday"] == "Christmas Day"
    assert rows[christmas]["compensation_hours"] == pytest.approx(16.0)  # 8 h × 2
    assert rows[christmas]["day_in_lieu"] and not rows[christmas]["rest_day_owed"]
    assert rows[boxing]["compensation_hours"] == pytest.approx(20.0)  # rostered: double time
    assert not rows[boxing]["day_in_lieu"]
    summary = out["summary"].row(0, named=True)
    assert summary["public_holidays_worked"] == 2 and summary["days_in_lieu_earned"] == 1


def test_inspectors_earn_leave_in_lieu_not_money():
    inspector = ("P2", "inspector", dt.date(2005, 1, 1), 40.0)
    out = ledger([line("P2", dt.date(2025, 6, 3), rdc=3, overtime=120)], who=(inspector,))
    row = out["duties"].row(0, named=True)
    assert row["compensation_hours"] == 0 and row["day_in_lieu"]
    assert out["summary"]["overtime_compensation_hours"][0] == 0
    assert out["summary"]["overtime_hours"][0] == pytest.approx(2.0)


def test_first_thirty_minutes_unpaid_on_the_first_four_occasions_a_week():
    monday = dt.date(2025, 6, 2)
    rows = [line("P1", monday + dt.timedelta(days=d), overtime=60) for d in range(5)]
    weeks = overtime(roster(*rows), LedgerRules(), people(PC))
    # 4 × 30 min + 60 min = 3 h paid at time and a third.
    assert weeks["compensation_hours"][0] == pytest.approx(4.0)
    assert weeks["overtime_hours"][0] == pytest.approx(5.0)


def test_annual_leave_by_service_rank_and_hours():
    who = people(("A", "constable", dt.date(2024, 9, 1), 40.0),
                 ("B", "constable", dt.date(2023, 1, 1), 40.0),
                 ("C", "sergeant", dt.date(2004, 1, 1), 40.0),
                 ("D", "constable", dt.date(2010, 1, 1), 20.0),
                 ("E", "superintendent", dt.date(2000, 1, 1), 40.0))
    leave = pl.DataFrame({"person_id": ["A", "A", "A"], "kind": ["annual_leave"] * 3,
                          "start": [dt.date(2025, 5, 5), dt.date(2025, 12, 29),
                                    dt.date(2026, 2, 2)],
                          "end": [dt.date(2025, 5, 9), dt.date(2026, 1, 2),
                                  dt.date(2026, 2, 3)],
                          "status": ["approved", "approved", "requested"]})
    rest = roster(line("A", dt.date(2025, 5, 9), code=None))  # a rest day inside the leave
    out = {r["person_id"]: r for r in annual_leave(who, leave, rest, AS_OF).to_dicts()}
    # D has 15 years' service (28 days) and works half time.
    assert [out[p]["entitlement_days"] for p in "ABCDE"] == [22, 25, 30, 14, 31]
    assert out["A"]["taken_days"] == 4 + 3  # 5-8 May, 29-31 Dec
    assert out["A"]["booked_days"] == 2 and out["A"]["requested_days"] == 2
    assert out["A"]["remaining_days"] == 22 - 9
    assert leave_year(AS_OF) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
