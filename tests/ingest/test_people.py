"""Importing people: nested skills, the record's own rules, and skills replaced on re-import."""

from __future__ import annotations

import datetime as dt

from forceplan.ingest.importer import import_file
from forceplan.ingest.profile import Profile
from forceplan.standard import Person
from forceplan.store.records import load_records
from tests.ingest.helpers import write_csv

HEADER = ["Collar", "Rank", "Role", "Joined", "Skills"]
PROFILE = Profile.model_validate(
    {
        "name": "hr",
        "record": "person",
        "force_id": "TST",
        "fields": {
            "id": {"column": "Collar"},
            "force_id": {"value": "TST"},
            "rank": {"column": "Rank", "map": {"PC": "constable", "PS": "sergeant"}},
            "kind": {
                "column": "Rank",
                "map": {"PC": "officer", "PS": "officer", "-": "staff"},
                "if_empty": "-",
            },
            "role": {"column": "Role", "map": {"Response": "response", "CR": "control_room"}},
            "service_start": {"column": "Joined", "format": "%d/%m/%Y"},
            "skills": {"column": "Skills", "split": ";"},
        },
    }
)


def people(database) -> dict[str, Person]:
    with database.read() as connection:
        return {p.id: p for p in load_records(connection, Person, "TST")}


def test_people_import_with_skills_and_record_rules(database, tmp_path):
    rows = [
        ["P1", "PC", "Response", "03/09/2023", "taser:2026-09-30; response_driver"],
        ["S1", "", "CR", "01/01/2015", ""],
        ["P2", "PC", "Response", "32/01/2020", ""],
        ["P3", "PC", "Response", "01/01/2020", "taser:soon"],
        ["P4", "", "Response", "01/01/2020", "first_aid"],
    ]
    report = import_file(database, "people", write_csv(tmp_path / "p.csv", rows, HEADER), PROFILE)
    assert (report.accepted, report.quarantined) == (3, 2)
    held = people(database)
    assert set(held) == {"P1", "S1", "P4"}
    assert [(s.code, s.expires_on) for s in held["P1"].skills] == [
        ("response_driver", None),
        ("taser", dt.date(2026, 9, 30)),
    ]
    assert held["S1"].rank is None and held["S1"].kind.value == "staff"
    assert held["P4"].kind.value == "staff"  # blank rank: the profile says staff


def test_reimport_replaces_each_persons_skills(database, tmp_path):
    first = [["P1", "PC", "Response", "03/09/2023", "taser;tutor"]]
    import_file(database, "people", write_csv(tmp_path / "a.csv", first, HEADER), PROFILE)
    second = [["P1", "PS", "Response", "03/09/2023", ""]]
    report = import_file(database, "people", write_csv(tmp_path / "b.csv", second, HEADER), PROFILE)
    assert report.updated == 1
    person = people(database)["P1"]
    assert person.rank.value == "sergeant" and person.skills == []
