"""Use cases behind the planning pages (docs/web.md, Planning pages) that the older services do
not answer in one call: the latest finished workforce projection of a force, and scenario
files sent from a browser, checked and run as background jobs over the store.

A scenario file sent to the server may only take its baseline from the store
(``baseline.store``) with its simulation settings inline: a file name in it would name a file
on the server, which no browser user may read. Replications are set by the form (a few, so a
run started from a page finishes in tens of seconds) and the period is at most
``MAX_SCENARIO_DAYS``; longer sweeps belong to ``forceplan scenario run``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from typing import Any

from sqlalchemy import func, select

from forceplan.errors import ConfigurationError, NotFoundError
from forceplan.scenario import BaselineInputs, ScenarioSpec, parse_spec
from forceplan.scenario.compare import Comparison
from forceplan.scenario.run import scenario_tasks, simulate_scenario
from forceplan.services.access import require
from forceplan.services.accounts import Account
from forceplan.services.indicators import resolve_scope
from forceplan.services.jobs import JobContext, Work, get_job
from forceplan.services.simulate import config_from_mapping, store_inputs
from forceplan.store import Database
from forceplan.store import tables as t

PROJECTION_JOB = "workforce_projection"  # the kind the API and the pages submit
SCENARIO_JOB = "scenario_run"
MAX_SCENARIO_BYTES = 100_000
MAX_SCENARIO_DAYS = 92
MAX_SCENARIOS = 8
MAX_REPLICATIONS = 20
DEFAULT_REPLICATIONS = 2
HINT = "See docs/scenarios.md; from a page the baseline is store: {unit, from, to}."


def finite(value: Any) -> Any:
    """JSON-ready (dates as text) with NaN and infinity as null, recursively: the store's JSON
    columns (PostgreSQL) refuse NaN."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    return json.loads(json.dumps(value, default=str))


# --- workforce projections -------------------------------------------------------------------


def latest_projection(database: Database, account: Account) -> dict[str, Any] | None:
    """The newest finished (succeeded) workforce projection job of the account's force, as
    the jobs table holds it (``result``: settings, notes, tables), or None. Projections are
    force aggregates: anyone who may run one sees the latest, whoever started it."""
    require(account, "workforce")
    j = t.jobs
    query = (
        select(j)
        .where(
            j.c.force_id == account.force_id,
            j.c.kind == PROJECTION_JOB,
            j.c.status == "succeeded",
        )
        .order_by(j.c.finished_at.desc(), j.c.created_at.desc())
        .limit(1)
    )
    with database.read() as c:
        row = c.execute(query).mappings().first()
    return dict(row) if row else None


# --- scenarios -------------------------------------------------------------------------------


def _refuse(where: str, why: str, hint: str = HINT) -> ConfigurationError:
    return ConfigurationError(f"{where}: {why}", hint)


def _load_text(text: str, source: str) -> object:
    """The mapping of a scenario file's text: JSON, else YAML (when PyYAML is installed)."""
    if not text.strip():
        raise _refuse(source, "the scenario file is empty", "Upload a file or paste its text.")
    try:
        return json.loads(text)
    except ValueError as json_error:
        if text.lstrip().startswith(("{", "[")):
            raise _refuse(source, f"not valid JSON: {json_error}") from None
        try:
            import yaml
        except ImportError:
            raise _refuse(source, f"not valid JSON: {json_error}") from None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise _refuse(source, f"not valid JSON or YAML: {exc}") from None


def read_scenario_text(
    database: Database, account: Account, text: str, source: str = "scenario file"
) -> ScenarioSpec:
    """A scenario file sent from a page, checked before any work: the format (every key and
    value, by ``parse_spec``), a baseline from the store of the account's own force, inline
    settings, no file names, a period of at most ``MAX_SCENARIO_DAYS`` and a unit the force
    holds. Every refusal (ConfigurationError, 422) names the key and says what to do."""
    require(account, "scenarios")
    if len(text.encode()) > MAX_SCENARIO_BYTES:
        raise _refuse(
            source,
            f"the file is over {MAX_SCENARIO_BYTES // 1000} kB",
            "A scenario file is a few lines; the data come from the store.",
        )
    spec = parse_spec(_load_text(text, source), source)
    if spec.store is None:
        raise _refuse(
            f"{source}: baseline.store",
            "missing: a file started from a page takes its baseline from the store, not "
            "from incidents and duty files",
            'Replace baseline.incidents and baseline.duty with "store": {"unit": "…", '
            '"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}.',
        )
    if spec.simulation_file is not None:
        raise _refuse(
            f"{source}: baseline.simulation",
            "a settings file name cannot be read from a page",
            'Give the settings inline, e.g. "simulation": {"seed": 1}.',
        )
    for number, scenario in enumerate(spec.scenarios):
        if scenario.shift_pattern is not None:
            raise _refuse(
                f"{source}: scenarios[{number}].shift_pattern",
                "a duty file cannot be read from a page",
                "Run shift-pattern scenarios with forceplan scenario run.",
            )
    if len(spec.scenarios) > MAX_SCENARIOS:
        raise _refuse(
            f"{source}: scenarios",
            f"{len(spec.scenarios)} scenarios; a page runs at most {MAX_SCENARIOS}",
            "Split the file, or run it with forceplan scenario run.",
        )
    store = spec.store
    if store.force not in (None, account.force_id):
        raise _refuse(
            f"{source}: baseline.store.force",
            f"{store.force!r} is not your force",
            f"Leave force out (your force, {account.force_id}, is used).",
        )
    days = (store.last_day - store.first_day).days + 1
    if days > MAX_SCENARIO_DAYS:
        raise _refuse(
            f"{source}: baseline.store.to",
            f"the period is {days} days; a page runs at most {MAX_SCENARIO_DAYS}",
            "Choose a shorter period (four weeks is typical).",
        )
    try:
        resolve_scope(database, account.force_id, store.unit, None)
    except NotFoundError as exc:
        raise _refuse(f"{source}: baseline.store.unit", exc.message, exc.hint or HINT) from None
    store = dataclasses.replace(store, force=account.force_id)
    return dataclasses.replace(spec, store=store)


