"""`forceplan forecast run|accuracy` on the demo store."""

from __future__ import annotations

import re

from tests.test_cli import run


def test_forecast_run_then_accuracy_on_the_demo_store(tmp_path):
    demo = run("demo-data", "--officers", "40", "--seed", "3", "--no-summary", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    made = run("forecast", "run", "--by", "grade", "--history-end", "2026-03-17",
               "--horizon", "2w", "--output", "f.csv", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    run_id = re.search(r"Stored forecast run ([0-9a-f]{32})", made.stdout).group(1)
    assert "DEMO/grade-1" in made.stdout and "Total forecast" in made.stdout
    lines = (tmp_path / "f.csv").read_text().splitlines()
    assert lines[0] == "unique_id,ds,yhat,lo-80,hi-80,lo-95,hi-95"
    assert len(lines) == 1 + 4 * 14 * 24

    scored = run("forecast", "accuracy", cwd=tmp_path)
    assert scored.returncode == 0, scored.stderr
    text = " ".join(scored.stdout.split())
    assert f"{run_id} incidents by grade" in text
    assert "1,344 points with actuals, 0 waiting" in text
    one = run("forecast", "accuracy", "--run", run_id, cwd=tmp_path)
    assert one.returncode == 0, one.stderr
    assert all(f"DEMO/grade-{g}" in one.stdout for g in (1, 2, 3, 4))

    unknown = run("forecast", "run", "--unit", "NOPE", cwd=tmp_path)
    assert unknown.returncode == 1 and "no unit 'NOPE'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
