"""Importing incidents: quarantine, idempotence, atomicity, clock changes, file formats."""

from __future__ import annotations

import csv
import datetime as dt

import polars as pl
import pytest
from sqlalchemy import func, select

from forceplan.ingest import importer
from forceplan.ingest.importer import import_file
from forceplan.standard import Incident
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.records import load_records
from tests.ingest.helpers import HEADER, row, simple_profile, write_csv


def count(database: Database, table) -> int:
    with database.read() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_good_rows_land_and_bad_rows_are_quarantined_with_reasons(database, tmp_path):
    rows = [
        row("A1"),
        row("A2", prio="P9"),
        row("A3", when="yesterday"),
        row("A4", cleared="2025-06-01 10:05:00"),
        row("", kind="MH"),
        row("A6", how="101"),
    ]
    path = write_csv(tmp_path / "cad.csv", rows)
    report = import_file(database, "incidents", path, simple_profile())
    assert (report.rows_read, report.accepted, report.quarantined) == (6, 2, 4)
    assert count(database, t.incidents) == 2
    with database.read() as connection:
        quarantined = connection.execute(
            select(
                t.quarantine.c.line,
                t.quarantine.c.field,
                t.quarantine.c.value,
                t.quarantine.c.reason,
            ).order_by(t.quarantine.c.line)
        ).all()
    assert [(q.line, q.field) for q in quarantined] == [
        (3, "grade"),
        (4, "received_at"),
        (5, "cleared_at"),
        (6, "id"),
    ]
    assert "unknown code 'P9'" in quarantined[0].reason
    assert quarantined[1].value == "yesterday" and "%Y-%m-%d %H:%M:%S" in quarantined[1].reason
    assert "before first_arrival_at" in quarantined[2].reason
    with open(report.quarantine_csv, encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert [r["line"] for r in written] == ["3", "4", "5", "6"]
    assert all(r["file"] == "cad.csv" for r in written)
    assert '"ref": "A2"' in written[0]["record"].replace('":"', '": "')


def test_reimporting_the_same_file_changes_nothing(database, tmp_path):
    path = write_csv(tmp_path / "cad.csv", [row(f"A{i}") for i in range(50)])
    first = import_file(database, "incidents", path, simple_profile())
    assert first.inserted == 50
    skipped = import_file(database, "incidents", path, simple_profile())
    assert skipped.already_imported and skipped.batch_id == first.batch_id
    again = import_file(database, "incidents", path, simple_profile(), again=True)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 50)
    assert count(database, t.incidents) == 50
    changed = write_csv(
        tmp_path / "cad2.csv", [row(f"A{i}", prio="P1" if i == 7 else "P2") for i in range(51)]
    )
    second = import_file(database, "incidents", changed, simple_profile())
    assert (second.inserted, second.updated, second.unchanged) == (1, 1, 49)
    with database.read() as connection:
        incidents = {i.id: i for i in load_records(connection, Incident, "TST")}
    assert incidents["A7"].grade == 1 and len(incidents) == 51


def test_a_failed_import_leaves_the_store_as_it_was(database, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "cad.csv", [row(f"A{i}") for i in range(20)] + [row("B", prio="X")])
    import_file(database, "incidents", path, simple_profile())
    before = (
        count(database, t.incidents),
        count(database, t.import_batches),
        count(database, t.quarantine),
    )

    def broken_merge(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "merge", broken_merge)
    other = write_csv(
        tmp_path / "more.csv", [row(f"C{i}") for i in range(30)] + [row("D", prio="X")]
    )
    with pytest.raises(RuntimeError):
        import_file(database, "incidents", other, simple_profile())
    after = (
        count(database, t.incidents),
        count(database, t.import_batches),
        count(database, t.quarantine),
    )
    assert after == before


def test_duplicate_ids_in_a_file_keep_the_first_and_quarantine_the_rest(database, tmp_path):
    rows = [row("A1"), row("A2"), row("A1", prio="P1"), row("A3"), row("A1", prio="P3")]
    report = import_file(
        database, "incidents", write_csv(tmp_path / "d.csv", rows), simple_profile()
    )
    assert (report.accepted, report.quarantined) == (3, 2)
    assert report.quality["duplicates"] == 2
    with database.read() as connection:
        reasons = connection.execute(
            select(t.quarantine.c.line, t.quarantine.c.reason).order_by(t.quarantine.c.line)
        ).all()
        kept = {i.id: i for i in load_records(connection, Incident, "TST")}
    assert [r.line for r in reasons] == [4, 6]
    assert all("line 2" in r.reason for r in reasons)
    assert kept["A1"].grade == 2  # the first occurrence


