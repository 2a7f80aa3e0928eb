"""Mapping profiles: how one source's export becomes records of the standard.

A profile is a TOML file (docs/import.md). It names the record type, the source's time zone and
how each field of the record is filled: from a column (with a timestamp format, a code table or
regular-expression patterns), from a constant, or derived. Rows can be excluded by rule (not
demand, e.g. off-duty details); they are counted, never silently dropped.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from forceplan.errors import ConfigurationError
from forceplan.standard.base import check_timezone

PROFILES = Path(__file__).with_name("profiles")
RECORD_KINDS = {"incidents": "incident", "people": "person", "rosters": "roster_assignment",
                "absences": "absence"}


class FieldSpec(BaseModel):
    """How one field of the record is filled."""

    model_config = ConfigDict(extra="forbid")

    column: str | None = None
    value: Any = None
    format: str | None = Field(None, description="strftime-style format of a date or time.")
    suffix_offsets: dict[str, str] | None = Field(
        None, description="Trailing codes giving the UTC offset, e.g. {PD = '-07:00'}.")
    map: dict[str, Any] | None = Field(None, description="Code table: source value → value.")
    patterns: list[tuple[str, Any]] | None = Field(
        None, description="Regular expressions tried in order after the code table.")
    default: Any = Field(None, description="Value when the code is not in the table.")
    if_empty: Any = Field(None, description="Value when the source value is empty.")
    derive: Literal["attended", "add_minutes", "row_key", "first_of"] | None = None
    base: str | None = Field(None, description="For add_minutes: the timestamp field to add to.")
    columns: list[str] | None = Field(None, description="For row_key / first_of.")
    split: str | None = Field(None, description="Separator of a list held in one column.")

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        sources = [self.column is not None, self.value is not None, self.derive is not None]
        if sum(sources) != 1:
            raise ValueError("give exactly one of column, value or derive")
        if self.derive == "add_minutes" and not (self.base and self.column is None
                                                 and self.columns):
            raise ValueError("derive add_minutes needs base and columns = [minutes column]")
        return self


class ExcludeRule(BaseModel):
    """Rows matching this rule are not demand: counted as excluded, with the reason."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    column: str
    is_in: list[str] | None = Field(None, alias="in")
    not_in: list[str] | None = None
    matches: str | None = Field(None, description="Regular expression.")
    reason: str

    @model_validator(mode="after")
    def _one_test(self) -> ExcludeRule:
        if sum(x is not None for x in (self.is_in, self.not_in, self.matches)) != 1:
            raise ValueError("give exactly one of in, not_in or matches")
        return self


class Profile(BaseModel):
    """A mapping profile (see docs/import.md)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    record: Literal["incident", "person", "roster_assignment", "absence"]
    force_id: str
    timezone: str = "Europe/London"
    encoding: str = "utf-8"
    delimiter: str | None = None
    null_values: list[str] = Field(default_factory=lambda: ["", "NULL", "null", "N/A", "NA"])
    ambiguous_times: Literal["earliest", "latest"] = "earliest"
    nonexistent_times: Literal["shift_forward", "quarantine"] = "shift_forward"
    exclude: list[ExcludeRule] = Field(default_factory=list)
    fields: dict[str, FieldSpec]
    caveats: list[str] = Field(default_factory=list, description="Shown in the quality report.")

    _zone = field_validator("timezone")(check_timezone)

    def columns_used(self) -> set[str]:
        used = {rule.column for rule in self.exclude}
        for spec in self.fields.values():
            if spec.column:
                used.add(spec.column)
            used.update(spec.columns or [])
        return used


def shipped_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILES.glob("*.toml"))


def load_profile(name_or_path: str | Path) -> Profile:
    """A shipped profile by name, or a profile file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = PROFILES / f"{name_or_path}.toml"
    if not path.is_file():
        raise ConfigurationError(
            f"no profile {name_or_path!r}",
            hint="give a .toml file, or one of the shipped profiles: "
            f"{', '.join(shipped_profiles())} (docs/import.md explains how to write one)",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Profile.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path}: not valid TOML: {exc}",
                                 hint="fix the profile's syntax") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigurationError(f"{path}: invalid profile: {problems}",
                                 hint="see docs/import.md for the profile format") from exc
