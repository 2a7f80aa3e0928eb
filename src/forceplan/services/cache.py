"""A small cache of computed aggregates (demand overview, staffing requirement, the welfare
summary before its access rules) for the pages and the API, so that a dashboard read does not
recompute every indicator from the store.

What it holds: answers about one force, keyed by the force, the question (kind, unit,
period, and the view shown — e.g. partners' disclosure-controlled view) and the force's
**data version**. Demand aggregates hold no personal rows, and access rules run *before* a
lookup (``services/overview.py``). The welfare summary does hold per-officer rows: it is
kept as computed, before any access rule, and the welfare access rules cut each viewer's
part from it *after* the lookup, on every read (``services/welfare_summary.py``; the views
are audited by the caller as before). Either way the cache never decides who may see what,
and it lives only in the server process's memory (never written out).

How it is kept correct:

- The data version (``data_version``) is one cheap query of counts and latest timestamps of
  every table the indicators read, plus the force's import batches and roster plans. An
  import, a demo load, a published roster or a merge changes it, in this process or in
  another (the CLI importing while ``forceplan serve`` runs). It is rechecked at most every
  ``recheck_seconds`` per force (default 1 s): a read within that second of a change may
  see the answer from before it. One request at a time rereads it; requests arriving while
  it does use the version before (so under load no request queues behind the query).
- Entries older than ``max_age_seconds`` are recomputed anyway: a bound on in-place edits the
  version cannot see (a roster line's status changed with no count changing).
- ``invalidate(database, force)`` drops a force's entries at once, for writers in this
  process.
- One computation per key at a time: concurrent requests for the same missing entry wait for
  the first one's answer instead of all computing it (50 users arriving at once).
- Bounded: least recently used entries go beyond ``max_entries``.

One cache per ``Database`` object (``cache_for``), so two apps over two stores share nothing.
"""

from __future__ import annotations

import copy
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Column, Table, func, select

from forceplan.store import Database
from forceplan.store import tables as t

T = TypeVar("T")
C = TypeVar("C")

#: Defaults: a few dozen dashboards (force and units × a few periods) stay warm; each entry is
#: a handful of small aggregate tables (tens of kB).
MAX_ENTRIES = 64
RECHECK_SECONDS = 1.0
MAX_AGE_SECONDS = 600.0

#: What the indicators and the staffing requirement read, and what moves when it changes:
#: (table, a timestamp column whose maximum moves with new rows, or None for a count only).
VERSION_SOURCES: list[tuple[Table, Column | None]] = [
    (t.units, None),
    (t.people, None),
    (t.shift_definitions, None),
    (t.roster_assignments, None),
    (t.absences, None),
    (t.incidents, t.incidents.c.received_at),
    (t.deployments, None),  # no index on dispatched_at: a count only
    (t.import_batches, t.import_batches.c.started_at),
    (t.roster_plans, t.roster_plans.c.updated_at),  # publishing rewrites roster lines
    # the welfare summary reads these too
    (t.person_restrictions, None),
    (t.person_skills, None),
    (t.cases, None),
    # approving or refusing leave changes an absence's status, not the absences' count
    (t.leave_decisions, t.leave_decisions.c.decided_at),
]


def data_version(database: Database, force_id: str) -> tuple:
    """A fingerprint of a force's data that any import, load, publication or deletion
    changes: per source table the row count (and the latest timestamp), plus the force row."""
    f = t.forces
    parts = [
        select(c).where(f.c.id == force_id).scalar_subquery()
        for c in (f.c.name, f.c.timezone, f.c.population)
    ]
    for table, moving in VERSION_SOURCES:
        mine = table.c.force_id == force_id
        parts.append(select(func.count()).select_from(table).where(mine).scalar_subquery())
        if moving is not None:
            parts.append(select(func.max(moving)).where(mine).scalar_subquery())
    with database.read() as connection:
        row = connection.execute(select(*parts)).one()
    return tuple(str(v) if v is not None and not isinstance(v, int) else v for v in row)


@dataclass
class _Entry:
    version: tuple
    made_at: float
    value: Any
    error: BaseException | None = None  # a remembered refusal (no incidents in the period)


@dataclass
class Derived:
    """Values derived from one cached answer (a page's charts), made once and kept as long as
    the answer is: copies of the answer share them."""

    values: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, name: str, make: Callable[[], T]) -> T:
        with self.lock:
            if name not in self.values:
                self.values[name] = make()
            return self.values[name]


@dataclass
class _Checked:
    version: tuple
    at: float


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    waits: int = 0  # requests that waited for another's computation of the same key
    version_checks: int = 0
    evictions: int = 0


