"""`forceplan simulate` on an incidents file and a duty file."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import polars as pl

from tests.test_cli import run


def write_inputs(folder):
    rng = np.random.default_rng(5)
    start = dt.datetime(2025, 6, 2)
    minutes = np.sort(rng.uniform(0, 2 * 24 * 60, 150))
    received = [start + dt.timedelta(minutes=float(m)) for m in minutes]
    pl.DataFrame(
        {
            "id": [f"I{i}" for i in range(150)],
            "received_at": received,
            "grade": rng.choice([1, 2, 3], 150, p=[0.2, 0.5, 0.3]),
            "category": "violence",
        }
    ).write_csv(folder / "incidents.csv")
    tours = [
        (f"P{p}", start + dt.timedelta(hours=h), start + dt.timedelta(hours=h + 10))
        for p in range(6)
        for h in (7 if p < 3 else 17, 31 if p < 3 else 41)
    ]
    pl.DataFrame(tours, schema=["person_id", "start", "end"], orient="row").write_csv(
        folder / "duty.csv"
    )


def test_simulate_files_from_the_command_line(tmp_path):
    write_inputs(tmp_path)
    (tmp_path / "settings.toml").write_text(
        "crewing = 'policy'\nbreak_minutes = 30\n[travel]\nkind = 'constant'\n"
        "constant_minutes = 6\n[time_on_task]\nsource = 'lognormal'\nmedian_minutes = 40\n"
    )
    args = (
        "simulate",
        "--incidents",
        "incidents.csv",
        "--duty",
        "duty.csv",
        "--config",
        "settings.toml",
        "--replications",
        "3",
        "--seed",
        "7",
        "-o",
        "out/result.json",
    )
    first = run(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    summary = json.loads((tmp_path / "out" / "result.json").read_text())
    assert summary["replications"] == 3 and summary["seed"] == 7
    assert summary["config"]["travel"]["constant_minutes"] == 6
    assert (tmp_path / "out" / "result.by_grade.csv").exists()
    again = run(*args, cwd=tmp_path)
    assert again.returncode == 0
    assert json.loads((tmp_path / "out" / "result.json").read_text()) == summary  # same seed
    (tmp_path / "bad.toml").write_text("crew = 'policy'\n")
    bad = run(
        "simulate",
        "--incidents",
        "incidents.csv",
        "--duty",
        "duty.csv",
        "--config",
        "bad.toml",
        "-o",
        "x.json",
        cwd=tmp_path,
    )
    assert bad.returncode == 1 and "crew" in bad.stderr
    (tmp_path / "duty2.csv").write_text("person_id,start\nP1,2025-06-02 07:00\n")
    missing = run(
        "simulate",
        "--incidents",
        "incidents.csv",
        "--duty",
        "duty2.csv",
        "-o",
        "x.json",
        cwd=tmp_path,
    )
    assert missing.returncode == 1 and "end" in missing.stderr


def test_files_and_store_cannot_be_mixed(tmp_path):
    write_inputs(tmp_path)
    mixed = run(
        "simulate",
        "--incidents",
        "incidents.csv",
        "--duty",
        "duty.csv",
        "--unit",
        "C",
        "-o",
        "x.json",
        cwd=tmp_path,
    )
    assert mixed.returncode != 0 and "not both" in mixed.stderr
    half = run("simulate", "--incidents", "incidents.csv", "-o", "x.json", cwd=tmp_path)
    assert half.returncode != 0 and "--duty" in half.stderr
    nothing = run("simulate", "-o", "x.json", cwd=tmp_path)
    assert nothing.returncode != 0 and "--unit" in nothing.stderr


def test_simulate_a_unit_from_the_store(tmp_path):
    made = run("demo-data", "--officers", "60", "--seed", "11", "--no-summary", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    result = run(
        "simulate",
        "--unit",
        "C",
        "--from",
        "2025-06-02",
        "--to",
        "2025-06-08",
        "--replications",
        "2",
        "-o",
        "store.json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Central BCU" in result.stdout
    summary = json.loads((tmp_path / "store.json").read_text())
    assert summary["replications"] == 2
    unknown = run(
        "simulate",
        "--unit",
        "NOWHERE",
        "--from",
        "2025-06-02",
        "--to",
        "2025-06-08",
        "-o",
        "x.json",
        cwd=tmp_path,
    )
    assert unknown.returncode == 1 and "NOWHERE" in unknown.stderr
