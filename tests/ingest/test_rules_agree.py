"""The bulk (vectorised) checks accept exactly the rows the standard's records accept."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from forceplan.errors import DataValidationError
from forceplan.ingest.mapping import MapStats, map_chunk
from forceplan.ingest.profile import Profile
from forceplan.ingest.readers import LINE
from forceplan.standard import Channel, IncidentCategory, PartnerAgency, parse_record

BASE = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
FIELDS = [
    "id",
    "force_id",
    "unit_id",
    "received_at",
    "channel",
    "source_agency",
    "category",
    "grade",
    "attendance_target_minutes",
    "first_arrival_at",
    "cleared_at",
    "officers_deployed",
    "outcome",
    "attributed_agency",
    "signposted_to",
]
PROFILE = Profile.model_validate(
    {
        "name": "identity",
        "record": "incident",
        "force_id": "F",
        "fields": {f: {"column": f} for f in FIELDS},
        "null_values": [""],
    }
)


def maybe(strategy):
    return st.one_of(st.just(""), strategy)


def instant():
    return st.integers(-120, 600).map(lambda m: (BASE + dt.timedelta(minutes=m)).isoformat())


incident_rows = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["A1", "B-2", "bad id", "x" * 70, ""]),
        "force_id": st.sampled_from(["F", "F/1", ""]),
        "unit_id": maybe(st.sampled_from(["N", "N RESP"])),
        "received_at": st.one_of(instant(), st.just("not a time"), st.just("")),
        "channel": st.sampled_from([c.value for c in Channel] + ["pigeon"]),
        "source_agency": maybe(st.sampled_from([a.value for a in PartnerAgency] + ["police"])),
        "category": st.sampled_from([*[c.value for c in IncidentCategory][:6], "shoplifting"]),
        "grade": st.sampled_from(["1", "2", "3", "4", "0", "5", "two"]),
        "attendance_target_minutes": maybe(st.sampled_from(["15", "0", "-5", "60", "x"])),
        "first_arrival_at": maybe(instant()),
        "cleared_at": maybe(instant()),
        "officers_deployed": maybe(st.sampled_from(["0", "1", "2", "-1", "501", "1.5"])),
        "outcome": maybe(st.sampled_from(["ok", "y" * 201])),
        "attributed_agency": maybe(st.sampled_from(["mental_health", "ambulance", "aliens"])),
        "signposted_to": maybe(st.sampled_from(["social_care", "nowhere"])),
    }
)


def pydantic_accepts(row: dict[str, str]) -> bool:
    data = {k: v for k, v in row.items() if v != ""}
    try:
        parse_record("incident", data)
    except DataValidationError:
        return False
    return True


@given(st.lists(incident_rows, min_size=1, max_size=30))
@settings(max_examples=300, deadline=None)
def test_bulk_checks_agree_with_the_records(rows):
    frame = (
        pl.DataFrame(rows, schema=dict.fromkeys(FIELDS, pl.String))
        .with_row_index(LINE, offset=2)
        .with_columns(pl.col(LINE).cast(pl.Int64))
    )
    mapped = map_chunk(frame, PROFILE, "test", MapStats())
    accepted = set(mapped.frame[LINE].to_list())
    for line, row in enumerate(rows, start=2):
        assert (line in accepted) == pydantic_accepts(row), (
            row,
            mapped.problems.filter(pl.col("line") == line).to_dicts(),
        )