class ResultCache:
    """Aggregates keyed by (force, key), valid for one data version of the force."""

    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        recheck_seconds: float = RECHECK_SECONDS,
        max_age_seconds: float = MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.recheck_seconds = recheck_seconds
        self.max_age_seconds = max_age_seconds
        self.clock = clock
        self.stats = CacheStats()
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._versions: dict[str, _Checked] = {}
        self._computing: dict[tuple, Future] = {}
        self._generation = 0  # moves on every invalidate(): answers begun before are not kept
        self._rechecking: set[str] = set()  # forces whose version is being read now

    def __len__(self) -> int:
        return len(self._entries)

    def version(self, database: Database, force_id: str) -> tuple:
        """The force's data version, read again when the last reading is older than
        ``recheck_seconds``; entries of an older version are dropped."""
        now = self.clock()
        with self._lock:
            checked = self._versions.get(force_id)
            if checked is not None and now - checked.at < self.recheck_seconds:
                return checked.version
            if checked is not None and force_id in self._rechecking:
                # another request is reading the version now: answer from the one before
                # rather than queue 40-75 ms queries behind it (at most one recheck at a time)
                return checked.version
            self._rechecking.add(force_id)
        try:
            version = data_version(database, force_id)
        finally:
            with self._lock:
                self._rechecking.discard(force_id)
        with self._lock:
            self.stats.version_checks += 1
            self._versions[force_id] = _Checked(version, now)
            stale = [
                k for k, e in self._entries.items() if k[0] == force_id and e.version != version
            ]
            for key in stale:
                del self._entries[key]
        return version

    def get(
        self,
        database: Database,
        force_id: str,
        key: Hashable,
        compute: Callable[[], T],
        remember: tuple[type[BaseException], ...] = (),
    ) -> T:
        """The cached answer to ``key`` for the force's current data, else ``compute()``'s
        (stored). An exception is passed on to every waiter; it is stored too when it is one
        of ``remember`` (an answer the same data would always give, such as "no incidents in
        the period"), and raised afresh from the store."""
        version = self.version(database, force_id)
        full = (force_id, key, version)
        with self._lock:
            generation = self._generation
            entry = self._entries.get((force_id, key))
            if (
                entry is not None
                and entry.version == version
                and self.clock() - entry.made_at < self.max_age_seconds
            ):
                self._entries.move_to_end((force_id, key))
                self.stats.hits += 1
                if entry.error is not None:
                    raise copy.copy(entry.error)
                return entry.value
            pending = self._computing.get(full)
            owner = pending is None
            if owner:
                pending = self._computing[full] = Future()
                self.stats.misses += 1
            else:
                self.stats.waits += 1
        if not owner:
            return pending.result()
        try:
            value = compute()
        except BaseException as exc:
            entry = _Entry(version, self.clock(), None, exc)
            self._finish(full, generation, entry, keep=isinstance(exc, remember))
            pending.set_exception(exc)
            raise
        self._finish(full, generation, _Entry(version, self.clock(), value))
        pending.set_result(value)
        return value

    def _finish(self, full: tuple, generation: int, entry: _Entry, keep: bool = True) -> None:
        """Store a computed entry unless the force's data moved on while it was computed."""
        force_id, key, version = full
        with self._lock:
            del self._computing[full]
            current = self._versions.get(force_id)
            fresh = generation == self._generation and current is not None
            if not keep or not fresh or current.version != version:
                return
            self._entries[(force_id, key)] = entry
            self._entries.move_to_end((force_id, key))
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
                self.stats.evictions += 1

    def invalidate(self, force_id: str | None = None) -> None:
        """Forget a force's entries and its data version (every force's when None)."""
        with self._lock:
            self._generation += 1
            for key in [k for k in self._entries if force_id in (None, k[0])]:
                del self._entries[key]
            for force in [f for f in self._versions if force_id in (None, f)]:
                del self._versions[force]


class PerStore(Generic[C]):
    """One object per store object (``Database``), made on first use by ``make`` and gone
    with the store: two apps over two stores share nothing."""

    def __init__(self, make: Callable[[], C]) -> None:
        self._make = make
        self._made: weakref.WeakKeyDictionary[Database, C] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def __call__(self, database: Database) -> C:
        with self._lock:
            made = self._made.get(database)
            if made is None:
                made = self._made[database] = self._make()
            return made


class BoundedMemo:
    """Values made once per key and kept for the ``size`` most recently used keys (charts of
    finished jobs, whose results never change)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        made = make()
        with self._lock:
            self._values[key] = made
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return made


#: The cache of one store object (made on first use; goes with the object).
cache_for: PerStore[ResultCache] = PerStore(ResultCache)
