"""Checking files of records against the standard."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forceplan.errors import DataValidationError, ForceplanError
from forceplan.standard import parse_record, record_type
from forceplan.standard.reference import BEGIN, END, render_reference


@dataclass
class ValidationReport:
    total: int = 0
    invalid: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)


def validate_jsonl(record: str, path: Path) -> ValidationReport:
    """Validate every line of a JSON Lines file as ``record``; collect all problems."""
    record_type(record)  # refuse unknown types before reading the file
    if not path.is_file():
        raise ForceplanError(f"cannot read {path}: no such file", hint="check the path")
    report = ValidationReport()
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            report.total += 1
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise ValueError("each line must be a JSON object")
            except ValueError as exc:
                report.invalid += 1
                report.problems.append(
                    {
                        "file": str(path),
                        "line": number,
                        "field": "(line)",
                        "value": line.strip()[:60],
                        "reason": str(exc),
                    }
                )
                continue
            try:
                parse_record(record, data, source=str(path), line=number)
            except DataValidationError as exc:
                report.invalid += 1
                report.problems.extend(exc.problems)
    return report


def refresh_reference(path: Path) -> None:
    """Replace the generated reference between the markers in ``path`` (or append it)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        text = head + render_reference() + tail
    else:
        text = text + ("\n" if text else "") + render_reference() + "\n"
    path.write_text(text, encoding="utf-8")
