"""Applying a profile to a chunk of text columns: excluded rows, parsed and checked fields,
and a problem per bad value. Vectorised with Polars; the checks mirror the standard's models
(fieldtypes.py reads their limits; rules.py holds the cross-field rules), and a property test
keeps the two in agreement."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

import polars as pl

from forceplan.errors import ConfigurationError
from forceplan.ingest.fieldtypes import FieldType, field_types
from forceplan.ingest.profile import FieldSpec, Profile
from forceplan.ingest.readers import LINE, PROBLEM_SCHEMA
from forceplan.ingest.rules import CROSS_FIELD_RULES

UTC = pl.Datetime("us", "UTC")
TRUE = ["true", "t", "yes", "y", "1"]
FALSE = ["false", "f", "no", "n", "0"]


@dataclass
class MapStats:
    """Counts over the whole file, added up chunk by chunk."""

    rows: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    dst_ambiguous: int = 0
    dst_nonexistent: int = 0
    row_keys: dict[str, int] = field(default_factory=dict)


@dataclass
class Mapped:
    frame: pl.DataFrame  # standard columns + __line, rows that passed every check
    problems: pl.DataFrame  # PROBLEM_SCHEMA


class _Problems:
    """Checks gathered as expressions and evaluated together: one pass over a frame per batch
    of checks, and rows are built only for checks that fail somewhere."""

    def __init__(self) -> None:
        self.parts: list[pl.DataFrame] = []
        self.pending: list[tuple[pl.DataFrame, pl.Expr, str, pl.Expr, pl.Expr | str]] = []

    def add(self, frame: pl.DataFrame, mask: pl.Expr, field_name: str, value: pl.Expr,
            reason: pl.Expr | str) -> None:
        self.pending.append((frame, mask, field_name, value, reason))

    def flush(self) -> None:
        by_frame: dict[int, list[int]] = {}
        for index, (frame, *_rest) in enumerate(self.pending):
            by_frame.setdefault(id(frame), []).append(index)
        for indexes in by_frame.values():
            frame = self.pending[indexes[0]][0]
            flags = frame.select([self.pending[i][1].fill_null(False).alias(f"c{i}")
                                  for i in indexes])
            hits = flags.select(pl.all().any()).row(0, named=True)
            for i in indexes:
                if not hits[f"c{i}"]:
                    continue
                _frame, _mask, field_name, value, reason = self.pending[i]
                reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
                bad = frame.filter(flags[f"c{i}"])
                self.parts.append(bad.select(
                    pl.col(LINE).alias("line"), pl.lit(field_name).alias("field"),
                    value.cast(pl.String).alias("value"),
                    reason_expr.cast(pl.String).alias("reason"),
                    pl.lit(None, pl.String).alias("raw")))
        self.pending = []


def check_columns(profile: Profile, header: list[str], source: str) -> None:
    missing = sorted(profile.columns_used() - set(header))
    if missing:
        raise ConfigurationError(
            f"{source}: the profile {profile.name!r} uses column(s) {', '.join(missing)} that "
            f"the file does not have",
            hint=f"the file's columns are: {', '.join(h for h in header if h != LINE)}; "
            "fix the profile's column names or choose another profile",
        )


def _nulls(frame: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    nulls = [v.strip() for v in profile.null_values]
    used = profile.columns_used()
    text = [c for c, t in frame.schema.items() if c in used and t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.strip_chars().is_in(nulls)).then(None)
        .otherwise(pl.col(c).str.strip_chars()).alias(c) for c in text)


def _exclusions(frame: pl.DataFrame, profile: Profile, stats: MapStats) -> pl.DataFrame:
    for rule in profile.exclude:
        column = pl.col(rule.column).fill_null("")
        if rule.is_in is not None:
            mask = column.is_in(rule.is_in)
        elif rule.not_in is not None:
            mask = ~column.is_in(rule.not_in)
        else:
            mask = column.str.contains(rule.matches)
        count = frame.select(mask.sum()).item()
        if count:
            stats.excluded[rule.reason] = stats.excluded.get(rule.reason, 0) + int(count)
            frame = frame.filter(~mask)
    return frame


def _coded(raw: pl.Expr, spec: FieldSpec) -> tuple[pl.Expr, pl.Expr]:
    """(value, matched?) from a code table, then patterns in order, then the default."""
    chain = None
    if spec.map:
        table = {str(k).strip().lower(): str(v) for k, v in spec.map.items()}
        mapped = raw.str.to_lowercase().replace_strict(table, default=None,
                                                      return_dtype=pl.String)
        chain = pl.when(mapped.is_not_null()).then(mapped)
    for pattern, result in spec.patterns or []:
        test = raw.str.contains(f"(?i){pattern}")
        chain = (pl.when(test) if chain is None else chain.when(test)).then(pl.lit(str(result)))
    found = chain.otherwise(pl.lit(None, pl.String)) if chain is not None else pl.lit(
        None, pl.String)
    if spec.default is not None:
        value = pl.when(raw.is_null()).then(pl.lit(None, pl.String)).otherwise(
            pl.coalesce(found, pl.lit(str(spec.default))))
        return value, pl.lit(True)
    return found, found.is_not_null() | raw.is_null()


def _instant(frame: pl.DataFrame, name: str, raw: pl.Expr, spec: FieldSpec, profile: Profile,
             stats: MapStats, problems: _Problems) -> pl.Expr:
    fmt = None if spec.format in (None, "iso") else spec.format
    if spec.suffix_offsets:
        pattern = "^(.*?)(" + "|".join(map(re.escape, spec.suffix_offsets)) + ")$"
        body = raw.str.extract(pattern, 1)
        suffix = raw.str.extract(pattern, 2)
        minutes = {k: _offset_minutes(v) for k, v in spec.suffix_offsets.items()}
        naive = body.str.strptime(pl.Datetime("us"), fmt, strict=False)
        offset = suffix.replace_strict(minutes, default=None, return_dtype=pl.Int64)
        value = (naive - pl.duration(minutes=offset)).dt.replace_time_zone("UTC")
        problems.add(frame, raw.is_not_null() & value.is_null(), name, raw,
                     f"does not match {spec.format} followed by one of "
                     f"{', '.join(spec.suffix_offsets)}")
        return value
    aware, naive = _parse_timestamp(raw, spec.format)
    tz = profile.timezone
    parts = [raw.is_not_null().alias("given")]
    if aware is not None:
        parts.append(aware.alias("aware"))
    if naive is not None:
        naive = pl.when(aware.is_null()).then(naive) if aware is not None else naive
        parts += [naive.alias("naive"),
                  naive.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
                  .alias("earliest"),
                  naive.dt.replace_time_zone(tz, ambiguous="latest", non_existent="null")
                  .alias("latest")]
    done = frame.select(parts)  # parse once; everything below reuses these columns
    unparsed = done["given"]
    for column in ("aware", "naive"):
        if column in done.columns:
            unparsed = unparsed & done[column].is_null()
    problems.add(frame, pl.lit(unparsed), name, raw,
                 f"not a timestamp in the form {spec.format or 'ISO 8601'}")
    if naive is None:  # the source gave offsets: no ambiguity
        return pl.lit(done["aware"])
    earliest, latest, naive_s = done["earliest"], done["latest"], done["naive"]
    stats.dst_ambiguous += int((earliest != latest).sum() or 0)
    gap = naive_s.is_not_null() & earliest.is_null()
    stats.dst_nonexistent += int(gap.sum())
    local = earliest if profile.ambiguous_times == "earliest" else latest
    if gap.any():
        if profile.nonexistent_times == "shift_forward":
            shifted = (naive_s + dt.timedelta(hours=1)).dt.replace_time_zone(
                tz, ambiguous="earliest", non_existent="null")
            local = pl.select(pl.when(pl.lit(gap)).then(pl.lit(shifted)).otherwise(
                pl.lit(local))).to_series()
        else:
            problems.add(frame, pl.lit(gap), name, raw,
                         f"this local time does not exist in {tz} (clock change)")
    local = local.dt.convert_time_zone("UTC")
    if "aware" in done.columns:
        local = pl.select(pl.coalesce(pl.lit(done["aware"]), pl.lit(local))).to_series()
    return pl.lit(local)


ISO_AWARE = ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z",
             "%Y-%m-%d %H:%M%z"]
ISO_NAIVE = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M",
             "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def _parse_timestamp(raw: pl.Expr, fmt: str | None) -> tuple[pl.Expr | None, pl.Expr | None]:
    """(instants from text with an offset, in UTC; naive local datetimes) for a format, or for
    ISO 8601 in its common forms when no format (or "iso") is given."""
    def parse(text: pl.Expr, formats: list[str]) -> pl.Expr:
        return pl.coalesce([text.str.to_datetime(f, strict=False, time_unit="us")
                            for f in formats])

    if fmt in (None, "iso"):
        text = raw.str.replace(r"[zZ]$", "+00:00")
        return (parse(text, ISO_AWARE).dt.convert_time_zone("UTC"), parse(text, ISO_NAIVE))
    if any(code in fmt for code in ("%z", "%:z", "%#z")):
        return parse(raw, [fmt]).dt.convert_time_zone("UTC"), None
    return None, parse(raw, [fmt])


def _offset_minutes(text: str) -> int:
    sign = -1 if text.strip().startswith("-") else 1
    hours, _, minutes = text.strip().lstrip("+-").partition(":")
    return sign * (int(hours) * 60 + int(minutes or 0))


def _typed(frame: pl.DataFrame, ftype: FieldType, spec: FieldSpec, raw: pl.Expr,
           profile: Profile, stats: MapStats, problems: _Problems) -> pl.Expr:
    name = ftype.name
    if ftype.kind == "instant":
        return _instant(frame, name, raw, spec, profile, stats, problems)
    if ftype.kind in ("date", "time"):
        target = pl.Date if ftype.kind == "date" else pl.Time
        value = raw.str.strptime(target, spec.format if spec.format not in (None, "iso")
                                 else None, strict=False)
        problems.add(frame, raw.is_not_null() & value.is_null(), name, raw,
                     f"not a {ftype.kind} in the form {spec.format or 'ISO 8601'}")
        return value
    if ftype.kind in ("int", "float"):
        target = pl.Int64 if ftype.kind == "int" else pl.Float64
        value = raw.str.strip_chars().cast(target, strict=False)
        if ftype.kind == "int":  # "3.0" is 3, "3.5" is not a whole number
            as_float = raw.str.strip_chars().cast(pl.Float64, strict=False)
            whole = as_float.is_not_null() & (as_float == as_float.round(0))
            value = pl.when(value.is_null() & whole).then(as_float.cast(pl.Int64)).otherwise(
                value)
        problems.add(frame, raw.is_not_null() & value.is_null(), name, raw,
                     f"not a {'whole ' if ftype.kind == 'int' else ''}number")
        return value
    if ftype.kind == "bool":
        low = raw.str.to_lowercase()
        value = pl.when(low.is_in(TRUE)).then(True).when(low.is_in(FALSE)).then(False)
        problems.add(frame, raw.is_not_null() & value.is_null(), name, raw,
                     "not true/false (yes/no, 1/0)")
        return value
    return raw


def _field_value(frame: pl.DataFrame, ftype: FieldType, spec: FieldSpec, profile: Profile,
                 source: str, stats: MapStats, problems: _Problems) -> pl.Expr:
    name = ftype.name
    if spec.value is not None:
        raw = pl.lit(str(spec.value)) if not isinstance(spec.value, bool) else pl.lit(
            str(spec.value).lower())
    elif spec.derive == "row_key":
        return _row_key(frame, spec, source, stats)
    elif spec.derive == "first_of":
        raw = pl.coalesce([pl.col(c) for c in spec.columns or []])
    elif spec.derive in ("attended", "add_minutes"):
        return pl.lit(None)  # filled after the other fields (see _derived)
    else:
        raw = pl.col(spec.column)
    if spec.if_empty is not None:
        raw = raw.fill_null(pl.lit(str(spec.if_empty)))
    if ftype.kind == "list":  # e.g. a person's skills: text, read by the record's own reader
        return raw
    if spec.map or spec.patterns or spec.default is not None:
        value, matched = _coded(raw, spec)
        coded = frame.select(value.alias("v"), matched.alias("m"), raw.alias("r"))
        problems.add(frame.with_columns(coded), ~pl.col("m"), name, pl.col("r"),
                     pl.format("unknown code '{}': add it to the profile's map", pl.col("r")))
        raw = pl.lit(coded["v"])
    return _typed(frame, ftype, spec, raw, profile, stats, problems)


def _row_key(frame: pl.DataFrame, spec: FieldSpec, source: str, stats: MapStats) -> pl.Expr:
    """A stable id for rows without one: hash of the row's values plus its occurrence number,
    so identical rows stay distinct and a re-import gives the same ids."""
    columns = spec.columns or [c for c in frame.columns if c != LINE]
    digests = frame.select(pl.concat_str([pl.col(c).fill_null("") for c in columns],
                                         separator="\x1f").alias("k"))["k"].to_list()
    keys = []
    for text in digests:
        digest = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
        seen = stats.row_keys.get(digest, 0)
        stats.row_keys[digest] = seen + 1
        keys.append(f"{digest}-{seen}")
    return pl.Series(keys, dtype=pl.String)


def _derived(frame: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    for name, spec in profile.fields.items():
        if spec.derive == "attended":
            frame = frame.with_columns(pl.when(pl.col("first_arrival_at").is_not_null())
                                       .then(1).otherwise(0).cast(pl.Int64).alias(name))
        elif spec.derive == "add_minutes":
            minutes = pl.col((spec.columns or [""])[0]).str.strip_chars().cast(
                pl.Float64, strict=False)
            frame = frame.with_columns(
                (pl.col(spec.base) + pl.duration(microseconds=(minutes * 60e6).cast(pl.Int64)))
                .alias(name))
    return frame


def _checks(frame: pl.DataFrame, types_: dict[str, FieldType], problems: _Problems) -> None:
    for name, ftype in types_.items():
        if name not in frame.columns or ftype.kind == "list":
            continue
        column = pl.col(name)
        if ftype.required:
            problems.add(frame, column.is_null(), name, pl.lit(None), "required but empty")
        if ftype.enum is not None:
            allowed = [m.value for m in ftype.enum]
            problems.add(frame, column.is_not_null() & ~column.is_in(allowed), name, column,
                         f"not one of {', '.join(map(str, allowed))}")
        if ftype.pattern:
            problems.add(frame, column.is_not_null() & ~column.str.contains(ftype.pattern),
                         name, column, "not a valid identifier (letters, digits, . _ : / -; "
                         "at most 64 characters)")
        if ftype.max_length:
            problems.add(frame, column.str.len_chars() > ftype.max_length, name, column,
                         f"longer than {ftype.max_length} characters")
        if ftype.min_length:
            problems.add(frame, column.str.len_chars() < ftype.min_length, name, column,
                         "empty")
        for bound, test, words in (("ge", lambda c, v: c < v, "less than"),
                                   ("gt", lambda c, v: c <= v, "not more than"),
                                   ("le", lambda c, v: c > v, "more than"),
                                   ("lt", lambda c, v: c >= v, "not less than")):
            limit = getattr(ftype, bound)
            if limit is not None:
                problems.add(frame, test(column, limit), name, column, f"{words} {limit}")


def map_chunk(chunk: pl.DataFrame, profile: Profile, source: str, stats: MapStats) -> Mapped:
    """Excluded rows counted and removed; every field parsed; every rule checked."""
    stats.rows += chunk.height
    frame = _exclusions(_nulls(chunk, profile), profile, stats)
    problems = _Problems()
    types_ = field_types(profile.record)
    unknown = sorted(set(profile.fields) - set(types_))
    if unknown:
        raise ConfigurationError(
            f"profile {profile.name!r} maps field(s) {', '.join(unknown)} that a "
            f"{profile.record} record does not have",
            hint=f"a {profile.record} has: {', '.join(types_)}")
    exprs = [pl.col(LINE)]
    for name, ftype in types_.items():
        spec = profile.fields.get(name)
        if spec is None:
            continue
        value = _field_value(frame, ftype, spec, profile, source, stats, problems)
        exprs.append(value.alias(name))
    mapped = _derived(frame.select(exprs), profile)
    problems.flush()
    # Unmapped or empty fields take the standard's default, as an omitted field does.
    defaults = [pl.col(n).fill_null(pl.lit(ft.default)) if n in mapped.columns
                else pl.lit(ft.default).alias(n)
                for n, ft in types_.items() if ft.default is not None]
    if defaults:
        mapped = mapped.with_columns(defaults)
    _checks(mapped, types_, problems)
    for rule in CROSS_FIELD_RULES.get(profile.record, []):
        if all(c in mapped.columns for c in rule.columns):
            problems.add(mapped, rule.broken, rule.field, pl.col(rule.field), rule.reason)
    problems.flush()
    found = (pl.concat(problems.parts) if problems.parts else pl.DataFrame(schema=PROBLEM_SCHEMA))
    # A value that failed to parse is also empty: report the parse failure, not both.
    parse_failed = found.filter(pl.col("reason") != "required but empty").select("line", "field")
    found = found.join(parse_failed.with_columns(pl.lit(True).alias("_p")).unique(),
                       on=["line", "field"], how="left").filter(
        ~((pl.col("reason") == "required but empty") & pl.col("_p").fill_null(False))
    ).drop("_p")
    bad_lines = found["line"].unique()
    good = mapped.filter(~pl.col(LINE).is_in(bad_lines.implode()))
    return Mapped(good, attach_raw(found, chunk))


def attach_raw(problems: pl.DataFrame, chunk: pl.DataFrame) -> pl.DataFrame:
    """Each problem row carries its source record as JSON, so nothing good is lost."""
    if problems.height == 0:
        return problems
    lines = problems["line"].unique().implode()
    raw = chunk.filter(pl.col(LINE).is_in(lines)).select(
        pl.col(LINE).alias("line"),
        pl.struct([c for c in chunk.columns if c != LINE]).struct.json_encode().alias("raw"))
    return problems.drop("raw").join(raw, on="line", how="left").select(PROBLEM_SCHEMA.keys())
