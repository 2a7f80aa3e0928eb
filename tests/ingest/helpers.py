"""Small files and profiles for ingest tests."""

from __future__ import annotations

import csv
from pathlib import Path

from forceplan.ingest.profile import Profile

HEADER = ["ref", "when", "arrived", "cleared", "prio", "type", "how"]


def write_csv(
    path: Path,
    rows: list[list[str]],
    header: list[str] = HEADER,
    delimiter: str = ",",
    bom: bool = False,
    encoding: str = "utf-8",
) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def simple_profile(**overrides) -> Profile:
    data = {
        "name": "test_cad",
        "record": "incident",
        "force_id": "TST",
        "timezone": "Europe/London",
        "fields": {
            "id": {"column": "ref"},
            "force_id": {"value": "TST"},
            "received_at": {"column": "when", "format": "%Y-%m-%d %H:%M:%S"},
            "first_arrival_at": {"column": "arrived", "format": "%Y-%m-%d %H:%M:%S"},
            "cleared_at": {"column": "cleared", "format": "%Y-%m-%d %H:%M:%S"},
            "grade": {"column": "prio", "map": {"P1": 1, "P2": 2, "P3": 3, "P4": 4}},
            "category": {
                "column": "type",
                "map": {"ASB": "anti_social_behaviour", "MH": "mental_health"},
                "default": "other",
            },
            "channel": {
                "column": "how",
                "map": {"999": "emergency_999", "101": "non_emergency_101"},
                "default": "other",
            },
            "officers_deployed": {"derive": "attended"},
        },
    }
    data.update(overrides)
    return Profile.model_validate(data)


def row(
    ref: str,
    when: str = "2025-06-01 10:00:00",
    arrived: str = "2025-06-01 10:10:00",
    cleared: str = "2025-06-01 11:00:00",
    prio: str = "P2",
    kind: str = "ASB",
    how: str = "999",
) -> list[str]:
    return [ref, when, arrived, cleared, prio, kind, how]
