"""The store on SQLite and PostgreSQL: migrations, round trips, one transaction per write."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select

from forceplan.errors import StoreError
from forceplan.standard import Force, Incident, Person, Unit
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.bulk import insert_frame, read_frame
from forceplan.store.migrate import head_revision
from forceplan.store.records import delete_force, load_records, save_records
from tests.strategies import FORCE, RECORD_STRATEGIES

TABLES = {table.name for table in t.metadata.sorted_tables}


def test_migrations_upgrade_downgrade_and_match_the_tables(empty_database: Database):
    db = empty_database
    assert db.revision() is None
    db.upgrade()
    assert db.revision() == head_revision()
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), t.metadata)
    assert diff == [], f"migrations and tables.py disagree: {diff}"
    db.downgrade("base")
    assert db.revision() is None
    assert not TABLES & set(inspect(db.engine).get_table_names())
    db.upgrade()  # and back up again
    assert db.revision() == head_revision()


def test_a_store_without_schema_is_refused_with_a_hint(empty_database: Database):
    with pytest.raises(StoreError) as caught:
        empty_database.require_current()
    assert "forceplan db upgrade" in caught.value.hint


records_by_kind = st.sampled_from([k for k in sorted(RECORD_STRATEGIES) if k != "force"]).flatmap(
    lambda k: st.lists(RECORD_STRATEGIES[k], min_size=1, max_size=4)
)


@given(records=records_by_kind)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_valid_record_round_trips_through_the_store(database: Database, records):
    kind = type(records[0])
    key = {
        "Person": lambda r: r.id,
        "Unit": lambda r: r.id,
        "Incident": lambda r: r.id,
        "Deployment": lambda r: r.id,
        "Case": lambda r: r.id,
        "Absence": lambda r: r.id,
        "ShiftDefinition": lambda r: r.code,
        "RosterAssignment": lambda r: (r.person_id, r.date),
    }[kind.__name__]
    unique = list({key(r): r for r in records}.values())
    parents = [Force(id=FORCE, name="Test force")]
    if kind.__name__ in ("RosterAssignment", "Absence", "Deployment"):
        people_ids = {r.person_id for r in unique if getattr(r, "person_id", None)}
        parents += [
            Person(
                id=p,
                force_id=FORCE,
                role="response",
                rank="constable",
                service_start=dt.date(2020, 1, 1),
            )
            for p in sorted(people_ids)
        ]
    if kind.__name__ == "Deployment":
        parents += [
            Incident(
                id=i,
                force_id=FORCE,
                received_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
                channel="other",
                category="other",
                grade=4,
            )
            for i in sorted({r.incident_id for r in unique})
        ]
    try:
        with database.transaction() as connection:
            save_records(connection, [*parents, *unique])
        with database.read() as connection:
            loaded = load_records(connection, kind, FORCE)
        assert sorted(loaded, key=lambda r: str(key(r))) == sorted(
            unique, key=lambda r: str(key(r))
        )
    finally:
        with database.transaction() as connection:
            delete_force(connection, FORCE)


def _count(database: Database, table) -> int:
    with database.read() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_failed_load_leaves_nothing_half_written(database: Database):
    force = Force(id="F", name="Force")
    units = [Unit(id=f"U{i}", force_id="F", name=f"Unit {i}", kind="team") for i in range(5)]
    with database.transaction() as connection:
        save_records(connection, [force, *units[:2]])
    with pytest.raises(StoreError) as caught, database.transaction() as connection:
        save_records(connection, units[2:])  # fine on their own…
        save_records(connection, units[:1])  # …but U0 exists: the whole change must go
    assert "nothing was written" in caught.value.message
    assert _count(database, t.units) == 2


def test_bulk_frames_keep_instants_in_utc_across_the_clock_change(database: Database):
    with database.transaction() as connection:
        save_records(connection, [Force(id="F", name="Force")])
    local = pl.datetime_range(
        dt.datetime(2025, 10, 26, 0, 30), dt.datetime(2025, 10, 26, 2, 30), "30m", eager=True
    ).dt.replace_time_zone("Europe/London", ambiguous="earliest")
    frame = pl.DataFrame(
        {
            "force_id": "F",
            "id": [f"I{i}" for i in range(len(local))],
            "received_at": local,
            "channel": "online",
            "category": "fraud",
            "grade": 4,
            "officers_deployed": 0,
        }
    )
    with database.transaction() as connection:
        assert insert_frame(connection, t.incidents, frame) == len(local)
    with database.read() as connection:
        back = read_frame(connection, t.incidents, columns=["id", "received_at"]).sort("id")
        records = load_records(connection, Incident, "F")
    expected = frame.select("id", pl.col("received_at").dt.convert_time_zone("UTC")).sort("id")
    assert back.equals(expected)
    assert {r.received_at for r in records} == set(local.dt.convert_time_zone("UTC").to_list())


def test_naive_datetimes_never_reach_the_store(database: Database):
    with database.transaction() as connection:
        save_records(connection, [Force(id="F", name="Force")])
    with pytest.raises(StoreError), database.transaction() as connection:
        connection.execute(
            t.incidents.insert().values(
                force_id="F",
                id="I1",
                received_at=dt.datetime(2025, 1, 1, 12),
                channel="online",
                category="fraud",
                grade=4,
                officers_deployed=0,
            )
        )
    assert _count(database, t.incidents) == 0


def test_bulk_load_refuses_frames_missing_required_columns(database: Database):
    with pytest.raises(StoreError) as caught, database.transaction() as connection:
        insert_frame(connection, t.units, pl.DataFrame({"force_id": ["F"], "id": ["U"]}))
    assert "name" in caught.value.message and "kind" in caught.value.message


def test_sqlite_store_uses_wal_and_foreign_keys(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.read() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_migrations_keep_the_data_they_pass_through(empty_database: Database):
    """Rebuilding a table (SQLite batch mode) must not cascade-delete rows that refer to it."""
    from forceplan.standard import Deployment

    db = empty_database
    db.upgrade("0002")
    received = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)
    with db.transaction() as connection:
        save_records(connection, [
            Force(id="F", name="Force"),
            Person(id="P1", force_id="F", role="response", rank="constable",
                   service_start=dt.date(2020, 1, 1)),
            Incident(id="I1", force_id="F", received_at=received, channel="other",
                     category="other", grade=2),
            Deployment(id="D1", force_id="F", incident_id="I1", person_id="P1",
                       dispatched_at=received),
        ])
    db.upgrade()
    assert _count(db, t.deployments) == 1 and _count(db, t.incidents) == 1
    db.downgrade("0002")
    assert _count(db, t.deployments) == 1
