"""Importing force exports and reporting how far to trust them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from forceplan.errors import NotFoundError
from forceplan.ingest.importer import ImportReport, Progress, import_file
from forceplan.ingest.infer import draft_profile
from forceplan.ingest.profile import load_profile
from forceplan.store import Database
from forceplan.store import tables as t


def import_data(database: Database, kind: str, file: Path, profile: str, *,
                again: bool = False, progress: Progress | None = None) -> ImportReport:
    """Import ``file`` as ``kind`` with a shipped profile name or a profile file."""
    chosen = load_profile(profile)
    return import_file(database, kind, file, chosen, again=again,
                       progress=progress or (lambda _s, _f: None))


def infer_profile(file: Path) -> str:
    """A draft profile (TOML) for ``file``."""
    return draft_profile(file)


@dataclass
class DatasetQuality:
    batch_id: str
    force_id: str
    record: str
    file_name: str
    profile: str
    finished_at: str
    report: dict


def quality_reports(database: Database, batch_id: str | None = None,
                    force_id: str | None = None) -> list[DatasetQuality]:
    """The quality report of each dataset imported (the latest import of each file), or one."""
    database.require_current()
    b = t.import_batches
    query = select(b).where(b.c.status == "completed").order_by(b.c.finished_at.desc())
    if batch_id:
        query = query.where(b.c.id == batch_id)
    if force_id:
        query = query.where(b.c.force_id == force_id)
    with database.read() as connection:
        rows = connection.execute(query).mappings().all()
    if not rows:
        raise NotFoundError(
            "no imported dataset to report on" + (f" with batch {batch_id}" if batch_id else ""),
            hint="import a file first: forceplan import incidents FILE --profile NAME")
    latest: dict[tuple[str, str, str], DatasetQuality] = {}
    for row in rows:
        key = (row["force_id"], row["file_name"], row["profile"])
        if key not in latest:
            latest[key] = DatasetQuality(row["id"], row["force_id"], row["record"],
                                         row["file_name"], row["profile"],
                                         row["finished_at"].isoformat(timespec="seconds"),
                                         row["report"])
    return list(latest.values())