def scenario_params(spec: ScenarioSpec, replications: int) -> dict[str, Any]:
    """What a scenario job was asked to do (kept with the job)."""
    store = spec.store
    return finite(
        {
            "name": spec.name,
            "seed": spec.seed,
            "replications": replications,
            "unit": store.unit if store else None,
            "from": store.first_day if store else None,
            "to": store.last_day if store else None,
            "scenarios": [s.name for s in spec.scenarios],
        }
    )


def scenario_work(
    database: Database, account: Account, spec: ScenarioSpec, replications: int
) -> Work:
    """The work of a scenario job: the baseline and each scenario simulated in turn in the
    job's thread (progress after each; cancelling stops between them), compared with the
    baseline replication by replication. Checked now (role, settings)."""
    require(account, "scenarios")
    if not 1 <= replications <= MAX_REPLICATIONS:
        raise _refuse(
            "replications",
            f"{replications} is outside 1-{MAX_REPLICATIONS}",
            "A page run takes a few replications; more from forceplan scenario run.",
        )
    if spec.store is None:  # read_scenario_text refuses these first
        raise _refuse(spec.source, "the baseline must come from the store")
    config = config_from_mapping(
        spec.simulation, spec.source, "baseline.simulation", replications=replications
    )
    store = spec.store

    def work(context: JobContext) -> dict[str, Any]:
        context.progress("reading the baseline from the store", 0.0)
        found = store_inputs(database, store.unit, store.first_day, store.last_day, store.force)
        if found.incidents.height == 0:
            raise ConfigurationError(
                f"{spec.source}: baseline.store: no incidents in {store.unit or 'the force'} "
                f"from {store.first_day} to {store.last_day}",
                "Choose a period and unit the store holds data for.",
            )
        inputs = BaselineInputs(found.incidents, found.duty, config, {})
        tasks = scenario_tasks(spec, inputs)
        outcomes = []
        for number, task in enumerate(tasks):
            context.progress(
                f"simulating {task.changes.name} ({number + 1} of {len(tasks)})",
                0.05 + 0.9 * number / len(tasks),
            )
            outcomes.append(simulate_scenario(task))
        context.progress("comparing with the baseline", 0.95)
        comparison = Comparison(outcomes)
        return finite(
            {
                **scenario_params(spec, replications),
                "changes": [o.changes for o in outcomes],
                "settings": comparison.baseline.config,  # as simulated
                "tables": {
                    "comparison": comparison.table().to_dicts(),
                    "scenarios": comparison.by_scenario().to_dicts(),
                    "cover_by_hour": comparison.profiles().to_dicts(),
                },
            }
        )

    return work


def scenario_job(
    database: Database, account: Account, job_id: str, everyone: bool = False
) -> dict[str, Any]:
    """One scenario job the account may see (their own; planners and admins: the force's)."""
    require(account, "scenarios")
    job = get_job(database, account.actor, job_id, everyone)
    if job["kind"] != SCENARIO_JOB:
        raise NotFoundError(f"job {job_id!r} is not a scenario run", hint="open it under Jobs")
    return job


def scenario_jobs(
    database: Database, account: Account, everyone: bool = False, limit: int = 20
) -> list[dict[str, Any]]:
    """Recent scenario jobs the account may see, newest first (without their results)."""
    require(account, "scenarios")
    j = t.jobs
    query = select(j.c.id, j.c.status, j.c.stage, j.c.progress, j.c.params, j.c.created_at).where(
        j.c.force_id == account.force_id, j.c.kind == SCENARIO_JOB
    )
    if not everyone:
        query = query.where(j.c.user_id == account.actor.user_id)
    with database.read() as c:
        rows = c.execute(query.order_by(j.c.created_at.desc()).limit(limit)).mappings()
        return [dict(r) for r in rows]


def example_scenario(database: Database, account: Account) -> str:
    """A scenario file to start from: the force's last four weeks of recorded incidents as
    the baseline, with two scenarios."""
    require(account, "scenarios")
    i = t.incidents
    with database.read() as c:
        last = c.execute(
            select(func.max(i.c.received_at)).where(i.c.force_id == account.force_id)
        ).scalar()
    last_day = (last.date() if last else dt.date.today()) - dt.timedelta(days=1)
    example = {
        "name": "Response cover",
        "seed": 1,
        "baseline": {
            "store": {
                "from": (last_day - dt.timedelta(days=27)).isoformat(),
                "to": last_day.isoformat(),
            },
            "simulation": {"seed": 1},
        },
        "scenarios": [
            {"name": "10% fewer officers", "headcount_change_percent": -10},
            {"name": "5% more demand", "demand_growth_percent": 5},
        ],
    }
    return json.dumps(example, indent=2)
