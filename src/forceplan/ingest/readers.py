"""Reading force exports in chunks: CSV (any delimiter, with or without BOM), Parquet, Excel
(.xlsx) and JSON Lines. Every value arrives as text, with its line number, so that parsing is
the profile's job and nothing is coerced silently.

CSV takes a fast path (Polars) and falls back to Python's ``csv`` module when the file's
structure defeats it (ragged lines, invalid UTF-8): that path reads record by record and sends
each malformed record to the quarantine with its line number instead of failing the file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from forceplan.errors import DataValidationError

LINE = "__line"
CHUNK_ROWS = 250_000
PROBLEM_SCHEMA = {"line": pl.Int64, "field": pl.String, "value": pl.String,
                  "reason": pl.String, "raw": pl.String}
FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet",
           ".xlsx": "excel", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass
class ReadStats:
    """What the reader saw: records read, physical lines, and how it read them."""

    records: int = 0
    physical_lines: int | None = None
    method: str = ""
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Chunk:
    frame: pl.DataFrame  # every source column as String, plus __line
    problems: pl.DataFrame  # rows the reader could not read (PROBLEM_SCHEMA)


def empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def source_format(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise DataValidationError(
            f"{path}: cannot read files of type {path.suffix or '(none)'}",
            problems=[{"file": str(path), "field": "(file)", "value": path.suffix,
                       "reason": "unsupported file type"}],
            hint="export as CSV, Parquet, Excel (.xlsx) or JSON Lines (.jsonl)",
        ) from None


def sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def regular_csv(path: Path, delimiter: str, block_bytes: int = 1 << 22) -> tuple[bool, int]:
    """(every line is one whole record with the header's field count, physical lines).

    Quoted sections are removed before counting delimiters; a line with an odd number of
    quotes holds part of a multi-line record. Only a regular file takes the fast reader, so its
    line numbers are exact and short (truncated) records are never padded silently. Reads the
    file in blocks, so memory stays bounded whatever its size.
    """
    width: int | None = None
    regular, lines, tail = True, 0, b""
    with path.open("rb") as handle:
        while True:
            block = handle.read(block_bytes)
            data = tail + block
            if not block:
                cut = len(data)
            else:
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    tail = data
                    continue
            piece, tail = data[:cut], data[cut:]
            if piece:
                try:
                    text = piece.decode("utf-8")
                except UnicodeDecodeError:
                    regular = False
                    lines += piece.count(b"\n") + (not piece.endswith(b"\n"))
                    if not block:
                        break
                    continue
                rows = pl.Series(text.removesuffix("\n").split("\n")).str.strip_suffix("\r")
                lines += rows.len()
                if regular:
                    fields = rows.str.replace_all('"[^"]*"', "").str.count_matches(
                        delimiter, literal=True) + 1
                    width = width if width is not None else fields[0]
                    regular = not (
                        (rows.str.count_matches('"', literal=True) % 2 == 1).any()
                        or (rows.str.strip_chars() == "").any() or (fields != width).any())
            if not block:
                break
    return regular, lines


def _count_lines(path: Path) -> int:
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 24):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    casts = []
    for name, dtype in frame.schema.items():
        if name == LINE:
            casts.append(pl.col(name).cast(pl.Int64))
        elif dtype == pl.String:
            casts.append(pl.col(name))
        elif dtype.is_temporal():  # ISO text, e.g. 2025-10-26 01:30:00.000000
            casts.append(pl.col(name).cast(pl.String))
        elif isinstance(dtype, pl.List | pl.Struct | pl.Array):
            casts.append(pl.col(name).map_elements(
                lambda v: json.dumps(v, default=str), return_dtype=pl.String))
        else:
            casts.append(pl.col(name).cast(pl.String))
    return frame.select(casts)


def read_chunks(
    path: Path, encoding: str = "utf-8", delimiter: str | None = None,
    chunk_rows: int = CHUNK_ROWS, stats: ReadStats | None = None, fast: bool = True,
) -> Iterator[Chunk]:
    """Chunks of text columns with line numbers (the header is line 1)."""
    stats = stats if stats is not None else ReadStats()
    if not path.is_file():
        raise DataValidationError(
            f"{path}: no such file", problems=[], hint="check the path and try again")
    kind = source_format(path)
    if kind == "csv":
        yield from _csv_chunks(path, encoding, delimiter, chunk_rows, stats, fast)
    elif kind == "parquet":
        stats.method = "parquet"
        lazy = pl.scan_parquet(path).with_row_index(LINE, offset=2)
        for batch in lazy.collect_batches(chunk_size=chunk_rows):
            stats.records += batch.height
            yield Chunk(_as_text(batch), empty_problems())
    elif kind == "excel":
        stats.method = "excel"
        frame = pl.read_excel(path, engine="calamine", infer_schema_length=0)
        frame = frame.with_row_index(LINE, offset=2)
        stats.records = frame.height
        for start in range(0, max(frame.height, 1), chunk_rows):
            yield Chunk(_as_text(frame.slice(start, chunk_rows)), empty_problems())
    else:
        yield from _jsonl_chunks(path, encoding, chunk_rows, stats)


def _csv_chunks(
    path: Path, encoding: str, delimiter: str | None, chunk_rows: int, stats: ReadStats,
    fast: bool,
) -> Iterator[Chunk]:
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(65536).lstrip("\ufeff")
    stats.delimiter = delimiter or sniff_delimiter(sample)
    utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")
    regular, stats.physical_lines = regular_csv(path, stats.delimiter) if utf8 else (
        False, _count_lines(path))
    if fast and utf8 and not regular:
        stats.notes.append("the file has irregular lines (short or long records, blank lines, "
                           "or line breaks inside quotes): read record by record")
    if fast and utf8 and regular:
        try:
            yield from _csv_fast(path, stats, chunk_rows)
            return
        except pl.exceptions.PolarsError as exc:
            if stats.records:  # failed part-way: the caller must start again from scratch
                raise ReaderRestart(str(exc)) from exc
            stats.notes.append(f"fast reader refused the file ({str(exc).splitlines()[0]}); "
                               "read record by record")
    yield from _csv_python(path, encoding, stats, chunk_rows)


class ReaderRestart(Exception):
    """The fast reader failed after yielding rows: read again with ``fast=False``."""


def _csv_fast(path: Path, stats: ReadStats, chunk_rows: int) -> Iterator[Chunk]:
    stats.method = "csv (fast)"
    lazy = pl.scan_csv(path, separator=stats.delimiter or ",", infer_schema=False,
                       row_index_name=LINE, row_index_offset=2, empty_string_is_null=False,
                       raise_if_empty=False, encoding="utf8")
    header = lazy.collect_schema().names()
    if header and header[1].startswith("\ufeff"):
        lazy = lazy.rename({header[1]: header[1].lstrip("\ufeff")})
    for batch in lazy.collect_batches(chunk_size=chunk_rows):
        stats.records += batch.height
        yield Chunk(batch.with_columns(pl.col(LINE).cast(pl.Int64)), empty_problems())


def _csv_python(path: Path, encoding: str, stats: ReadStats, chunk_rows: int) -> Iterator[Chunk]:
    stats.method = "csv (record by record)"
    with path.open("r", encoding=encoding, errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle, delimiter=stats.delimiter or ",")
        try:
            header = [h.lstrip("\ufeff").strip() for h in next(reader)]
        except StopIteration:
            return
        rows: list[list[str]] = []
        lines: list[int] = []
        problems: list[dict] = []
        previous_end = reader.line_num
        for record in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            raw = stats.delimiter.join(record) if stats.delimiter else ",".join(record)
            if not record:
                continue
            stats.records += 1
            if len(record) != len(header):
                problems.append({"line": line, "field": "(record)", "value": raw[:200],
                                 "reason": f"has {len(record)} fields where the header has "
                                 f"{len(header)} (truncated line or wrong delimiter?)",
                                 "raw": raw})
            elif any(_has_bad_bytes(v) for v in record):
                bad = next(h for h, v in zip(header, record, strict=True) if _has_bad_bytes(v))
                problems.append({"line": line, "field": bad, "value": _printable(
                    dict(zip(header, record, strict=True))[bad]),
                    "reason": f"not valid {encoding} text (mixed encodings?)",
                    "raw": _printable(raw)})
            else:
                rows.append(record)
                lines.append(line)
            if len(rows) >= chunk_rows:
                yield _python_chunk(header, rows, lines, problems)
                rows, lines, problems = [], [], []
        if rows or problems:
            yield _python_chunk(header, rows, lines, problems)


def _has_bad_bytes(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _printable(value: str) -> str:
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _python_chunk(header: list[str], rows: list[list[str]], lines: list[int],
                  problems: list[dict]) -> Chunk:
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in header]
    frame = pl.DataFrame({LINE: lines, **{h: list(c) for h, c in zip(header, columns,
                                                                      strict=True)}},
                         schema={LINE: pl.Int64, **dict.fromkeys(header, pl.String)})
    return Chunk(frame, pl.DataFrame(problems, schema=PROBLEM_SCHEMA) if problems
                 else empty_problems())


def _jsonl_chunks(path: Path, encoding: str, chunk_rows: int, stats: ReadStats) -> Iterator[Chunk]:
    stats.method = "json lines"
    records: list[dict] = []
    lines: list[int] = []
    problems: list[dict] = []
    with path.open("r", encoding=encoding, errors="surrogateescape") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            stats.records += 1
            try:
                value = json.loads(text)
                if not isinstance(value, dict):
                    raise ValueError("a line must hold one JSON object")
            except ValueError as exc:
                problems.append({"line": number, "field": "(record)",
                                 "value": _printable(text.strip())[:200],
                                 "reason": f"not a JSON object: {exc}",
                                 "raw": _printable(text.strip())})
                continue
            records.append({k: v if isinstance(v, str) or v is None else json.dumps(v)
                            for k, v in value.items()})
            lines.append(number)
            if len(records) >= chunk_rows:
                yield _json_chunk(records, lines, problems)
                records, lines, problems = [], [], []
    if records or problems:
        yield _json_chunk(records, lines, problems)


def _json_chunk(records: list[dict], lines: list[int], problems: list[dict]) -> Chunk:
    keys = list(dict.fromkeys(k for r in records for k in r))
    frame = pl.DataFrame({LINE: lines, **{k: [r.get(k) for r in records] for k in keys}},
                         schema={LINE: pl.Int64, **dict.fromkeys(keys, pl.String)})
    return Chunk(frame, pl.DataFrame(problems, schema=PROBLEM_SCHEMA) if problems
                 else empty_problems())


def sample_rows(path: Path, rows: int = 200) -> pl.DataFrame:
    """The first rows of any supported file, as text (for drafting a profile)."""
    for chunk in read_chunks(path, chunk_rows=rows):
        return chunk.frame.head(rows)
    return pl.DataFrame()


__all__ = ["LINE", "Chunk", "ReadStats", "ReaderRestart", "read_chunks", "sample_rows",
           "sniff_delimiter"]
