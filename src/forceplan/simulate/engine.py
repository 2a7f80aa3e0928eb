"""The fast event-driven engine: one heap of timed events, plain Python lists, no frames.

Time is in minutes from the start of the run. Incidents arrive in received order from their own
sorted stream (they never enter the heap); officers' tours (one duty row = one tour) start, fall
due for a refreshment break, end, and free up after each job through the heap. Each pool (unit)
keeps a set of free officers and a queue ordered by grade, then received time. A job that needs
several officers is dispatched officer by officer: the first officer sets the response time and
the rest follow as they become free. A waiting Grade 1 may take an officer who is on scene at a
pre-emptible job; the rest of that job goes back to the queue in its old place.

Skills: an incident may need a skill (index 1..K; 0 = none) and each tour holds a bit mask of
skills. Each pool keeps one queue per skill and, beside the set of free officers, the free
officers holding each skill; an officer takes the most urgent job among the queues it can
serve (by grade, then a job only it can do, then received time). Without skills there is
one queue and one set, as before.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np

JOB_DONE, SHIFT_START, BREAK_END, BREAK_DUE, SHIFT_END, ABANDON = range(6)
OFF, FREE, BUSY, ON_BREAK = range(4)
WAITING, STAFFED, GAVE_UP = range(3)
#: Incident outcomes in the results.
NOT_DEPLOYED, ATTENDED, ABANDONED, QUEUED_AT_END = range(4)
STATUS_NAMES = ("not_deployed", "attended", "abandoned", "queued_at_end")


@dataclass
class Demand:
    """Incidents as arrays, sorted by received_minutes."""

    received_minutes: np.ndarray
    grade: np.ndarray  # 1-4
    pool: np.ndarray  # index of the unit whose officers may attend
    officers_needed: np.ndarray  # 0 = resolved without deployment
    travel_minutes: np.ndarray
    time_on_task_minutes: np.ndarray
    abandon_after_minutes: np.ndarray  # inf where the rule does not apply
    skill: np.ndarray | None = None  # 0 = any officer, k = only officers holding skill k


@dataclass
class Duty:
    """Tours of duty as arrays (one row per tour)."""

    start_minutes: np.ndarray
    end_minutes: np.ndarray
    pool: np.ndarray
    skills: np.ndarray | None = None  # bit k set = the officer holds skill k (k >= 1)


@dataclass
class Rules:
    preempt_grades: frozenset[int] = frozenset()
    break_minutes: float = 0.0
    break_after_minutes: float = 0.0


@dataclass
class Outcome:
    """What happened, as arrays aligned with Demand and Duty, plus hourly snapshots."""

    status: np.ndarray
    dispatched_minutes: np.ndarray
    cleared_minutes: np.ndarray
    officers_sent: np.ndarray
    times_preempted: np.ndarray
    busy_minutes: np.ndarray
    break_minutes: np.ndarray
    overtime_minutes: np.ndarray
    missed_breaks: np.ndarray
    hourly: list[tuple[int, int, int, int, int, int, int]] = field(default_factory=list)


class ResponseEngine:
    """Runs one replication; call :meth:`run` once."""

    def __init__(self, demand: Demand, duty: Duty, rules: Rules) -> None:
        n, m = len(demand.received_minutes), len(duty.start_minutes)
        pools = int(max(demand.pool.max(initial=0), duty.pool.max(initial=0))) + 1
        self.d, self.duty, self.rules = demand, duty, rules
        self.received = demand.received_minutes.tolist()
        self.grade = demand.grade.tolist()
        self.pool = demand.pool.tolist()
        self.travel = demand.travel_minutes.tolist()
        self.officer_pool = duty.pool.tolist()
        self.shift_end = duty.end_minutes.tolist()
        skills = int(demand.skill.max(initial=0)) + 1 if demand.skill is not None else 1
        self.skill = demand.skill.tolist() if demand.skill is not None else [0] * n
        self.skilled = skills > 1 and duty.skills is not None
        if self.skilled:
            held = [[k for k in range(1, skills) if mask >> k & 1] for mask in duty.skills]
            self.held = [tuple(h) for h in held]
            self.serves = [(0, *h) for h in held]
        else:
            self.held, self.serves = [()] * m, [(0,)] * m
        self.free: list[set[int]] = [set() for _ in range(pools)]
        self.free_with: list[list[set[int]]] = [
            [set() for _ in range(skills)] for _ in range(pools)
        ]
        self.queue: list[list[list[tuple[int, float, int]]]] = [
            [[] for _ in range(skills)] for _ in range(pools)
        ]
        self.plain_queue = [queues[0] for queues in self.queue]
        self.preemptible: list[set[int]] = [set() for _ in range(pools)]
        self.job_incident = list(range(n))
        self.job_need = demand.officers_needed.tolist()
        self.job_work = demand.time_on_task_minutes.tolist()
        self.job_state = [WAITING] * n
        self.dispatched = [math.nan] * n
        self.cleared = [math.nan] * n
        self.sent = [0] * n
        self.preempted = [0] * n
        self.state = [OFF] * m
        self.ending = [False] * m
        self.break_owed = [False] * m
        self.version = [0] * m
        self.current_job = [-1] * m
        self.on_scene_at = [0.0] * m
        self.job_ends_at = [0.0] * m
        self.busy_since = [0.0] * m
        self.busy = [0.0] * m
        self.on_break = [0.0] * m
        self.overtime = [0.0] * m
        self.missed_break = [0] * m
        self.waiting_by_grade = [0, 0, 0, 0, 0]
        self.on_duty = 0
        self.events = [(s, SHIFT_START, i, 0) for i, s in enumerate(duty.start_minutes.tolist())]
        heapq.heapify(self.events)
        self.hourly: list[tuple[int, int, int, int, int, int, int]] = []

    # -- the main loop -------------------------------------------------------------------------
    def run(self) -> Outcome:
        events, received, n = self.events, self.received, len(self.received)
        pop, handlers = heapq.heappop, self._handlers()
        k, next_hour = 0, 0.0
        while True:
            arrival = received[k] if k < n else math.inf
            if events and events[0][0] <= arrival:
                t, kind, who, version = pop(events)
            elif k < n:
                t, kind, who, version = arrival, -1, k, 0
                k += 1
            else:
                break
            while next_hour < t:
                self._snapshot(next_hour)
                next_hour += 60.0
            if kind < 0:
                self.call_arrives(who, t)
            else:
                handlers[kind](who, t, version)
        self._snapshot(next_hour)
        return self._outcome()

    def _handlers(self):
        return (
            self.job_done,
            self.shift_starts,
            self.break_ends,
            self.break_due,
            self.shift_ends,
            self.abandon,
        )

    def _snapshot(self, at: float) -> None:
        w = self.waiting_by_grade
        free = sum(len(s) for s in self.free)
        self.hourly.append((int(at // 60), w[1], w[2], w[3], w[4], free, self.on_duty))

    # -- incidents -----------------------------------------------------------------------------
    def call_arrives(self, i: int, t: float) -> None:
        if self.job_need[i] <= 0:
            self.job_state[i] = STAFFED
            return
        self.waiting_by_grade[self.grade[i]] += 1
        pool, skill = self.pool[i], self.skill[i]
        free = self.free_with[pool][skill] if skill else self.free[pool]
        while self.job_need[i] > 0 and free:
            officer = free.pop()
            if self.held[officer]:
                self._not_free(officer)
            self.assign(officer, i, t)
        if self.grade[i] == 1 and self.rules.preempt_grades:
            while self.job_need[i] > 0:
                officer = self._on_scene_preemptible(pool, t, skill)
                if officer < 0:
                    break
                self.preempt(officer, t)
                self.assign(officer, i, t)
        if self.job_need[i] > 0:
            heapq.heappush(self.queue[pool][skill], (self.grade[i], self.received[i], i))
            limit = self.d.abandon_after_minutes[i]
            if limit < math.inf and math.isnan(self.dispatched[i]):
                heapq.heappush(self.events, (t + limit, ABANDON, i, 0))
        else:
            self.job_state[i] = STAFFED

    def abandon(self, job: int, t: float, _version: int) -> None:
        """Still waiting for a first officer when the abandonment rule fires."""
        if self.job_state[job] == WAITING and math.isnan(self.dispatched[job]):
            self.job_state[job] = GAVE_UP
            self.waiting_by_grade[self.grade[job]] -= 1

    def assign(self, officer: int, job: int, t: float) -> None:
        incident = self.job_incident[job]
        if math.isnan(self.dispatched[incident]):
            self.dispatched[incident] = t
            self.waiting_by_grade[self.grade[incident]] -= 1
        self.sent[incident] += 1
        self.job_need[job] -= 1
        arrive = t + self.travel[incident]
        ends = arrive + self.job_work[job]
        self.state[officer] = BUSY
        self.current_job[officer] = job
        self.on_scene_at[officer] = arrive
        self.job_ends_at[officer] = ends
        self.busy_since[officer] = t
        if self.grade[incident] in self.rules.preempt_grades:
            self.preemptible[self.officer_pool[officer]].add(officer)
        heapq.heappush(self.events, (ends, JOB_DONE, officer, self.version[officer]))

    def _on_scene_preemptible(self, pool: int, t: float, skill: int) -> int:
        for officer in self.preemptible[pool]:
            if (
                self.on_scene_at[officer] <= t
                and not self.ending[officer]
                and (not skill or skill in self.held[officer])
            ):
                return officer
        return -1

    def preempt(self, officer: int, t: float) -> None:
        """Take an officer off a lower-grade job; its remaining work waits in its old place."""
        job = self.current_job[officer]
        incident = self.job_incident[job]
        self._release(officer, t)
        self.version[officer] += 1
        self.preempted[incident] += 1
        rest = len(self.job_incident)
        self.job_incident.append(incident)
        self.job_need.append(1)
        self.job_work.append(self.job_ends_at[officer] - t)
        self.job_state.append(WAITING)
        queue = self.queue[self.pool[incident]][self.skill[incident]]
        heapq.heappush(queue, (self.grade[incident], self.received[incident], rest))

    # -- officers ------------------------------------------------------------------------------
    def _now_free(self, officer: int) -> None:
        pool = self.officer_pool[officer]
        self.free[pool].add(officer)
        for k in self.held[officer]:
            self.free_with[pool][k].add(officer)

    def _not_free(self, officer: int) -> None:
        pool = self.officer_pool[officer]
        self.free[pool].discard(officer)
        if self.skilled:
            for k in self.held[officer]:
                self.free_with[pool][k].discard(officer)

    def _next_queue(self, officer: int) -> list | None:
        """The queue (of those the officer can serve) whose head is the most urgent job: by
        grade, then a job only skilled officers can do, then the earliest received."""
        queues, state, best, best_key = (
            self.queue[self.officer_pool[officer]],
            self.job_state,
            None,
            None,
        )
        for k in self.serves[officer]:
            queue = queues[k]
            while queue and state[queue[0][2]] != WAITING:
                heapq.heappop(queue)
            if queue:
                key = (queue[0][0], k == 0, queue[0][1])
                if best_key is None or key < best_key:
                    best, best_key = queue, key
        return best

    def _release(self, officer: int, t: float) -> None:
        self.busy[officer] += t - self.busy_since[officer]
        self.preemptible[self.officer_pool[officer]].discard(officer)
        self.current_job[officer] = -1

    def job_done(self, officer: int, t: float, version: int) -> None:
        if version != self.version[officer]:
            return
        incident = self.job_incident[self.current_job[officer]]
        self._release(officer, t)
        if not t <= self.cleared[incident]:
            self.cleared[incident] = t
        self.officer_free(officer, t)

    def officer_free(self, officer: int, t: float) -> None:
        """Free again (tour start, job cleared, break over): go off, take a break, or work."""
        if self.ending[officer]:
            self._go_off(officer, t)
            return
        pool = self.officer_pool[officer]
        if self.skilled:
            queue = self._next_queue(officer)
        else:  # one queue per pool: the fast path
            queue = self.plain_queue[pool]
            while queue and self.job_state[queue[0][2]] != WAITING:
                heapq.heappop(queue)
        if self.break_owed[officer] and not (queue and queue[0][0] == 1):
            self.break_owed[officer] = False
            if t + self.rules.break_minutes > self.shift_end[officer]:
                self.missed_break[officer] = 1
                return self.officer_free(officer, t)
            self.state[officer] = ON_BREAK
            self.on_break[officer] += self.rules.break_minutes
            heapq.heappush(self.events, (t + self.rules.break_minutes, BREAK_END, officer, 0))
            return
        if queue:
            job = queue[0][2]
            self.assign(officer, job, t)
            if self.job_need[job] == 0:
                self.job_state[job] = STAFFED
                heapq.heappop(queue)
            return
        self.state[officer] = FREE
        self.free[pool].add(officer)
        if self.held[officer]:
            self._now_free(officer)

    def _go_off(self, officer: int, t: float) -> None:
        self.state[officer] = OFF
        self.on_duty -= 1
        self.overtime[officer] += max(0.0, t - self.shift_end[officer])

    def shift_starts(self, officer: int, t: float, _version: int) -> None:
        self.on_duty += 1
        end = self.shift_end[officer]
        heapq.heappush(self.events, (end, SHIFT_END, officer, 0))
        due = t + self.rules.break_after_minutes
        if self.rules.break_minutes > 0 and due + self.rules.break_minutes <= end:
            heapq.heappush(self.events, (due, BREAK_DUE, officer, 0))
        self.officer_free(officer, t)

    def break_due(self, officer: int, t: float, _version: int) -> None:
        if self.state[officer] == FREE and not self.ending[officer]:
            self._not_free(officer)
            self.break_owed[officer] = True
            self.officer_free(officer, t)
        elif self.state[officer] == BUSY and not self.ending[officer]:
            self.break_owed[officer] = True

    def break_ends(self, officer: int, t: float, _version: int) -> None:
        self.officer_free(officer, t)

    def shift_ends(self, officer: int, t: float, _version: int) -> None:
        if self.break_owed[officer]:
            self.break_owed[officer] = False
            self.missed_break[officer] = 1
        if self.state[officer] == FREE:
            self._not_free(officer)
            self._go_off(officer, t)
        else:
            self.ending[officer] = True  # finishes the job or break first (overtime)

    def _outcome(self) -> Outcome:
        n = len(self.received)
        dispatched = np.array(self.dispatched)
        state = np.array(self.job_state[:n])
        status = np.where(~np.isnan(dispatched), ATTENDED, QUEUED_AT_END)
        status = np.where(state == GAVE_UP, ABANDONED, status)
        status = np.where(self.d.officers_needed <= 0, NOT_DEPLOYED, status)
        return Outcome(
            status=status,
            dispatched_minutes=dispatched,
            cleared_minutes=np.array(self.cleared),
            officers_sent=np.array(self.sent),
            times_preempted=np.array(self.preempted),
            busy_minutes=np.array(self.busy),
            break_minutes=np.array(self.on_break),
            overtime_minutes=np.array(self.overtime),
            missed_breaks=np.array(self.missed_break),
            hourly=self.hourly,
        )
