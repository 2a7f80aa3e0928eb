"""Rosters as CSV files: ``officer,day,tour`` (an empty tour is a rest day), or the Curtois &
Qu benchmark's ``employee,day,shift`` with one line per tour worked.

Days are numbered from 0, the first day of the roster. Bad lines are never dropped: reading
refuses the whole file, naming each bad line, its field and what to do.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from forceplan.errors import DataValidationError
from forceplan.roster.problem import Roster

#: Our header and the benchmark's, column for column: officer, day, tour.
ROSTER_HEADER = ("officer", "day", "tour")
BENCHMARK_HEADER = ("employee", "day", "shift")
_SYNONYMS = {"officer": "officer", "employee": "officer", "day": "day", "tour": "tour",
             "shift": "tour"}  # fmt: skip


def format_roster_csv(roster: Roster, benchmark: bool = False) -> str:
    """The roster as CSV text, sorted by officer and day. ``benchmark``: the Curtois & Qu
    header ``employee,day,shift`` and only the days worked."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BENCHMARK_HEADER if benchmark else ROSTER_HEADER)
    for officer_id in sorted(roster):
        for day, tour in sorted(roster[officer_id].items()):
            if tour is None and benchmark:
                continue
            writer.writerow((officer_id, day, "" if tour is None else tour))
    return out.getvalue()


def write_roster(path: Path, roster: Roster, benchmark: bool = False) -> None:
    """Write the roster to ``path`` (see ``format_roster_csv``)."""
    Path(path).write_text(format_roster_csv(roster, benchmark), encoding="utf-8")


def read_roster(path: Path) -> Roster:
    """A roster from a CSV file with columns officer, day, tour (or employee, day, shift)."""
    path = Path(path)
    if not path.is_file():
        raise DataValidationError(
            f"{path}: no such roster file",
            problems=[{"file": str(path), "reason": "missing"}],
            hint="check the path",
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataValidationError(
            f"{path}: not a UTF-8 text file ({error.reason})",
            problems=[{"file": str(path), "reason": "not UTF-8 text"}],
            hint="save the roster as CSV in UTF-8",
        ) from error
    return parse_roster_csv(text, source=str(path))


def parse_roster_csv(text: str, source: str = "<roster>") -> Roster:
    """A roster from CSV text; ``source`` names the file in errors."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    columns = _header_columns(header, source)
    roster: Roster = {}
    problems: list[dict[str, object]] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        problem = _read_line(row, columns, roster, source, reader.line_num)
        if problem is not None:
            problems.append(problem)
    if problems:
        first = problems[0]
        raise DataValidationError(
            f"{source}: {len(problems)} bad line(s); first: line {first['line']}, "
            f"{first['field']} {first['value']!r}: {first['reason']}",
            problems,
            hint="correct the lines named and read the roster again",
        )
    return roster


def _header_columns(header: list[str] | None, source: str) -> dict[str, int]:
    names = [cell.strip().lower() for cell in header or []]
    columns: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in _SYNONYMS:
            columns.setdefault(_SYNONYMS[name], position)
    missing = [name for name in ROSTER_HEADER if name not in columns]
    if missing:
        raise DataValidationError(
            f"{source}: line 1 is not a roster header; missing column(s) {', '.join(missing)}",
            problems=[
                {
                    "file": source,
                    "line": 1,
                    "field": name,
                    "value": None,
                    "reason": "missing column",
                }
                for name in missing
            ],
            hint="start the file with the line officer,day,tour (or employee,day,shift)",
        )
    return columns


def _read_line(
    row: list[str], columns: dict[str, int], roster: Roster, source: str, line: int
) -> dict[str, object] | None:
    """Add one line to ``roster``, or say what is wrong with it."""

    def bad(field: str, value: object, reason: str) -> dict[str, object]:
        return {"file": source, "line": line, "record": row, "field": field, "value": value,
                "reason": reason}  # fmt: skip

    if len(row) <= max(columns.values()):
        return bad("tour", None, f"expected {max(columns.values()) + 1} fields, found {len(row)}")
    officer_id = row[columns["officer"]].strip()
    day_text = row[columns["day"]].strip()
    tour = row[columns["tour"]].strip() or None
    if not officer_id:
        return bad("officer", officer_id, "no officer given; give the officer's id")
    if not (day_text.isascii() and day_text.isdigit()):
        return bad("day", day_text, "not a day number (0 is the first day of the roster)")
    day = int(day_text)
    days = roster.setdefault(officer_id, {})
    if day in days and days[day] != tour:
        return bad(
            "day",
            day,
            f"{officer_id} already has {days[day] or 'a rest day'} on day {day}; "
            "an officer works one tour a day, so keep one of the lines",
        )
    days[day] = tour
    return None
