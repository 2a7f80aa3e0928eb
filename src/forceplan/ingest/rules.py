"""Cross-field rules of the standard as Polars expressions, for bulk checks. Each mirrors a
model validator in forceplan.standard; tests/ingest/test_rules_agree.py checks the agreement."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Rule:
    field: str
    columns: tuple[str, ...]
    broken: pl.Expr
    reason: str


def _before(early: str, late: str) -> Rule:
    return Rule(late, (early, late), pl.col(late) < pl.col(early), f"is before {early}")


CROSS_FIELD_RULES: dict[str, list[Rule]] = {
    "incident": [
        Rule("source_agency", ("channel", "source_agency"),
             (pl.col("channel") == "partner_agency") & pl.col("source_agency").is_null(),
             "name the agency for channel partner_agency"),
        Rule("source_agency", ("channel", "source_agency"),
             (pl.col("channel") != "partner_agency") & pl.col("source_agency").is_not_null(),
             "only for channel partner_agency"),
        _before("received_at", "first_arrival_at"),
        _before("received_at", "cleared_at"),
        _before("first_arrival_at", "cleared_at"),
        Rule("officers_deployed", ("first_arrival_at", "officers_deployed"),
             pl.col("first_arrival_at").is_not_null() & (pl.col("officers_deployed") == 0),
             "an attended incident had at least one officer"),
    ],
    "roster_assignment": [
        Rule("shift_code", ("rest_day_cancelled", "shift_code"),
             pl.col("rest_day_cancelled").fill_null(False) & pl.col("shift_code").is_null(),
             "a cancelled rest day must say which tour was worked"),
        Rule("rdc_notice_days", ("rest_day_cancelled", "rdc_notice_days"),
             pl.col("rest_day_cancelled").fill_null(False) & pl.col("rdc_notice_days").is_null(),
             "required when rest_day_cancelled is true"),
        Rule("rdc_notice_days", ("rest_day_cancelled", "rdc_notice_days"),
             ~pl.col("rest_day_cancelled").fill_null(False)
             & pl.col("rdc_notice_days").is_not_null(),
             "only for a cancelled rest day"),
        Rule("replacement_rest_day", ("shift_code", "replacement_rest_day"),
             pl.col("replacement_rest_day").fill_null(False) & pl.col("shift_code").is_not_null(),
             "only a rest day can replace a cancelled one"),
        Rule("overtime_minutes", ("shift_code", "overtime_minutes"),
             pl.col("shift_code").is_null() & (pl.col("overtime_minutes").fill_null(0) > 0),
             "a rest day has no tour to extend"),
    ],
    "absence": [_before("start", "end")],
}
