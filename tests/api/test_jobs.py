"""The job runner: progress, results, failures and cancellation kept in the store."""

from __future__ import annotations

import threading
import time

from forceplan.errors import ConfigurationError
from forceplan.services.audit import Actor
from forceplan.services.jobs import JobRunner, cancel_job, get_job, interrupt_unfinished

ACTOR = Actor("u1", "tester", "DEMO")


def _wait(store, job_id: str) -> dict:
    for _ in range(300):
        job = get_job(store.database, ACTOR, job_id)
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def test_a_job_can_be_cancelled_at_its_next_progress_point(store):
    runner = JobRunner(store.database, 1)
    started = threading.Event()

    def work(context):
        started.set()
        for step in range(10_000):
            context.progress("counting", step / 10_000)
            time.sleep(0.01)
        return {"finished": True}

    job_id = runner.submit(ACTOR, "test", {}, work)
    assert started.wait(10)
    running = get_job(store.database, ACTOR, job_id)
    assert running["status"] == "running"
    cancel_job(store.database, ACTOR, job_id)
    job = _wait(store, job_id)
    assert job["status"] == "cancelled" and job["result"] is None
    runner.shutdown()


def test_results_and_failures_are_kept(store):
    runner = JobRunner(store.database, 1)
    ok = runner.submit(ACTOR, "test", {"n": 1}, lambda c: {"answer": 42})
    bad = runner.submit(
        ACTOR,
        "test",
        {},
        lambda c: (_ for _ in ()).throw(ConfigurationError("no such thing", hint="fix it")),
    )
    assert _wait(store, ok)["result"] == {"answer": 42}
    failed = _wait(store, bad)
    assert failed["status"] == "failed" and "no such thing" in failed["error"]
    runner.shutdown()


def test_jobs_a_stopped_server_left_behind_are_marked_interrupted(store):
    runner = JobRunner(store.database, 1)
    gate = threading.Event()
    job_id = runner.submit(ACTOR, "test", {}, lambda c: gate.wait(10) and {})
    time.sleep(0.2)
    assert interrupt_unfinished(store.database) >= 1
    assert get_job(store.database, ACTOR, job_id)["stage"] == "interrupted"
    gate.set()
    runner.shutdown()