@pytest.mark.parametrize(
    ("ambiguous", "nonexistent", "expect_autumn_utc", "spring"),
    [
        ("earliest", "shift_forward", dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC), "kept"),
        ("latest", "shift_forward", dt.datetime(2025, 10, 26, 1, 30, tzinfo=dt.UTC), "kept"),
        ("earliest", "quarantine", dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC), "quarantined"),
    ],
)
def test_clock_change_times_follow_the_documented_rule(
    database, tmp_path, ambiguous, nonexistent, expect_autumn_utc, spring
):
    rows = [
        row("AUT", when="2025-10-26 01:30:00", arrived="", cleared=""),
        row("SPR", when="2025-03-30 01:30:00", arrived="", cleared=""),
        row("NORMAL", when="2025-07-01 12:00:00", arrived="", cleared=""),
    ]
    profile = simple_profile(ambiguous_times=ambiguous, nonexistent_times=nonexistent)
    report = import_file(database, "incidents", write_csv(tmp_path / "c.csv", rows), profile)
    clocks = report.quality["clock_changes"]
    assert (clocks["ambiguous"], clocks["nonexistent"]) == (1, 1)
    with database.read() as connection:
        incidents = {i.id: i for i in load_records(connection, Incident, "TST")}
    assert incidents["AUT"].received_at == expect_autumn_utc
    assert incidents["NORMAL"].received_at == dt.datetime(2025, 7, 1, 11, tzinfo=dt.UTC)
    if spring == "kept":  # 01:30 does not exist: read as 02:30 BST, the clock's new reading
        assert incidents["SPR"].received_at == dt.datetime(2025, 3, 30, 1, 30, tzinfo=dt.UTC)
    else:
        assert "SPR" not in incidents and report.quarantined == 1


def test_every_file_format_gives_the_same_incidents(database, tmp_path):
    rows = [row(f"A{i}", prio=f"P{1 + i % 4}", kind=["ASB", "MH", "X"][i % 3]) for i in range(30)]
    frame = pl.DataFrame(rows, schema=HEADER, orient="row")
    paths = {
        "csv": write_csv(tmp_path / "a.csv", rows),
        "semicolon csv with BOM": write_csv(tmp_path / "b.csv", rows, delimiter=";", bom=True),
        "parquet": tmp_path / "c.parquet",
        "excel": tmp_path / "d.xlsx",
        "jsonl": tmp_path / "e.jsonl",
    }
    frame.write_parquet(paths["parquet"])
    frame.write_excel(paths["excel"])
    frame.write_ndjson(paths["jsonl"])
    results = {}
    for name, path in paths.items():
        profile = simple_profile(
            force_id=f"F{len(results)}",
            fields={**simple_profile().fields, "force_id": {"value": f"F{len(results)}"}},
        )
        report = import_file(database, "incidents", path, profile)
        assert report.accepted == 30 and report.quarantined == 0, name
        with database.read() as connection:
            results[name] = sorted(
                (
                    i.model_copy(update={"force_id": "X"})
                    for i in load_records(connection, Incident, profile.force_id)
                ),
                key=lambda i: i.id,
            )
    first = next(iter(results.values()))
    assert all(found == first for found in results.values())


def test_roster_lines_for_unknown_people_are_quarantined(database, tmp_path):
    from forceplan.ingest.profile import Profile
    from forceplan.standard import Force, Person
    from forceplan.store.records import save_records

    with database.transaction() as connection:
        save_records(
            connection,
            [
                Force(id="TST", name="Test"),
                Person(
                    id="P1",
                    force_id="TST",
                    role="response",
                    rank="constable",
                    service_start=dt.date(2020, 1, 1),
                ),
            ],
        )
    path = write_csv(
        tmp_path / "roster.csv",
        [["P1", "2025-06-01", "E"], ["P9", "2025-06-01", "E"], ["P1", "2025-06-02", ""]],
        header=["officer", "day", "tour"],
    )
    profile = Profile.model_validate(
        {
            "name": "duty",
            "record": "roster_assignment",
            "force_id": "TST",
            "fields": {
                "person_id": {"column": "officer"},
                "force_id": {"value": "TST"},
                "date": {"column": "day"},
                "shift_code": {"column": "tour"},
                "status": {"value": "published"},
            },
        }
    )
    report = import_file(database, "rosters", path, profile)
    assert (report.accepted, report.quarantined) == (2, 1)
    with database.read() as connection:
        reason = connection.execute(select(t.quarantine.c.reason)).scalar_one()
    assert "no person P9" in reason and "import people first" in reason


def test_a_profile_that_does_not_fit_the_file_names_the_columns(database, tmp_path):
    from forceplan.errors import ConfigurationError

    path = write_csv(tmp_path / "semi.csv", [row("A1")], delimiter=";")
    with pytest.raises(ConfigurationError) as caught:
        import_file(database, "incidents", path, simple_profile(delimiter=","))
    assert "ref" in caught.value.message and "when" in caught.value.message
    assert "the file's columns are" in caught.value.hint
    assert count(database, t.import_batches) == 0
