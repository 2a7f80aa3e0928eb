"""Drafting a mapping profile from a file's header and sample values.

The draft is a starting point a person finishes: it guesses which column feeds which field of an
incident from the column names and the values, guesses timestamp formats, and lists the codes it
saw so that the code tables can be filled in. Everything it is unsure of is marked CHECK.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from forceplan.ingest.readers import LINE, sample_rows

#: field → name fragments that suggest it (lower-case, in order of preference).
HINTS = {
    "id": ["incident_number", "incident_no", "incident number", "master_incident", "call_number",
           "cad", "crime id", "event", "id", "ref", "reference", "number"],
    "received_at": ["received", "response_date", "call_time", "created", "start", "cdts",
                    "reported", "when", "time", "date", "month"],
    "first_arrival_at": ["arrival", "arrived", "on_scene", "onscene", "at_scene"],
    "cleared_at": ["clear", "close", "closed", "end_time", "finish"],
    "grade": ["grade", "priority", "prio"],
    "category": ["problem", "nature", "call_type", "calltype", "crime type", "type", "category",
                 "class", "kind"],
    "channel": ["reception", "channel", "source", "method", "how"],
    "unit_id": ["district", "beat", "area", "sector", "unit", "division"],
    "outcome": ["disposition", "dispo", "outcome", "status", "result"],
}
FORMATS = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M:%S",
           "%d/%m/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M", "%Y%m%d%H%M%S", "%Y-%m"]


TIME_FIELDS = ("received_at", "first_arrival_at", "cleared_at")
NULLS = ["", "NULL", "null", "N/A", "NA"]


def _guess_column(field: str, columns: list[str], used: set[str],
                  timestamps: set[str]) -> str | None:
    """A column whose name suggests ``field``; time fields only take timestamp columns and
    other fields never do."""
    lowered = {c: c.lower() for c in columns if c not in used
               and (c in timestamps) == (field in TIME_FIELDS)}
    for hint in HINTS[field]:
        for column, low in lowered.items():
            if hint == low or hint in low:
                return column
    return None


def guess_format(values: pl.Series) -> str | None:
    sample = values.filter(~values.is_in(NULLS)).drop_nulls().head(100)
    if sample.len() == 0:
        return None
    for fmt in FORMATS:
        parsed = sample.str.to_datetime(fmt, strict=False)
        if parsed.null_count() == 0:
            return fmt
    return None


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def draft_profile(path: Path, name: str | None = None) -> str:
    """TOML text of a draft incident profile for ``path``."""
    sample = sample_rows(path, rows=500)
    columns = [c for c in sample.columns if c != LINE]
    used: set[str] = set()
    mapping: dict[str, str] = {}
    timestamps = {c for c in columns if guess_format(sample[c])}
    for field in ("first_arrival_at", "cleared_at", *HINTS):  # specific names first
        if field in mapping:
            continue
        column = _guess_column(field, columns, used, timestamps)
        if column is not None:
            mapping[field] = column
            used.add(column)
    if "received_at" not in mapping:  # the first unused column holding timestamps
        for column in columns:
            if column not in used and column in timestamps:
                mapping["received_at"] = column
                used.add(column)
                break
    mapping = {f: mapping[f] for f in HINTS if f in mapping}
    name = name or re.sub(r"[^a-z0-9_]+", "_", path.stem.lower()).strip("_")
    lines = [f"# Draft profile for {path.name}: check every line marked CHECK.",
             f"name = {_toml_string(name)}", 'record = "incident"',
             'force_id = "CHECK"   # your force code',
             "timezone = \"Europe/London\"   # CHECK: the zone of the file's local times",
             "", "[fields]"]
    if "id" not in mapping:
        lines.append('id = { derive = "row_key" }   # CHECK: no identifier column found')
    for field, column in mapping.items():
        if field in ("received_at", "first_arrival_at", "cleared_at"):
            fmt = guess_format(sample[column])
            fmt_text = f", format = {_toml_string(fmt)}" if fmt else ""
            todo = "" if fmt else "   # CHECK: timestamp format not recognised"
            lines.append(f"{field} = {{ column = {_toml_string(column)}{fmt_text} }}{todo}")
        elif field in ("grade", "category", "channel"):
            continue
        else:
            lines.append(f"{field} = {{ column = {_toml_string(column)} }}")
    lines.append('force_id = { value = "CHECK" }')
    if "first_arrival_at" in mapping:
        lines.append('officers_deployed = { derive = "attended" }')
    for field, default in (("grade", None), ("category", "other"), ("channel", "other")):
        column = mapping.get(field)
        lines += ["", f"[fields.{field}]"]
        if column is None:
            value = _toml_string(default or "2")
            lines.append(f"value = {value}   # CHECK: no {field} column found")
            continue
        lines.append(f"column = {_toml_string(column)}")
        if default:
            lines.append(f"default = {_toml_string(default)}")
        codes = sample[column].drop_nulls().value_counts(sort=True).head(40)[column].to_list()
        lines.append("[fields." + field + ".map]   # CHECK: give each code its standard value")
        lines += [f"{_toml_string(str(code))} = \"CHECK\"" for code in codes]
    unused = [c for c in columns if c not in used]
    if unused:
        lines += ["", "# Columns not used: " + ", ".join(unused)]
    return "\n".join(lines) + "\n"
