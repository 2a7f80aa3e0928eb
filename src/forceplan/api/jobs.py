"""/api/v1/jobs and /api/v1/workforce/projections: long work in the background."""

from __future__ import annotations

from fastapi import APIRouter

from forceplan.api.deps import CurrentUser, DatabaseDep, JobsDep
from forceplan.api.schemas import JobOut, WorkforceProjectionIn
from forceplan.services.access import require
from forceplan.services.accounts import Account
from forceplan.services.jobs import cancel_job, get_job, list_jobs
from forceplan.services.overview import workforce_projection_work
from forceplan.services.workforce import WorkforceRequest

router = APIRouter(tags=["jobs"])
SEES_ALL_JOBS = frozenset({"admin", "planner"})


def everyone(user: Account) -> bool:
    return user.role in SEES_ALL_JOBS


@router.get("/jobs", response_model=list[JobOut])
def jobs(user: CurrentUser, database: DatabaseDep) -> list[JobOut]:
    """Your jobs (planners and admins: the force's), newest first, without results."""
    require(user, "jobs")
    return [
        JobOut(**{**job, "result": None}) for job in list_jobs(database, user.actor, everyone(user))
    ]


@router.get("/jobs/{job_id}", response_model=JobOut)
def job(job_id: str, user: CurrentUser, database: DatabaseDep) -> JobOut:
    """A job's status, progress and (once finished) result or error."""
    require(user, "jobs")
    return JobOut(**get_job(database, user.actor, job_id, everyone(user)))


@router.post("/jobs/{job_id}/cancel", response_model=JobOut)
def cancel(job_id: str, user: CurrentUser, database: DatabaseDep) -> JobOut:
    """Ask a job to stop; it stops at its next progress point."""
    require(user, "jobs")
    return JobOut(**cancel_job(database, user.actor, job_id, everyone(user)))


@router.post("/workforce/projections", response_model=JobOut, status_code=202, tags=["workforce"])
def workforce_projection(
    body: WorkforceProjectionIn, user: CurrentUser, database: DatabaseDep, runner: JobsDep
) -> JobOut:
    """Start a workforce projection (a job); follow it at /api/v1/jobs/{id}."""
    request = WorkforceRequest(
        force=user.force_id,
        years=body.years,
        runs=body.runs,
        seed=body.seed,
        as_of=body.as_of,
        policy=body.policy,
    )
    work = workforce_projection_work(database, user, request)
    job_id = runner.submit(user.actor, "workforce_projection", body.model_dump(mode="json"), work)
    return JobOut(**get_job(database, user.actor, job_id, True))
