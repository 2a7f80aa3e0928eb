"""The standard's records: valid ones round-trip, invalid ones are refused naming the field."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forceplan.errors import DataValidationError
from forceplan.standard import (
    RECORD_TYPES,
    Grade,
    ShiftDefinition,
    default_attendance_target_minutes,
    json_schema,
    parse_record,
    parse_records,
)
from tests.strategies import RECORD_STRATEGIES

any_record = st.sampled_from(sorted(RECORD_STRATEGIES)).flatmap(
    lambda name: st.tuples(st.just(name), RECORD_STRATEGIES[name])
)


@given(any_record)
@settings(max_examples=300)
def test_every_valid_record_round_trips_through_json(named):
    name, record = named
    text = record.model_dump_json()
    again = parse_record(name, json.loads(text))
    assert again == record
    assert again.model_dump_json() == text


@given(any_record)
@settings(max_examples=150)
def test_json_schema_accepts_every_valid_record(named):
    name, record = named
    jsonschema.validate(json.loads(record.model_dump_json()), json_schema(name))


def test_every_record_type_has_a_strategy_and_a_versioned_schema():
    assert set(RECORD_STRATEGIES) == set(RECORD_TYPES)
    for name in RECORD_TYPES:
        schema = json_schema(name)
        assert schema["x-standard-version"] == "0.1"
        assert schema["$id"].endswith(f"/0.1/{name}.schema.json")
        assert schema["additionalProperties"] is False


# (record, field, bad value, words expected in the reason)
BAD_VALUES = [
    ("person", "rank", "captain", "Input should be"),
    ("person", "service_start", "yesterday", "valid date"),
    ("person", "contracted_hours_per_week", -4, "greater than 0"),
    ("person", "id", "has spaces", "should match pattern"),
    ("incident", "grade", 7, "Input should be"),
    ("incident", "received_at", "2025-01-01T10:00:00", "timezone"),
    ("incident", "category", "shoplifting", "Input should be"),
    ("incident", "officers_deployed", -1, "greater than or equal"),
    ("absence", "kind", "holiday", "Input should be"),
    ("shift_definition", "length_minutes", 0, "greater than 0"),
    ("roster_assignment", "date", "31/12/2025", "valid date"),
    ("case", "complexity_weight", 0, "greater than 0"),
    ("unit", "kind", "squad", "Input should be"),
    ("force", "timezone", "Mars/Olympus", "unknown time zone"),
]


@pytest.mark.parametrize(("name", "field", "value", "reason"), BAD_VALUES)
@given(data=st.data())
@settings(max_examples=15)
def test_invalid_values_are_refused_naming_the_field(name, field, value, reason, data):
    record = data.draw(RECORD_STRATEGIES[name])
    raw = json.loads(record.model_dump_json())
    raw[field] = value
    with pytest.raises(DataValidationError) as caught:
        parse_record(name, raw, source="people.jsonl", line=7)
    problems = caught.value.problems
    assert any(p["field"] == field and reason in p["reason"] for p in problems), problems
    assert all(p["file"] == "people.jsonl" and p["line"] == 7 for p in problems)
    assert f"people.jsonl, line 7: invalid {name} record" in str(caught.value)


@given(any_record, st.text(min_size=1, max_size=12).filter(str.isidentifier))
@settings(max_examples=60)
def test_unknown_fields_are_refused(named, extra):
    name, record = named
    raw = json.loads(record.model_dump_json())
    if extra in raw:
        return
    raw[extra] = "surprise"
    with pytest.raises(DataValidationError) as caught:
        parse_record(name, raw)
    assert any(p["field"] == extra for p in caught.value.problems)


CROSS_FIELD = [
    ("absence", {"start": "2025-05-02", "end": "2025-05-01"}, "end"),
    ("person", {"kind": "officer", "rank": None}, "rank"),
    ("person", {"kind": "staff", "rank": "sergeant"}, "rank"),
    (
        "roster_assignment",
        {"shift_code": None, "rest_day_cancelled": True, "rdc_notice_days": 3},
        "shift_code",
    ),
    (
        "roster_assignment",
        {"shift_code": "E", "rest_day_cancelled": True, "rdc_notice_days": None},
        "rdc_notice_days",
    ),
    ("incident", {"channel": "partner_agency", "source_agency": None}, "source_agency"),
    (
        "incident",
        {
            "received_at": "2025-01-01T10:00:00Z",
            "first_arrival_at": "2025-01-01T09:00:00Z",
            "officers_deployed": 1,
        },
        "first_arrival_at",
    ),
    ("deployment", {"person_id": None, "unit_id": None}, "person_id"),
    ("case", {"opened_on": "2025-02-01", "closed_on": "2025-01-01"}, "closed_on"),
    (
        "shift_definition",
        {"start": "07:00", "length_minutes": 600, "crosses_midnight": True},
        "crosses_midnight",
    ),
]


@pytest.mark.parametrize(("name", "changes", "field"), CROSS_FIELD)
@given(data=st.data())
@settings(max_examples=10)
def test_inconsistent_records_name_the_field_at_fault(name, changes, field, data):
    record = data.draw(RECORD_STRATEGIES[name])
    raw = {**json.loads(record.model_dump_json()), **changes}
    with pytest.raises(DataValidationError) as caught:
        parse_record(name, raw)
    assert [p["field"] for p in caught.value.problems] == [field]


def test_parse_records_reports_every_bad_line_and_loads_nothing():
    good = {
        "id": "P1",
        "force_id": "F",
        "role": "response",
        "rank": "constable",
        "service_start": "2020-01-01",
    }
    rows = [good, {**good, "rank": "captain"}, good, {**good, "service_start": "soon"}]
    with pytest.raises(DataValidationError) as caught:
        parse_records("person", rows, source="people.jsonl")
    assert [p["line"] for p in caught.value.problems] == [2, 4]
    assert "2 invalid person record(s) (lines 2, 4)" in caught.value.message


def test_unknown_record_type_lists_the_known_ones():
    with pytest.raises(DataValidationError) as caught:
        parse_record("officer", {})
    assert "person" in caught.value.hint


@pytest.mark.parametrize(
    ("start", "length", "crosses", "night"),
    [
        (dt.time(7), 600, False, False),
        (dt.time(15), 600, True, False),  # late until 01:00: 2 h of night time
        (dt.time(22), 540, True, True),
        (dt.time(14), 600, False, False),  # ends exactly at midnight
        (dt.time(0), 480, False, True),  # 00:00-08:00 covers 6 h of night time
    ],
)
def test_shift_crossing_midnight_and_night_work(start, length, crosses, night):
    shift = ShiftDefinition(force_id="F", code="S", start=start, length_minutes=length)
    assert shift.crosses_midnight is crosses
    assert shift.is_night is night


@given(st.times(), st.integers(1, 24 * 60))
def test_night_minutes_never_exceed_tour_or_night_window(start, length):
    shift = ShiftDefinition(
        force_id="F", code="S", start=start.replace(tzinfo=None), length_minutes=length
    )
    assert 0 <= shift.night_minutes <= min(length, 2 * 7 * 60)
    brute = sum(
        1
        for m in range(shift.start_minute, shift.start_minute + length)
        if (m % 1440) >= 23 * 60 or (m % 1440) < 6 * 60
    )
    assert shift.night_minutes == brute


def test_default_attendance_targets():
    assert default_attendance_target_minutes(Grade.EMERGENCY) == 15
    assert default_attendance_target_minutes(Grade.EMERGENCY, urban=False) == 20
    assert default_attendance_target_minutes(Grade.PRIORITY) == 60
    assert default_attendance_target_minutes(Grade.NO_DEPLOYMENT) is None
