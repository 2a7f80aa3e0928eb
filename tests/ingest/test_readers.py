"""Readers against malformed input: nothing crashes, nothing is lost, every bad record is
named by its line."""

from __future__ import annotations

import csv
import io
import string

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forceplan.errors import DataValidationError
from forceplan.ingest.readers import (
    LINE,
    ReadStats,
    empty_problems,
    read_chunks,
    sniff_delimiter,
)

cells = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00\r"), max_size=12)
names = st.lists(
    st.text(alphabet=string.ascii_letters, min_size=1, max_size=8),
    min_size=1,
    max_size=6,
    unique=True,
)


def read_all(path, **kwargs):
    stats = ReadStats()
    chunks = list(read_chunks(path, stats=stats, chunk_rows=7, **kwargs))
    frame = pl.concat([c.frame for c in chunks], how="diagonal") if chunks else pl.DataFrame()
    problems = pl.concat([c.problems for c in chunks]) if chunks else empty_problems()
    return frame, problems, stats


@given(
    header=names,
    data=st.data(),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    fast=st.booleans(),
)
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_well_formed_csv_round_trips(tmp_path_factory, header, data, delimiter, fast):
    rows = data.draw(
        st.lists(st.lists(cells, min_size=len(header), max_size=len(header)), max_size=25)
    )
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    frame, problems, stats = read_all(path, delimiter=delimiter, fast=fast)
    assert problems.height == 0
    assert stats.records == len(rows)
    got = (
        [[("" if v is None else v) for v in r] for r in frame.select(header).rows()] if rows else []
    )
    assert got == rows


@given(
    lines=st.lists(
        st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
        max_size=20,
    ),
    fast=st.booleans(),
)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_garbage_never_crashes_and_every_record_is_accounted_for(tmp_path_factory, lines, fast):
    path = tmp_path_factory.mktemp("junk") / "junk.csv"
    path.write_text("a,b,c\n" + "\n".join(lines) + "\n", encoding="utf-8")
    try:
        frame, problems, stats = read_all(path, delimiter=",", fast=fast)
    except DataValidationError:
        return  # refused as a whole with a message: acceptable
    assert frame.height + problems["line"].n_unique() == stats.records


def test_truncated_lines_are_quarantined_and_the_rest_kept(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n6,7,8\n9\n10,11,12\n", encoding="utf-8")
    frame, problems, stats = read_all(path)
    assert frame[LINE].to_list() == [2, 4, 6]
    assert problems["line"].to_list() == [3, 5]
    assert all("fields where the header has 3" in r for r in problems["reason"])
    assert "record by record" in stats.method


def test_mixed_encodings_quarantine_only_the_bad_line(tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes("name,town\nZoë,Leeds\n".encode() + b"Ren\xe9e,Bradford\n" + b"Al,York\n")
    frame, problems, _ = read_all(path)
    assert frame["name"].to_list() == ["Zoë", "Al"]
    assert problems["line"].to_list() == [3] and "not valid utf-8" in problems["reason"][0]
    assert problems["field"][0] == "name"


def test_whole_file_in_another_encoding_reads_with_the_profiles_encoding(tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes("name;town\nRenée;Bradford\n".encode("cp1252"))
    frame, problems, _ = read_all(path, encoding="cp1252")
    assert frame["name"].to_list() == ["Renée"] and problems.height == 0


def test_embedded_newlines_are_read_with_physical_line_numbers(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text('a,b\n1,"two\nlines"\n3,4\n5\n', encoding="utf-8")
    frame, problems, stats = read_all(path)
    assert frame["b"].to_list() == ["two\nlines", "4"]
    assert frame[LINE].to_list() == [2, 4]  # the second record starts on physical line 4
    assert problems["line"].to_list() == [5]
    assert "record by record" in stats.method


def test_bom_is_stripped_from_the_first_column_name(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffref,when\nA,1\n".encode())
    frame, _, _ = read_all(path)
    assert "ref" in frame.columns


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2;3\n", ";"),
        ("a\tb\n1\t2\n", "\t"),
        ("a|b\n1|2\n", "|"),
        ("single\n1\n", ","),
    ],
)
def test_delimiter_is_sniffed(sample, expected):
    assert sniff_delimiter(sample) == expected


def test_unsupported_file_type_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "x.docx"
    path.write_text("nope")
    with pytest.raises(DataValidationError) as caught:
        read_all(path)
    assert "CSV, Parquet" in caught.value.hint


def test_bad_json_lines_are_quarantined(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": "1"}\n{broken\n[1, 2]\n{"a": "4"}\n', encoding="utf-8")
    frame, problems, _ = read_all(path)
    assert frame["a"].to_list() == ["1", "4"]
    assert problems["line"].to_list() == [2, 3]


__all__ = ["io"]
