"""The planning pages: the staffing requirement against the officers on duty, workforce
projections, and scenario files run over the store. Thin routes over ``services/overview.py``
and ``services/planning_view.py``; charts drawn on the server (``web/planning_charts.py``);
no JavaScript: plain forms, and a job page to reload while a run works."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from forceplan.api.deps import CurrentSession, DatabaseDep, JobsDep
from forceplan.errors import ConfigurationError, DataValidationError
from forceplan.services import planning_view as pv
from forceplan.services.access import require
from forceplan.services.cache import BoundedMemo
from forceplan.services.overview import staffing_view
from forceplan.services.workforce import cell
from forceplan.web import charts
from forceplan.web import planning_charts as pc
from forceplan.web.pages import SEES_ALL_JOBS
from forceplan.web.render import page

router = APIRouter(include_in_schema=False)
SHORT_HOURS = 10  # rows of the "furthest short" table
MEASURES = {"headcount": "headcount", "fte": "FTE", "students_per_tutor": "students per tutor",
            "share_under_2_years": "share under 2 years' service",
            "share_under_5_years": "share under 5 years' service",
            "pay_cost_gbp": "pay cost"}  # fmt: skip


#: charts of finished jobs (their results never change), drawn once per job and chart
DRAWN = BoundedMemo(64)


def _day(name: str, text: str | None) -> dt.date | None:
    """A date from a GET form (empty: none), refused by name when it is not one."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DataValidationError(
            f"{name} {text!r} is not a date",
            [{"field": name, "value": text, "reason": "not YYYY-MM-DD"}],
            hint="give a date as YYYY-MM-DD, or leave it empty",
        ) from None


def _hour(hour_of_week: int) -> str:
    return f"{charts.DAYS[hour_of_week // 24]} {hour_of_week % 24:02d}:00"


def _everyone(session) -> bool:
    return session.account.role in SEES_ALL_JOBS


# --- staffing --------------------------------------------------------------------------------


