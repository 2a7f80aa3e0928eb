"""The command line: help, exit codes and messages that say what to fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "COLUMNS": "120", **(env or {})}
    environment.pop("FORCEPLAN_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "forceplan.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )


def test_help_lists_every_command(tmp_path):
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("demo-data", "summary", "db", "standard", "version", "welfare", "forecast",
                    "staffing", "simulate", "scenario", "workforce"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["demo-data", "--officers", "5"], "--officers"),
        (["demo-data", "--end", "last tuesday"], "--end"),
        (["standard", "schema"], "--output"),
        (["no-such-command"], "No such command"),
    ],
)
def test_bad_arguments_exit_2_naming_the_option(tmp_path, args, words):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_user_mistakes_exit_1_with_a_hint_and_no_traceback(tmp_path):
    empty = run("summary", cwd=tmp_path)
    assert empty.returncode == 1
    assert "no forceplan schema" in empty.stderr and "forceplan db upgrade" in empty.stderr
    missing = run("summary", "--database", "sqlite:////no/such/folder/x.db", cwd=tmp_path)
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    badurl = run("db", "upgrade", "--database", "mysql://x@y/z", cwd=tmp_path)
    assert badurl.returncode == 1 and "unsupported database" in badurl.stderr
    for result in (empty, missing, badurl):
        assert "Traceback" not in result.stderr


def test_demo_data_then_summary_end_to_end(tmp_path):
    result = run("demo-data", "--officers", "40", "--seed", "5", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Loaded the demo force DEMO" in result.stdout
    assert "Incidents by month and grade" in result.stdout
    assert (tmp_path / "forceplan.db").exists()
    again = run("summary", cwd=tmp_path)
    assert again.returncode == 0 and "People by role and length of service" in again.stdout
    current = run("db", "current", cwd=tmp_path)
    assert "up to date" in current.stdout


def test_standard_schema_writes_one_file_per_record(tmp_path):
    result = run("standard", "schema", "--output", str(tmp_path / "schemas"), cwd=tmp_path)
    assert result.returncode == 0
    files = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert len(files) == 9 and "incident.schema.json" in files
    schema = json.loads((tmp_path / "schemas" / "person.schema.json").read_text())
    assert schema["x-standard-version"] == "0.1"


def test_standard_validate_lists_each_bad_line(tmp_path):
    good = {
        "id": "P1",
        "force_id": "F",
        "role": "response",
        "rank": "constable",
        "service_start": "2020-01-01",
    }
    lines = [
        json.dumps(good),
        json.dumps({**good, "rank": "captain"}),
        "{not json",
        json.dumps({**good, "id": "P2"}),
    ]
    path = tmp_path / "people.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = run("standard", "validate", "person", str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert "2 of 4 record(s) are invalid" in result.stderr
    assert "rank" in result.stderr and "captain" in result.stderr
    path.write_text(json.dumps(good) + "\n")
    ok = run("standard", "validate", "person", str(path), cwd=tmp_path)
    assert ok.returncode == 0 and "All 1 person record(s)" in ok.stdout


def test_import_infer_and_quality_from_the_command_line(tmp_path):
    import tomllib

    from tests.ingest.helpers import row, write_csv

    path = write_csv(tmp_path / "cad.csv", [row("A1"), row("A2", prio="P9")])
    draft = run("import", "--infer", str(path), cwd=tmp_path)
    assert draft.returncode == 0
    drafted = tomllib.loads(draft.stdout)
    assert drafted["fields"]["id"]["column"] == "ref"
    no_profile = run("import", "incidents", str(path), cwd=tmp_path)
    assert no_profile.returncode == 2 and "us_ecc_cad_2025" in no_profile.stderr
    profile = tmp_path / "p.toml"
    profile.write_text(
        'name = "t"\nrecord = "incident"\nforce_id = "TST"\n[fields]\n'
        'id = { column = "ref" }\nforce_id = { value = "TST" }\n'
        'received_at = { column = "when", format = "%Y-%m-%d %H:%M:%S" }\n'
        'grade = { column = "prio", map = { "P2" = 2 } }\n'
        'category = { value = "other" }\nchannel = { value = "other" }\n'
    )
    imported = run("import", "incidents", str(path), "--profile", str(profile), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "unknown code 'P9'" in imported.stdout
    html = run("quality", "--format", "html", "--output", "q.html", cwd=tmp_path)
    assert html.returncode == 0
    page = (tmp_path / "q.html").read_text()
    assert "<svg" in page and "http" not in page.replace("http://www.w3.org", "")
    bad = run("import", "incidents", str(path), "--profile", "nope", cwd=tmp_path)
    assert bad.returncode == 1 and "shipped profiles" in bad.stderr


def test_machine_readable_output_is_not_wrapped(tmp_path):
    import json as json_module

    from tests.ingest.helpers import row, write_csv

    path = write_csv(tmp_path / "cad.csv", [row(f"A{i}") for i in range(3)])
    profile = tmp_path / "p.toml"
    profile.write_text(
        'name = "a_rather_long_profile_name_to_make_lines_long"\nrecord = "incident"\n'
        'force_id = "TST"\n[fields]\nid = { column = "ref" }\nforce_id = { value = "TST" }\n'
        'received_at = { column = "when", format = "%Y-%m-%d %H:%M:%S" }\n'
        'grade = { value = 2 }\ncategory = { value = "other" }\nchannel = { value = "other" }\n'
    )
    assert (
        run("import", "incidents", str(path), "--profile", str(profile), cwd=tmp_path).returncode
        == 0
    )
    result = run("quality", "--format", "json", cwd=tmp_path, env={"COLUMNS": "40"})
    assert result.returncode == 0
    datasets = json_module.loads(result.stdout)
    assert datasets[0]["report"]["accepted"] == 3


def test_indicators_displaced_and_welfare_from_the_command_line(tmp_path):
    assert (
        run("demo-data", "--officers", "40", "--seed", "3", "--no-summary", cwd=tmp_path).returncode
        == 0
    )
    table = run("indicators", "--unit", "N", cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert "Attendance by grade" in table.stdout and "North BCU" in table.stdout
    out = run("indicators", "--format", "csv", "--output", "ind", "--charts", cwd=tmp_path)
    assert out.returncode == 0
    assert (tmp_path / "ind" / "demand_by_hour_of_week.csv").exists()
    assert (tmp_path / "ind" / "demand_vs_capacity.png").exists()
    bad = run("indicators", "--unit", "NOPE", cwd=tmp_path)
    assert bad.returncode == 1 and "units:" in bad.stderr
    pack = run("displaced", "--output", "pack", cwd=tmp_path)
    assert pack.returncode == 0 and (tmp_path / "pack" / "summary.md").exists()
    regions = tmp_path / "regions.toml"
    regions.write_text('[regions]\n"Demo" = ["DEMO"]\n')
    shared = run(
        "indicators", "--group", "Demo", "--regions", str(regions), "--format", "json", cwd=tmp_path
    )
    assert shared.returncode == 0
    assert '"shared": true' in shared.stdout
    mine = run("welfare", "summary", "--role", "officer", "--person", "P00001", "-o", "me.csv",
               cwd=tmp_path)
    assert mine.returncode == 0, mine.stderr
    rows = (tmp_path / "me.csv").read_text().splitlines()
    assert len(rows) == 2 and rows[1].startswith("DEMO,P00001,")
    everyone = run("welfare", "summary", "--limit", "2", cwd=tmp_path)
    assert everyone.returncode == 0 and "officer(s) with alerts" in everyone.stdout
    partner = run("welfare", "summary", "--role", "partner", cwd=tmp_path)
    assert partner.returncode == 3 and "does not see" in partner.stderr
    nobody = run("welfare", "summary", "--role", "officer", cwd=tmp_path)
    assert nobody.returncode == 3 and "person id" in nobody.stderr


def test_welfare_fatigue_for_a_roster_file(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "person_id,start,end\nP1,2025-06-02 22:00,2025-06-03 07:00\n"
        "P1,2025-06-03 22:00,2025-06-04 07:00\nP2,2025-06-02 08:00,2025-06-02 17:00\n"
    )
    result = run("welfare", "fatigue", "--roster", str(roster), "--output", "out.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    table = (tmp_path / "out.csv").read_text().splitlines()
    assert table[0].startswith("person_id,start,end,peak_kss") and len(table) == 4
    roster.write_text("person_id,start,end\nP1,2025-06-02 22:00,yesterday\n")
    bad = run("welfare", "fatigue", "--roster", str(roster), cwd=tmp_path)
    assert bad.returncode == 1 and "line 2" in bad.stderr and "end" in bad.stderr


def test_staffing_from_the_command_line(tmp_path):
    assert run("demo-data", "--officers", "40", "--seed", "4", "--no-summary",
               cwd=tmp_path).returncode == 0
    result = run("staffing", "--unit", "N", "--output", "staff", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "establishment needed" in result.stdout
    assert (tmp_path / "staff" / "requirement_by_hour_of_week.csv").exists()
    assert (tmp_path / "staff" / "need_vs_on_duty.png").exists()
    (tmp_path / "bad.toml").write_text("[[targets]]\nminutes = 15\n")
    bad = run("staffing", "--targets", "bad.toml", cwd=tmp_path)
    assert bad.returncode == 1 and "bad.toml" in bad.stderr
