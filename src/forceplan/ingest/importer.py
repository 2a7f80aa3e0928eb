"""Importing a file into the store with a profile: streamed in chunks, good rows merged in one
transaction, bad rows quarantined with file, line, field, value and reason."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import stat
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import psycopg
from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from forceplan.errors import ConfigurationError
from forceplan.ingest.mapping import MapStats, attach_raw, check_columns, map_chunk
from forceplan.ingest.people import people_rows
from forceplan.ingest.profile import RECORD_KINDS, Profile
from forceplan.ingest.quality import QualityCollector
from forceplan.ingest.readers import LINE, PROBLEM_SCHEMA, ReaderRestart, ReadStats, read_chunks
from forceplan.standard import Force
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.bulk import BulkWriter, insert_frame, read_frame
from forceplan.store.merge import (
    SOURCE_LINE,
    MergeCounts,
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
           "absence": t.absences, "person": t.people}
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
    progress: Progress = _silent, chunk_rows: int = 50_000,
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
    fast = True
    while True:
        try:
            with database.transaction() as connection:
                _load(connection, report, path, profile, sha, progress, chunk_rows, fast)
            break
        except ReaderRestart:
            report.notes.append("the fast CSV reader failed part-way; the file was read again "
                                "record by record")
            fast = False
    if report.quarantined:
        report.quarantine_csv = str(_write_quarantine_csv(database, report, path))
    return report


def _load(connection: Connection, report: ImportReport, path: Path, profile: Profile, sha: str,
          progress: Progress, chunk_rows: int, fast: bool) -> None:
    """A first load of a force's data goes straight into the table (one write, not two); if
    the file repeats a key or names someone unknown, that attempt is rolled back to a savepoint
    and the file goes through the staging table, which finds and quarantines such rows."""
    table = TARGETS[report.record]
    _ensure_force(connection, profile, report)
    empty = connection.execute(select(table.c.force_id).where(
        table.c.force_id == profile.force_id).limit(1)).first() is None
    if empty:
        savepoint = connection.begin_nested()
        try:
            _run(connection, report, path, profile, sha, progress, chunk_rows, fast, direct=True)
            savepoint.commit()
            return
        except (IntegrityError, psycopg.errors.IntegrityError):
            savepoint.rollback()
            report.notes = [n for n in report.notes if not n.startswith("created force")]
    _run(connection, report, path, profile, sha, progress, chunk_rows, fast, direct=False)


def _ensure_force(connection: Connection, profile: Profile, report: ImportReport) -> None:
    exists = connection.execute(select(t.forces.c.id).where(
        t.forces.c.id == profile.force_id)).first()
    if not exists:
        save_records(connection, [Force(id=profile.force_id, name=profile.force_id,
                                        timezone=profile.timezone)])
        report.notes.append(f"created force {profile.force_id} (name it with the force's records)")


def _run(connection: Connection, report: ImportReport, path: Path, profile: Profile, sha: str,
         progress: Progress, chunk_rows: int, fast: bool, direct: bool) -> None:
    table = TARGETS[report.record]
    connection.execute(t.import_batches.insert().values(
        id=report.batch_id, force_id=profile.force_id, record=report.record,
        file_name=path.name, file_sha256=sha, profile=profile.name,
        started_at=dt.datetime.now(dt.UTC), status="running", rows_read=0, accepted=0,
        quarantined=0, excluded=0, inserted=0, updated=0, unchanged=0, report={}))
    staging = table if direct else create_staging(connection, table)
    read_stats, map_stats = ReadStats(), MapStats()
    quality = QualityCollector(report.record, profile.timezone, frozenset(profile.fields))
    bad_lines: set[int] = set()
    with tempfile.TemporaryDirectory(prefix="forceplan-") as folder:
        spool = _Spool(Path(folder))
        with BulkWriter(connection, staging) as writer:
            _read_file(report, path, profile, chunk_rows, fast, direct, writer, spool,
                       read_stats, map_stats, quality, bad_lines, progress)
        seq = 0
        for problems in spool.frames():  # the table stream is closed: now the quarantine
            seq = _quarantine(connection, report.batch_id, problems, seq)
        skills = (pl.concat(spool.skills), spool.people) if spool.skills else None
    _finish(connection, report, profile, table, staging, direct, seq, read_stats, map_stats,
            quality, bad_lines, progress)
    if skills is not None:
        _replace_skills(connection, profile.force_id, *skills)


def _replace_skills(connection: Connection, force_id: str, skills: pl.DataFrame,
                    people: list[str]) -> None:
    """Each imported person's skills replace those held (a person's skills are a set)."""
    kept = select(t.people.c.id).where(t.people.c.force_id == force_id,
                                       t.people.c.id.in_(people))
    ids = sorted(set(connection.execute(kept).scalars()))
    skills = skills.filter(pl.col("person_id").is_in(ids))
    for start in range(0, len(ids), 500):
        connection.execute(t.person_skills.delete().where(
            t.person_skills.c.force_id == force_id,
            t.person_skills.c.person_id.in_(ids[start:start + 500])))
    insert_frame(connection, t.person_skills, skills)

class _Spool:
    """Quarantined rows held aside while the table stream is open (on disk past a limit)."""

    def __init__(self, folder: Path, limit: int = 100_000) -> None:
        self.folder, self.limit = folder, limit
        self.held: list[pl.DataFrame] = []
        self.files: list[Path] = []
        self.skills: list[pl.DataFrame] = []  # people imports only (small)
        self.people: list[str] = []

    def add(self, frame: pl.DataFrame) -> None:
        if frame.height:
            self.held.append(frame)
        if sum(f.height for f in self.held) >= self.limit:
            path = self.folder / f"q{len(self.files)}.parquet"
            pl.concat(self.held).write_parquet(path)
            self.files.append(path)
            self.held = []

    def frames(self):
        for path in self.files:
            yield pl.read_parquet(path)
        yield from self.held


def _read_file(report: ImportReport, path: Path, profile: Profile, chunk_rows: int,
               fast: bool, direct: bool, writer: BulkWriter, spool: _Spool,
               read_stats: ReadStats, map_stats: MapStats, quality: QualityCollector,
               bad_lines: set[int], progress: Progress) -> None:
    for number, chunk in enumerate(read_chunks(path, profile.encoding, profile.delimiter,
                                               chunk_rows, read_stats, fast=fast)):
        if number == 0:
            check_columns(profile, chunk.frame.columns, str(path))
        quality.add_source(chunk.frame)
        mapped = map_chunk(chunk.frame, profile, str(path), map_stats)
        problems = pl.concat([chunk.problems, mapped.problems])
        if report.record == "person":
            people, skills, person_problems = people_rows(mapped.frame, profile)
            mapped.frame = people
            problems = pl.concat([problems, attach_raw(person_problems, chunk.frame)])
            spool.skills.append(skills)
            spool.people.extend(people["id"].to_list())
        spool.add(problems)
        bad_lines.update(problems["line"].to_list())
        quality.add_problems(problems)
        good = mapped.frame.rename({LINE: SOURCE_LINE}).with_columns(
            force_id=pl.lit(profile.force_id))
        writer.write(good.drop(SOURCE_LINE) if direct else good)
        quality.add_accepted(good.drop(SOURCE_LINE))
        total = read_stats.physical_lines or 1
        progress(f"reading {path.name}", min(0.9, 0.9 * read_stats.records / total))


def _finish(connection: Connection, report: ImportReport, profile: Profile, table, staging,
            direct: bool, seq: int, read_stats: ReadStats, map_stats: MapStats,
            quality: QualityCollector, bad_lines: set[int], progress: Progress) -> None:
    if direct:
        counts = MergeCounts(inserted=quality.accepted, updated=0, unchanged=0)
    else:
        progress("checking duplicates", 0.92)
        seq = _drop_duplicates(connection, report, table, staging, quality, seq, bad_lines)
        if report.record in PARENTS:
            column, parent = PARENTS[report.record]
            seq = _drop_orphans(connection, report, staging, column, parent, profile, seq,
                                bad_lines, quality)
        progress("merging", 0.95)
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


def _withdraw(connection: Connection, staging, lines: list[int],
              quality: QualityCollector) -> None:
    """Take rows about to leave the staging table back out of the accepted-row statistics."""
    line = staging.c[SOURCE_LINE]
    columns = [c for c in staging.columns if c.name != SOURCE_LINE]
    for start in range(0, len(lines), 5000):
        part = lines[start:start + 5000]
        frame = read_frame(connection, staging, line.in_(part), columns=[c.name for c in columns])
        quality.add_accepted(frame, sign=-1)


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
    _withdraw(connection, staging, duplicates["line"].to_list(), quality)
    delete_lines(connection, staging, duplicates["line"].to_list())
    bad_lines.update(duplicates["line"].to_list())
    quality.add_problems(problems)
    return _quarantine(connection, report.batch_id, problems.select(PROBLEM_SCHEMA.keys()), seq)


def _drop_orphans(connection: Connection, report: ImportReport, staging, column: str, parent,
                  profile: Profile, seq: int, bad_lines: set[int],
                  quality: QualityCollector) -> int:
    orphans = missing_parents(connection, staging, column, parent, profile.force_id)
    if orphans.height == 0:
        return seq
    problems = orphans.select(
        "line", pl.lit(column).alias("field"), "value",
        pl.format("no {} {} in force {}: import people first", pl.lit(parent.name[:-1] if
                  parent.name != "people" else "person"), pl.col("value"),
                  pl.lit(profile.force_id)).alias("reason"), pl.lit(None, pl.String).alias("raw"))
    _withdraw(connection, staging, orphans["line"].to_list(), quality)
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


