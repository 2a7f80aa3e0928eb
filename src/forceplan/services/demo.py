"""Create the synthetic demo force in a store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.bulk import insert_frame
from forceplan.store.records import delete_force, records_to_frames
from forceplan.synth.generate import DEFAULT_END, DemoForce, generate_demo_force

#: progress(stage, fraction done 0..1)
Progress = Callable[[str, float], None]


@dataclass
class DemoResult:
    force_id: str
    start: dt.date
    end: dt.date
    rows: dict[str, int]
    generate_seconds: float
    load_seconds: float


def _silent(_stage: str, _fraction: float) -> None:
    return None


def load_demo_force(database: Database, demo: DemoForce, progress: Progress = _silent) -> dict:
    """Replace any earlier copy of the demo force with ``demo``, in one transaction."""
    small = records_to_frames([demo.force, *demo.units, *demo.shifts, *demo.people])
    frames = {table.name: frame for table, frame in small.items()}
    frames.update(demo.frames)
    total = sum(frame.height for frame in frames.values())
    done = 0
    rows: dict[str, int] = {}
    with database.transaction() as connection:
        delete_force(connection, demo.force.id)
        for table in t.INSERT_ORDER:
            frame = frames.get(table.name)
            if frame is None:
                continue
            progress(f"loading {table.name}", done / total)
            rows[table.name] = insert_frame(connection, table, frame)
            done += frame.height
    progress("loaded", 1.0)
    return rows


def create_demo_force(
    database: Database,
    officers: int = 600,
    years: int = 1,
    seed: int = 42,
    end: dt.date = DEFAULT_END,
    progress: Progress = _silent,
) -> DemoResult:
    """Generate the demo force and load it (migrating the store first if needed)."""
    import time

    database.upgrade()
    began = time.perf_counter()
    demo = generate_demo_force(
        officers, years, seed, end, progress=lambda s, f: progress(f"generating {s}", f * 0.4)
    )
    generated = time.perf_counter()
    rows = load_demo_force(database, demo, lambda s, f: progress(s, 0.4 + 0.6 * f))
    loaded = time.perf_counter()
    return DemoResult(
        demo.force.id, demo.start, demo.end, rows, generated - began, loaded - generated
    )
