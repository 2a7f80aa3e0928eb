"""Importing a file into the store with a profile: streamed in chunks, good rows merged in one
transaction, bad rows quarantined with file, line, field, value and reason."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import stat
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, select

from forceplan.errors import ConfigurationError
from forceplan.ingest.mapping import MapStats, check_columns, map_chunk
from forceplan.ingest.profile import RECORD_KINDS, Profile
from forceplan.ingest.quality import QualityCollector
from forceplan.ingest.readers import LINE, PROBLEM_SCHEMA, ReaderRestart, ReadStats, read_chunks
from forceplan.standard import Force
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.bulk import insert_frame
from forceplan.store.merge import (
    SOURCE_LINE,
    create_staging,
    delete_lines,
    drop_staging,
    duplicate_lines,
    merge,
    missing_parents,
)
from forceplan.store.records import save_records

Progress = Callable[[str, float], None]
TARGETS = {"incident": t.incidents, "roster_assignment": t.roster_assignments,
           "absence": t.absences}
#: Columns that must name an existing person, by record.
PARENTS = {"roster_assignment": ("person_id", t.people), "absence": ("person_id", t.people)}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ImportReport:
    batch_id: str
    file: str
    profile: str
    record: str
    force_id: str
    rows_read: int = 0
    accepted: int = 0
    quarantined: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    already_imported: bool = False
    quarantine_csv: str | None = None
    quality: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _silent(_stage: str, _fraction: float) -> None:
    return None


def _previous(connection: Connection, profile: Profile, sha: str) -> str | None:
    row = connection.execute(
        select(t.import_batches.c.id).where(
            t.import_batches.c.force_id == profile.force_id,
            t.import_batches.c.file_sha256 == sha, t.import_batches.c.profile == profile.name,
            t.import_batches.c.status == "completed")).first()
    return row[0] if row else None


def import_file(
    database: Database, kind: str, path: Path, profile: Profile, *, again: bool = False,
    progress: Progress = _silent, chunk_rows: int = 250_000,
) -> ImportReport:
    """Import ``path`` as ``kind`` (incidents, rosters, absences) using ``profile``."""
    record = RECORD_KINDS.get(kind)
    if record is None or record not in TARGETS:
        kinds = ", ".join(k for k, r in RECORD_KINDS.items() if r in TARGETS)
        raise ConfigurationError(f"cannot import {kind!r}", hint=f"choose one of: {kinds}")
    if profile.record != record:
        raise ConfigurationError(
            f"profile {profile.name!r} describes {profile.record} records, not {kind}",
            hint=f"use a profile whose record is {record}")
    database.upgrade()
    sha = file_sha256(path)
    report = ImportReport(uuid.uuid4().hex[:16], str(path), profile.name, record,
                          profile.force_id)
    with database.read() as connection:
        earlier = _previous(connection, profile, sha)
    if earlier and not again:
        report.already_imported = True
        report.batch_id = earlier
        report.notes.append(f"this file was already imported with this profile (batch {earlier}); "
                            "nothing changed. Use --again to import it again.")
        return report
    try:
        with database.transaction() as connection:
            _run(connection, report, path, profile, sha, progress, chunk_rows, fast=True)
    except ReaderRestart:
        report.notes.append("the fast CSV reader failed part-way; the file was read again "
                            "record by record")
        with database.transaction() as connection:
            _run(connection, report, path, profile, sha, progress, chunk_rows, fast=False)
    if report.quarantined:
        report.quarantine_csv = str(_write_quarantine_csv(database, report, path))
    return report


def _ensure_force(connection: Connection, profile: Profile, report: ImportReport) -> None:
    exists = connection.execute(select(t.forces.c.id).where(
        t.forces.c.id == profile.force_id)).first()
    if not exists:
        save_records(connection, [Force(id=profile.force_id, name=profile.force_id,
                                        timezone=profile.timezone)])
        report.notes.append(f"created force {profile.force_id} (name it with the force's records)")


def _run(connection: Connection, report: ImportReport, path: Path, profile: Profile, sha: str,
         progress: Progress, chunk_rows: int, fast: bool) -> None:
    table = TARGETS[report.record]
    _ensure_force(connection, profile, report)
    connection.execute(t.import_batches.insert().values(
        id=report.batch_id, force_id=profile.force_id, record=report.record,
        file_name=path.name, file_sha256=sha, profile=profile.name,
        started_at=dt.datetime.now(dt.UTC), status="running", rows_read=0, accepted=0,
        quarantined=0, excluded=0, inserted=0, updated=0, unchanged=0, report={}))
    staging = create_staging(connection, table)
    read_stats, map_stats = ReadStats(), MapStats()
    quality = QualityCollector(report.record, profile.timezone, frozenset(profile.fields))
    seq = 0
    bad_lines: set[int] = set()
    for number, chunk in enumerate(read_chunks(path, profile.encoding, profile.delimiter,
                                               chunk_rows, read_stats, fast=fast)):
        if number == 0:
            check_columns(profile, chunk.frame.columns, str(path))
        quality.add_source(chunk.frame)
        mapped = map_chunk(chunk.frame, profile, str(path), map_stats)
        problems = pl.concat([chunk.problems, mapped.problems])
        seq = _quarantine(connection, report.batch_id, problems, seq)
        bad_lines.update(problems["line"].to_list())
        quality.add_problems(problems)
        good = mapped.frame.rename({LINE: SOURCE_LINE}).with_columns(
            force_id=pl.lit(profile.force_id))
        insert_frame(connection, staging, good)
        total = read_stats.physical_lines or 1
        progress(f"reading {path.name}", min(0.9, 0.9 * read_stats.records / total))
    progress("checking duplicates", 0.92)
    seq = _drop_duplicates(connection, report, table, staging, quality, seq, bad_lines)
    if report.record in PARENTS:
        column, parent = PARENTS[report.record]
        seq = _drop_orphans(connection, report, staging, column, parent, profile, seq,
                            bad_lines)
    progress("merging", 0.95)
    accepted_frame_stats(connection, staging, quality)
    counts = merge(connection, table, staging)
    drop_staging(connection, staging)
    report.rows_read = read_stats.records
    report.excluded = map_stats.excluded
    report.quarantined = len(bad_lines)
    report.accepted = counts.inserted + counts.updated + counts.unchanged
    report.inserted, report.updated, report.unchanged = (counts.inserted, counts.updated,
                                                         counts.unchanged)
    report.notes.extend(read_stats.notes)
    report.quality = quality.report(
        report.rows_read, report.quarantined, report.excluded,
        {"ambiguous": map_stats.dst_ambiguous, "nonexistent": map_stats.dst_nonexistent,
         "ambiguous_rule": profile.ambiguous_times, "nonexistent_rule": profile.nonexistent_times},
        profile.caveats)
    connection.execute(t.import_batches.update().where(t.import_batches.c.id == report.batch_id)
                       .values(finished_at=dt.datetime.now(dt.UTC), status="completed",
                               rows_read=report.rows_read, accepted=report.accepted,
                               quarantined=report.quarantined,
                               excluded=sum(report.excluded.values()),
                               inserted=report.inserted, updated=report.updated,
                               unchanged=report.unchanged, report=report.quality))
    progress("done", 1.0)


def accepted_frame_stats(connection: Connection, staging, quality: QualityCollector) -> None:
    """Feed the accepted rows (after duplicates and orphans left) to the quality collector."""
    from forceplan.store.bulk import read_frame

    columns = [c.name for c in staging.columns if c.name != SOURCE_LINE]
    frame = read_frame(connection, staging, columns=columns)
    quality.add_accepted(frame)


def _quarantine(connection: Connection, batch_id: str, problems: pl.DataFrame, seq: int) -> int:
    if problems.height == 0:
        return seq
    rows = problems.with_columns(
        batch_id=pl.lit(batch_id),
        seq=pl.int_range(seq, seq + problems.height),
        value=pl.col("value").str.slice(0, 500),
        reason=pl.col("reason").str.slice(0, 500),
    )
    insert_frame(connection, t.quarantine, rows)
    return seq + problems.height


def _drop_duplicates(connection: Connection, report: ImportReport, table, staging,
                     quality: QualityCollector, seq: int, bad_lines: set[int]) -> int:
    duplicates = duplicate_lines(connection, table, staging)
    quality.duplicates += duplicates.height
    if duplicates.height == 0:
        return seq
    key = ", ".join(c.name for c in table.primary_key.columns if c.name != "force_id")
    problems = duplicates.select(
        "line", pl.lit(key).alias("field"), pl.col("key").alias("value"),
        pl.format("repeats the {} of line {}", pl.lit(key), pl.col("first_line")).alias(
            "reason"), pl.lit(None, pl.String).alias("raw"))
    delete_lines(connection, staging, duplicates["line"].to_list())
    bad_lines.update(duplicates["line"].to_list())
    quality.add_problems(problems)
    return _quarantine(connection, report.batch_id, problems.select(PROBLEM_SCHEMA.keys()), seq)


def _drop_orphans(connection: Connection, report: ImportReport, staging, column: str, parent,
                  profile: Profile, seq: int, bad_lines: set[int]) -> int:
    orphans = missing_parents(connection, staging, column, parent, profile.force_id)
    if orphans.height == 0:
        return seq
    problems = orphans.select(
        "line", pl.lit(column).alias("field"), "value",
        pl.format("no {} {} in force {}: import people first", pl.lit(parent.name[:-1] if
                  parent.name != "people" else "person"), pl.col("value"),
                  pl.lit(profile.force_id)).alias("reason"), pl.lit(None, pl.String).alias("raw"))
    delete_lines(connection, staging, orphans["line"].to_list())
    bad_lines.update(orphans["line"].to_list())
    return _quarantine(connection, report.batch_id, problems, seq)


def _safe_cell(value: object) -> str:
    """Spreadsheet-safe text: a cell that would start a formula is prefixed with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _writable(folder: Path) -> bool:
    """Honour a folder's permission bits even when running as root (who could ignore them)."""
    try:
        return os.access(folder, os.W_OK) and bool(folder.stat().st_mode & stat.S_IWUSR)
    except OSError:
        return False


def _write_quarantine_csv(database: Database, report: ImportReport, path: Path) -> Path:
    target = path.with_name(path.name + ".quarantine.csv")
    if not _writable(path.parent):
        folder = Path.cwd() / "quarantine"
        folder.mkdir(exist_ok=True)
        target = folder / (path.name + ".quarantine.csv")
        report.notes.append(f"the input's folder is read-only: quarantine written to {target}")
    with database.read() as connection:
        rows = connection.execute(
            select(t.quarantine.c.line, t.quarantine.c.field, t.quarantine.c.value,
                   t.quarantine.c.reason, t.quarantine.c.raw)
            .where(t.quarantine.c.batch_id == report.batch_id)
            .order_by(t.quarantine.c.line, t.quarantine.c.seq))
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "line", "field", "value", "reason", "record"])
            for line, field_name, value, reason, raw in rows:
                writer.writerow([_safe_cell(v) for v in (path.name, line, field_name, value,
                                                         reason, raw)])
    return target


