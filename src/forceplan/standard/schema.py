"""JSON Schema for each record of the standard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from forceplan.standard.validation import RECORD_TYPES

STANDARD_VERSION = "0.1"
SCHEMA_BASE_URI = "https://forceplan.org/standard"


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one record type, stamped with the standard version."""
    model = RECORD_TYPES[name]
    schema = model.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE_URI}/{STANDARD_VERSION}/{name}.schema.json",
        "x-standard-version": STANDARD_VERSION,
        **schema,
    }


def write_json_schemas(directory: Path) -> list[Path]:
    """Write ``<record>.schema.json`` for every record type into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in RECORD_TYPES:
        path = directory / f"{name}.schema.json"
        path.write_text(json.dumps(json_schema(name), indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written