@router.get("/staffing", response_class=HTMLResponse)
def staffing(
    request: Request,
    session: CurrentSession,
    database: DatabaseDep,
    unit: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    first, last = _day("start", start), _day("end", end)
    view = staffing_view(database, session.account, unit or None, first, last)
    report = view.report
    drawn = view.derived.get  # drawn once per cached answer (services/cache.py)
    short = drawn(
        "short_rows",
        lambda: [
            {**row, "when": _hour(row["hour_of_week"])}
            for row in report.furthest_short(SHORT_HOURS).to_dicts()
        ],
    )
    return page(
        request,
        "staffing.html",
        session,
        report=report,
        summary=report.summary,
        unit=unit or "",
        start=start or "",
        end=end or "",
        need=drawn(
            "need_vs_on_duty",
            lambda: pc.need_vs_on_duty(
                report.by_hour, f"{report.scope}: officers needed and on duty, by hour"
            ),
        ),
        gap=drawn(
            "gap_heatmap",
            lambda: pc.gap_heatmap(
                report.by_hour, "On duty less needed, by hour of the week (red: short)"
            ),
        ),
        short=short,
    )


# --- workforce projections -------------------------------------------------------------------


def _grid(rows: list[dict[str, Any]], key: str) -> tuple[list[int], list[tuple[str, list[str]]]]:
    """A long table as text: one line per ``key`` value, one cell per year."""
    years = sorted({int(r["year"]) for r in rows})
    lines: dict[str, dict[int, str]] = {}
    for row in rows:
        lines.setdefault(str(row[key]), {})[int(row["year"])] = cell(row["measure"], row)
    return years, [(name, [cells.get(y, "") for y in years]) for name, cells in lines.items()]


@router.get("/workforce", response_class=HTMLResponse)
def workforce(request: Request, session: CurrentSession, database: DatabaseDep) -> Response:
    account = session.account
    job = pv.latest_projection(database, account)
    context: dict[str, Any] = {"job": job, "shown": None}
    if job and job.get("result"):
        result = job["result"]
        tables = result.get("tables", {})
        roles = tables.get("four_year_projection", [])
        baseline = [r for r in tables.get("scenario_comparison", [])
                    if r.get("scenario") == "baseline"]  # fmt: skip
        heads = [r for r in roles if r.get("measure") == "headcount"]
        fte = [r for r in baseline if r.get("measure") == "fte" and r.get("role") == "officers"]
        years, by_role = _grid(heads, "role")
        measures = [
            {**r, "label": f"{str(r['role']).replace('_', ' ')}: "
                           f"{MEASURES.get(r['measure'], r['measure'].replace('_', ' '))}"}
            for r in baseline
        ]  # fmt: skip
        measure_years, by_measure = _grid(measures, "label")
        job_id = job["id"]
        context["shown"] = {
            "settings": result.get("settings", {}),
            "notes": result.get("notes", []),
            "years": years,
            "by_role": by_role,
            "by_measure": by_measure,
            "measure_years": measure_years,
            "roles_chart": DRAWN.get((job_id, "roles"), lambda: pc.headcount_by_role(
                heads, "Headcount by role, year by year")) if heads else "",
            "officers_chart": DRAWN.get((job_id, "officers"), lambda: pc.fan(
                fte, "Officers (FTE): mean, 80% and 95% intervals", "full-time equivalent"))
            if fte else "",
            "yours": job["force_id"] == account.force_id
            and (_everyone(session) or job["user_id"] == account.id),
        }  # fmt: skip
    return page(request, "workforce.html", session, **context)


# --- scenarios -------------------------------------------------------------------------------


def _scenarios_page(
    request: Request,
    session,
    database,
    status: int = 200,
    text: str | None = None,
    replications: str | int = pv.DEFAULT_REPLICATIONS,
    problem: Exception | None = None,
) -> Response:
    account = session.account
    return page(
        request,
        "scenarios.html",
        session,
        status,
        runs=pv.scenario_jobs(database, account, _everyone(session)),
        text=text if text is not None else pv.example_scenario(database, account),
        replications=replications,
        max_replications=pv.MAX_REPLICATIONS,
        max_days=pv.MAX_SCENARIO_DAYS,
        problem=problem,
    )


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios(request: Request, session: CurrentSession, database: DatabaseDep) -> Response:
    require(session.account, "scenarios")
    return _scenarios_page(request, session, database)


def _replications(text: str) -> int:
    try:
        value = int(text.strip() or pv.DEFAULT_REPLICATIONS)
    except ValueError:
        raise ConfigurationError(
            f"replications: {text!r} is not a whole number",
            f"Give 1 to {pv.MAX_REPLICATIONS} (a page run takes a few).",
        ) from None
    return value


@router.post("/scenarios", response_class=HTMLResponse)
def scenarios_run(
    request: Request,
    session: CurrentSession,
    database: DatabaseDep,
    runner: JobsDep,
    file: Annotated[UploadFile | None, File()] = None,
    text: Annotated[str, Form(max_length=10 * pv.MAX_SCENARIO_BYTES)] = "",
    replications: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    account = session.account
    require(account, "scenarios")
    source = "scenario file"
    if file is not None and file.filename:
        content = file.file.read(pv.MAX_SCENARIO_BYTES + 1)
        source = file.filename[:100]
        if len(content) > pv.MAX_SCENARIO_BYTES:  # refused below, for its size
            text = content.decode("utf-8", "replace")
        else:
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                problem = ConfigurationError(f"{source}: not UTF-8 text", "Save it as UTF-8.")
                return _scenarios_page(request, session, database, 422, "", replications, problem)
    try:
        spec = pv.read_scenario_text(database, account, text, source)
        count = _replications(replications)
        work = pv.scenario_work(database, account, spec, count)
    except (ConfigurationError, DataValidationError) as problem:
        shown = text if len(text) <= pv.MAX_SCENARIO_BYTES else ""
        return _scenarios_page(request, session, database, 422, shown, replications, problem)
    job_id = runner.submit(account.actor, pv.SCENARIO_JOB, pv.scenario_params(spec, count), work)
    return RedirectResponse(f"/scenarios/{job_id}", 303)


def _share(value: Any) -> str:
    return "–" if value is None else f"{value:.0%}"


def _signed(value: Any, digits: int = 1, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value * 100:+.{digits}f} pts" if percent else f"{value:+,.{digits}f}"


def _interval(low: Any, high: Any, percent: bool = False) -> str:
    if low is None or high is None:
        return "–"
    if percent:
        return f"{low * 100:.0f}–{high * 100:.0f}%"
    return f"{low:,.1f} to {high:,.1f}"


def _comparison_rows(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Grades 1-3 of the comparison table as text (grade 4 is not attended)."""
    shown = []
    for r in rows:
        if r.get("grade") not in (1, 2, 3):
            continue
        shown.append({
            "scenario": r["scenario"],
            "grade": str(r["grade"]),
            "incidents": "–" if r.get("incidents") is None else f"{r['incidents']:,.0f}",
            "mean": "–" if r.get("mean_response_minutes") is None
            else f"{r['mean_response_minutes']:,.1f}",
            "p90": "–" if r.get("p90_response_minutes") is None
            else f"{r['p90_response_minutes']:,.1f}",
            "share": _share(r.get("share_within_target")),
            "share_ci": _interval(r.get("share_within_target_ci95_low"),
                                  r.get("share_within_target_ci95_high"), percent=True),
            "change": _signed(r.get("share_within_target_vs_baseline"), percent=True),
            "change_ci": _interval(r.get("share_within_target_vs_baseline_ci95_low"),
                                   r.get("share_within_target_vs_baseline_ci95_high"),
                                   percent=True),
            "mean_change": _signed(r.get("mean_response_minutes_vs_baseline")),
        })  # fmt: skip
    return shown


def _scenario_rows(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{
        "scenario": r["scenario"],
        "incidents": f"{r['incidents']:,}",
        "diverted": f"{r['diverted']:,}",
        "officers": f"{r['officers']:,}",
        "tours": f"{r['tours']:,}",
        "utilisation": _share(r.get("utilisation")),
        "utilisation_change": _signed(r.get("utilisation_vs_baseline"), percent=True),
        "abandoned": "–" if r.get("abandoned") is None else f"{r['abandoned']:,.1f}",
        "queued": "–" if r.get("queued_at_end") is None else f"{r['queued_at_end']:,.1f}",
        "overtime": "–" if r.get("overtime_hours") is None else f"{r['overtime_hours']:,.1f}",
    } for r in rows]  # fmt: skip


@router.get("/scenarios/{job_id}", response_class=HTMLResponse)
def scenario_run(
    request: Request, job_id: str, session: CurrentSession, database: DatabaseDep
) -> Response:
    job = pv.scenario_job(database, session.account, job_id, _everyone(session))
    context: dict[str, Any] = {"job": job, "result": None}
    result = job.get("result") if job["status"] == "succeeded" else None
    if result:
        tables = result.get("tables", {})
        comparison, profiles = tables.get("comparison", []), tables.get("cover_by_hour", [])
        context["result"] = {
            "params": result,
            "comparison": _comparison_rows(comparison),
            "scenarios": _scenario_rows(tables.get("scenarios", [])),
            "changes": result.get("changes", []),
            "share_chart": DRAWN.get((job_id, "share"), lambda: pc.share_within_target(
                comparison, "Share attended within target, by scenario and grade (95% CI)")),
            "cover_chart": DRAWN.get((job_id, "cover"), lambda: pc.cover_by_hour(
                profiles, "Officers on duty and incidents received, by hour of day"))
            if profiles else "",
        }  # fmt: skip
    return page(request, "scenario_run.html", session, **context)
