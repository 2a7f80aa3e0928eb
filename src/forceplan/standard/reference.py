"""The field-by-field reference of the standard, rendered from the records themselves.

docs/standard.md embeds this text between the markers below; a test keeps the two equal, so the
documentation cannot drift from the code.
"""

from __future__ import annotations

import json
import types
import typing
from enum import Enum

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from forceplan.standard import enums
from forceplan.standard.base import Record
from forceplan.standard.schema import STANDARD_VERSION
from forceplan.standard.validation import RECORD_TYPES

BEGIN = "<!-- BEGIN GENERATED REFERENCE (forceplan standard docs) -->"
END = "<!-- END GENERATED REFERENCE -->"


def _type_name(annotation: object) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(names)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if isinstance(annotation, type):
        if issubclass(annotation, Enum):
            return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
        if issubclass(annotation, Record):
            return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
        return {
            "str": "text",
            "int": "integer",
            "float": "number",
            "bool": "true/false",
            "date": "date (YYYY-MM-DD)",
            "time": "time (HH:MM)",
            "datetime": "timestamp with offset (ISO 8601)",
        }.get(annotation.__name__, annotation.__name__)
    return str(annotation)


def _constraints(info: FieldInfo) -> str:
    parts = []
    for item in info.metadata:
        for name in ("gt", "ge", "lt", "le", "max_length", "pattern"):
            value = getattr(item, name, None)
            if value is not None:
                symbol = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤"}.get(name, name + " ")
                parts.append(f"{symbol}{value}")
    return ", ".join(parts)


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    if info.default_factory is not None:
        return "optional (empty)"
    if info.default is PydanticUndefined or info.default is None:
        return "optional"
    value = info.default.value if isinstance(info.default, Enum) else info.default
    return f"optional (default `{json.dumps(value)}`)"


def _record_table(name: str, model: type[Record]) -> list[str]:
    lines = [
        f"### {model.__name__}",
        "",
        f"Record type `{name}`. {model.__doc__.strip()}",
        "",
        "| field | type | presence | meaning | example |",
        "|---|---|---|---|---|",
    ]
    for field, info in model.model_fields.items():
        kind = _type_name(info.annotation)
        limits = _constraints(info)
        if limits:
            kind += f" ({limits})".replace("|", "\\|")
        example = json.dumps(info.examples[0]) if info.examples else ""
        meaning = (info.description or "").replace("|", "\\|")
        lines.append(f"| `{field}` | {kind} | {_default(info)} | {meaning} | `{example}` |")
    return [*lines, ""]


def _skill_table() -> list[str]:
    from forceplan.standard.organisation import Skill

    return _record_table("(part of person)", Skill)


def _enum_tables() -> list[str]:
    lines = ["## Vocabularies", ""]
    for name in sorted(dir(enums)):
        value = getattr(enums, name)
        own = isinstance(value, type) and value.__module__ == enums.__name__
        if own and issubclass(value, Enum):
            lines += [
                f"### {name}",
                "",
                (value.__doc__ or "").strip(),
                "",
                ", ".join(f"`{m.value}`" for m in value),
                "",
            ]
    return lines


def render_reference() -> str:
    """Markdown reference of every record and vocabulary of the current standard version."""
    from forceplan.standard.organisation import Restriction

    lines = [BEGIN, "", f"## Records (standard version {STANDARD_VERSION})", ""]
    for name, model in RECORD_TYPES.items():
        lines += _record_table(name, model)
    lines += _skill_table() + _record_table("(part of person)", Restriction)
    lines += _enum_tables()
    return "\n".join([*lines, END])
