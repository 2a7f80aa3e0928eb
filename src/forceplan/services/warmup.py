"""Warm the dashboard caches when the server starts, so the first reader of the day does not
wait for them.

The force-level demand overview, staffing requirement and welfare summary take 4-10 s each to
compute on a 600-officer force-year; after that every read comes from the cache
(``services/cache.py``) until the force's data change. ``forceplan serve`` computes them in a
background thread at start-up (``warm_cache_on_start``; ``--no-warm`` turns it off).

Nobody views anything here: answers are computed and cached, never shown, so no welfare view
is audited (each real view still is). Access rules run on every real read as before.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from forceplan.errors import ForceplanError
from forceplan.services.accounts import Account
from forceplan.services.overview import demand_overview, staffing_view
from forceplan.services.welfare_summary import welfare_summary
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.welfare.access import Viewer

log = logging.getLogger(__name__)


def _warmer(force_id: str) -> Account:
    """A stand-in planner of the force: the role whose questions the cache is warmed with."""
    return Account("warmup", "forceplan-warmup", "planner", force_id, None, None, False,
                   dt.datetime.now(dt.UTC))  # fmt: skip


def _answers(database: Database, force_id: str) -> list[tuple[str, Callable[[], object]]]:
    account = _warmer(force_id)
    viewer = Viewer(role="planner", force_id=force_id)
    return [
        ("demand", lambda: demand_overview(database, account)),
        ("staffing", lambda: staffing_view(database, account)),
        ("welfare", lambda: welfare_summary(database, viewer, force_id)),
    ]


def warm_caches(database: Database, stop: threading.Event | None = None) -> list[str]:
    """Compute the force-level dashboards of every force in the store; the names of those
    computed (a force without the data for one is skipped)."""
    with database.read() as connection:
        forces = list(connection.execute(select(t.forces.c.id).order_by(t.forces.c.id)).scalars())
    done = []
    for force_id in forces:
        for name, answer in _answers(database, force_id):
            if stop is not None and stop.is_set():
                return done
            try:
                answer()
            except ForceplanError as error:  # no incidents, no worked tours: nothing to warm
                log.info("cache warm-up: %s %s skipped (%s)", force_id, name, error.message)
                continue
            done.append(f"{force_id} {name}")
    return done


@dataclass(frozen=True)
class Warming:
    """A warm-up under way: set ``stop`` to end it early; ``done`` is set when it has ended."""

    stop: threading.Event
    done: threading.Event


def start_warming(database: Database) -> Warming:
    """Warm the caches in a background thread."""
    warming = Warming(threading.Event(), threading.Event())

    def run() -> None:
        try:
            done = warm_caches(database, warming.stop)
            log.info("cache warm-up done: %s", ", ".join(done) or "nothing")
        except Exception:  # a failed warm-up must never take the server down
            log.exception("cache warm-up failed")
        finally:
            warming.done.set()

    threading.Thread(target=run, name="forceplan-warmup", daemon=True).start()
    return warming
