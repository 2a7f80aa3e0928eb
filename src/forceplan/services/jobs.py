"""Long work as jobs: run in background threads, with status, progress and cancellation kept
in the ``jobs`` table, so the page and the API (and a restarted server) see the same state.

A job's work is a function ``work(context) -> dict`` (the result, JSON-ready). It reports
progress with ``context.progress(stage, fraction)``, which also raises :class:`JobCancelled`
once a cancellation has been asked for, so cancelling takes effect at the next progress
point. The roster solver and imports submit their work the same way.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update

from forceplan.errors import AccessDeniedError, ForceplanError, NotFoundError
from forceplan.services.audit import Actor, record
from forceplan.store import Database
from forceplan.store import tables as t

FINISHED = frozenset({"succeeded", "failed", "cancelled"})
PROGRESS_WRITE_SECONDS = 0.5  # progress is written at most this often (plus every stage change)


class JobCancelled(Exception):
    """Raised inside a job's work when someone asked to cancel it."""


@dataclass
class JobContext:
    database: Database
    job_id: str
    _last_write: float = 0.0
    _last_stage: str = ""

    def cancel_requested(self) -> bool:
        with self.database.read() as c:
            return bool(
                c.execute(
                    select(t.jobs.c.cancel_requested).where(t.jobs.c.id == self.job_id)
                ).scalar()
            )

    def progress(self, stage: str, fraction: float) -> None:
        """Record progress (0..1); raises JobCancelled if cancellation was asked for."""
        now = time.monotonic()
        if stage != self._last_stage or now - self._last_write >= PROGRESS_WRITE_SECONDS:
            self._last_write, self._last_stage = now, stage
            _set(
                self.database,
                self.job_id,
                stage=stage[:200],
                progress=min(max(float(fraction), 0.0), 1.0),
            )
        if self.cancel_requested():
            raise JobCancelled


Work = Callable[[JobContext], dict[str, Any]]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _set(database: Database, job_id: str, **values: Any) -> None:
    with database.transaction() as c:
        c.execute(update(t.jobs).where(t.jobs.c.id == job_id).values(**values))


class JobRunner:
    """A small pool of background threads running jobs for one store."""

    def __init__(self, database: Database, workers: int = 2) -> None:
        self.database = database
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None  # started by the first job
        self._lock = threading.Lock()

    def submit(self, actor: Actor, kind: str, params: dict[str, Any], work: Work) -> str:
        """Queue ``work``; returns the job id (the submission is audited)."""
        job_id = uuid.uuid4().hex
        with self.database.transaction() as c:
            c.execute(
                insert(t.jobs).values(
                    id=job_id,
                    kind=kind,
                    force_id=actor.force_id,
                    user_id=actor.user_id,
                    status="queued",
                    stage="queued",
                    progress=0.0,
                    cancel_requested=False,
                    params=params,
                    created_at=_now(),
                )
            )
            record(c, actor, "job.submit", "job", job_id, {"kind": kind, "params": params})
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self.workers, thread_name_prefix="forceplan-job"
                )
            self._pool.submit(self._run, job_id, work)
        return job_id

    def _run(self, job_id: str, work: Work) -> None:
        context = JobContext(self.database, job_id)
        if context.cancel_requested():
            _set(
                self.database,
                job_id,
                status="cancelled",
                stage="cancelled before it began",
                finished_at=_now(),
            )
            return
        _set(self.database, job_id, status="running", stage="starting", started_at=_now())
        try:
            result = work(context)
        except JobCancelled:
            _set(self.database, job_id, status="cancelled", stage="cancelled", finished_at=_now())
        except ForceplanError as exc:
            _set(
                self.database,
                job_id,
                status="failed",
                stage="failed",
                error=str(exc)[:2000],
                finished_at=_now(),
            )
        except Exception as exc:  # a bug: keep the server up, say so in the job
            _set(
                self.database,
                job_id,
                status="failed",
                stage="failed",
                error=f"internal error: {exc.__class__.__name__}: {exc}"[:2000],
                finished_at=_now(),
            )
        else:
            _set(
                self.database,
                job_id,
                status="succeeded",
                stage="done",
                progress=1.0,
                result=result,
                finished_at=_now(),
            )

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking work; queued jobs are dropped (marked interrupted at next start)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)


def interrupt_unfinished(database: Database) -> int:
    """Mark jobs a stopped server left queued or running as failed; returns how many."""
    with database.transaction() as c:
        done = c.execute(
            update(t.jobs)
            .where(t.jobs.c.status.in_(["queued", "running"]))
            .values(
                status="failed",
                stage="interrupted",
                finished_at=_now(),
                error="the server stopped before the job finished: submit it again",
            )
        )
    return done.rowcount or 0


def _visible(job: dict[str, Any], actor: Actor, everyone: bool) -> bool:
    return job["force_id"] == actor.force_id and (everyone or job["user_id"] == actor.user_id)


def list_jobs(
    database: Database, actor: Actor, everyone: bool = False, limit: int = 100
) -> list[dict[str, Any]]:
    """The actor's jobs (or everyone's in their force), newest first."""
    j = t.jobs
    query = select(j).where(j.c.force_id == actor.force_id)
    if not everyone:
        query = query.where(j.c.user_id == actor.user_id)
    with database.read() as c:
        return [
            dict(r)
            for r in c.execute(query.order_by(j.c.created_at.desc()).limit(limit)).mappings()
        ]


def get_job(
    database: Database, actor: Actor, job_id: str, everyone: bool = False
) -> dict[str, Any]:
    with database.read() as c:
        row = c.execute(select(t.jobs).where(t.jobs.c.id == job_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"no job {job_id!r}", hint="list your jobs to find its id")
    if not _visible(dict(row), actor, everyone):
        raise AccessDeniedError("this job is not yours", hint="ask the person who started it")
    return dict(row)


def cancel_job(
    database: Database, actor: Actor, job_id: str, everyone: bool = False
) -> dict[str, Any]:
    """Ask a job to stop (it stops at its next progress point); audited."""
    job = get_job(database, actor, job_id, everyone)
    if job["status"] in FINISHED:
        return job
    with database.transaction() as c:
        c.execute(update(t.jobs).where(t.jobs.c.id == job_id).values(cancel_requested=True))
        record(c, actor, "job.cancel", "job", job_id, {"kind": job["kind"]})
    return get_job(database, actor, job_id, everyone)
