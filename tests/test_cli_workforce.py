"""`forceplan workforce ...` from the command line: the FMS output folder, the rates, and
scenario mistakes that say which key is wrong."""

from __future__ import annotations

import json

from tests.test_cli import run


def test_project_writes_the_fms_folder_and_rates_show_their_evidence(tmp_path):
    assert run("demo-data", "--officers", "40", "--seed", "4", "--no-summary",
               cwd=tmp_path).returncode == 0
    scenario = tmp_path / "freeze.toml"
    scenario.write_text('name = "Freeze"\n[recruitment]\nfreeze_years = [1]\n')
    result = run("workforce", "project", "--years", "2", "--runs", "200", "--seed", "9",
                 "--scenario", str(scenario), "--output", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for words in ("Headcount by role", "40 officers in post", "Experience mix", "Freeze",
                  "80% interval"):
        assert words in result.stdout, words
    out = tmp_path / "out"
    for name in ("summary.md", "report.json", "four_year_projection.csv", "rates.csv",
                 "scenario_comparison.csv", "charts/headcount_fan.png"):
        assert (out / name).exists(), name
    settings = json.loads((out / "report.json").read_text())["settings"]
    assert (settings["years"], settings["runs"], settings["seed"]) == (2, 200, 9)
    rates = run("workforce", "rates", "--parameter", "leaving", cwd=tmp_path)
    assert rates.returncode == 0, rates.stderr
    assert "national default" in rates.stdout and "person" in rates.stdout


def test_a_bad_scenario_file_exits_1_naming_the_key(tmp_path):
    assert run("demo-data", "--officers", "20", "--no-summary", cwd=tmp_path).returncode == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("[recruitment]\nintake_multiplyer = 2\n")
    result = run("workforce", "project", "--runs", "10", "--scenario", str(bad), cwd=tmp_path)
    message = " ".join(result.stderr.split())  # Rich wraps long lines
    assert result.returncode == 1
    assert "[recruitment] intake_multiplyer: unknown key" in message
    assert "Traceback" not in message
    years = run("workforce", "project", "--years", "11", cwd=tmp_path)
    assert years.returncode == 2 and "--years" in years.stderr
