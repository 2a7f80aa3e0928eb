"""The data-quality report as one self-contained HTML page (inline CSS and SVG; works offline)."""

from __future__ import annotations

from html import escape

from forceplan.charts.svg import bar_chart, line_chart

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem;color:#222;
max-width:60rem}h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid
#ddd}table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.2rem .6rem;border-bottom:1px
solid #eee;text-align:left}td.n{text-align:right}.score{font-size:2rem;font-weight:700}.muted{
color:#777}.chart{width:100%;height:auto;max-width:760px}li{margin:.15rem 0}
@media (max-width:600px){body{margin:.5rem}}
"""


def _table(headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="n">{v:,}</td>' if isinstance(v, int) else f"<td>{escape(str(v))}</td>"
            for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def dataset_section(title: str, report: dict) -> str:
    timeliness = report.get("timeliness", {})
    gaps = [(g["from"], g["to"]) for g in timeliness.get("gaps", [])]
    marks = [(s["week_starting"], f"level shift {s['change']:+.0%}")
             for s in timeliness.get("level_shifts", [])]
    fields = report.get("fields", {})
    excluded = report.get("excluded", {})
    parts = [
        f"<h2>{escape(title)}</h2>",
        f'<p><span class="score">{report.get("score", 0)}</span> / 100 overall</p>',
        "<ul>" + "".join(f"<li>{escape(r)}</li>" for r in report.get("reasons", [])) + "</ul>",
        _table(["rows read", "excluded", "accepted", "quarantined", "duplicates"], [[
            report.get("rows_read", 0), sum(excluded.values()), report.get("accepted", 0),
            report.get("quarantined", 0), report.get("duplicates", 0)]]),
    ]
    if excluded:
        parts.append("<h3>Excluded by the profile's rules</h3>" + _table(
            ["reason", "rows"], [[k, v] for k, v in excluded.items()]))
    if report.get("record") == "incident":
        parts.append("<h3>Daily volume</h3>" + line_chart(
            [(d, c) for d, c in timeliness.get("daily", [])], title="records per day",
            gaps=gaps, marks=marks))
    parts.append("<h3>Completeness by field</h3>" + bar_chart(
        [(name, f["completeness"]) for name, f in fields.items()], title="completeness"))
    parts.append("<h3>Validity by field</h3>" + _table(
        ["field", "complete", "valid", "invalid rows"],
        [[n, f"{f['completeness']:.1%}", f"{f['validity']:.1%}", f["invalid"]]
         for n, f in fields.items()]))
    if report.get("problems"):
        parts.append("<h3>Problems found</h3>" + _table(
            ["field", "reason", "rows"],
            [[p["field"], p["reason"], p["rows"]] for p in report["problems"][:50]]))
    outliers = report.get("outliers", {})
    clocks = report.get("clock_changes", {})
    if report.get("record") == "incident":
        parts.append("<h3>Outliers and clock changes</h3>" + _table(
            ["measure", "rows"],
            [[k.replace("_", " "), v] for k, v in outliers.items()]
            + [[f"local times that happen twice (resolved: {clocks.get('ambiguous_rule')})",
                clocks.get("ambiguous", 0)],
               [f"local times that do not exist (resolved: {clocks.get('nonexistent_rule')})",
                clocks.get("nonexistent", 0)]]))
    if report.get("caveats"):
        parts.append("<h3>Caveats from the profile</h3><ul>" + "".join(
            f"<li>{escape(c)}</li>" for c in report["caveats"]) + "</ul>")
    return "".join(parts)


def render_quality_html(datasets: list[tuple[str, dict]]) -> str:
    sections = "".join(dataset_section(title, report) for title, report in datasets)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width,initial-scale=1"><title>Data quality report</title>'
            f"<style>{STYLE}</style></head><body><h1>Data quality report</h1>{sections}"
            "</body></html>")
