"""What kind of value each field of a record holds, and its limits, read from the standard's
models so that the bulk checks and the records can never disagree."""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from enum import Enum, IntEnum

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import AwareDatetime

from forceplan.standard import RECORD_TYPES


@dataclass(frozen=True)
class FieldType:
    name: str
    kind: str  # instant, date, time, int, float, bool, enum, str, list
    required: bool
    enum: type[Enum] | None = None
    pattern: str | None = None
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    max_length: int | None = None
    min_length: int | None = None
    default: object = None  # the standard's default for an unmapped field

    @property
    def values(self) -> list[str] | None:
        if self.enum is None:
            return None
        return [str(m.value) for m in self.enum]


def _unwrap(annotation: object) -> tuple[object, list[object], bool]:
    """(base type, metadata, optional?)"""
    metadata: list[object] = []
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            annotation = args[0]
        elif origin is typing.Annotated:
            args = typing.get_args(annotation)
            metadata.extend(args[1:])
            annotation = args[0]
        else:
            return annotation, metadata, optional


def field_types(record: str) -> dict[str, FieldType]:
    model = RECORD_TYPES[record]
    out = {}
    for name, info in model.model_fields.items():
        base, metadata, _optional = _unwrap(info.annotation)
        metadata = [*metadata, *info.metadata]
        if base is AwareDatetime or (isinstance(base, type) and issubclass(base, dt.datetime)):
            kind = "instant"
        elif base is dt.date:
            kind = "date"
        elif base is dt.time:
            kind = "time"
        elif isinstance(base, type) and issubclass(base, IntEnum):
            kind = "int"
        elif isinstance(base, type) and issubclass(base, Enum):
            kind = "enum"
        elif base is bool:
            kind = "bool"
        elif base is int:
            kind = "int"
        elif base is float:
            kind = "float"
        elif typing.get_origin(base) is list:
            kind = "list"
        else:
            kind = "str"
        limits: dict[str, object] = {}
        for item in metadata:
            for cls, key in ((Ge, "ge"), (Gt, "gt"), (Le, "le"), (Lt, "lt"),
                             (MaxLen, "max_length"), (MinLen, "min_length")):
                if isinstance(item, cls):
                    limits[key] = getattr(item, key)
            if getattr(item, "pattern", None):
                limits["pattern"] = item.pattern
            if getattr(item, "max_length", None) and "max_length" not in limits:
                limits["max_length"] = item.max_length
            if getattr(item, "min_length", None) and "min_length" not in limits:
                limits["min_length"] = item.min_length
        default = None
        if not info.is_required() and info.default_factory is None:
            default = info.default.value if isinstance(info.default, Enum) else info.default
        out[name] = FieldType(
            name=name, kind=kind, required=info.is_required(), default=default,
            enum=base if isinstance(base, type) and issubclass(base, Enum) else None,
            **limits,
        )
    return out
