"""A roster's explanation: what each soft rule cost, for whom, on which day; cover by period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from forceplan.roster.model import ModelContext


@dataclass(frozen=True)
class CoverLine:
    """Officers on duty against the requirement for one cover period."""

    key: str
    day: int | None
    start_minute: int | None
    length_minutes: int | None
    requirement: int
    on_duty: int

    @property
    def short(self) -> int:
        return max(0, self.requirement - self.on_duty)

    @property
    def over(self) -> int:
        return max(0, self.on_duty - self.requirement)


@dataclass
class Explanation:
    total: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    by_officer: dict[str, dict[str, int]] = field(default_factory=dict)
    by_day: dict[int, dict[str, int]] = field(default_factory=dict)
    cover: list[CoverLine] = field(default_factory=list)

    @property
    def uncovered_officer_hours(self) -> float:
        """Officer-hours short of the requirement, over periods with a known length."""
        return sum(c.short * (c.length_minutes or 0) / 60 for c in self.cover)

    def as_dict(self) -> dict[str, object]:
        return {
            "total_penalty": self.total,
            "by_rule": self.by_rule,
            "by_officer": self.by_officer,
            "by_day": {str(k): v for k, v in sorted(self.by_day.items())},
            "uncovered_officer_hours": round(self.uncovered_officer_hours, 2),
            "cover": [
                {
                    "key": c.key,
                    "day": c.day,
                    "start_minute": c.start_minute,
                    "requirement": c.requirement,
                    "on_duty": c.on_duty,
                    "short": c.short,
                    "over": c.over,
                }
                for c in self.cover
            ],
        }


def explain_solution(ctx: ModelContext, solver: cp_model.CpSolver) -> Explanation:
    """Read every penalty term and every cover period back from the solved model."""
    by_rule: dict[str, int] = defaultdict(int)
    by_officer: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_day: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    total = 0
    for penalty in ctx.penalties:
        value = penalty.expr if isinstance(penalty.expr, int) else solver.value(penalty.expr)
        cost = penalty.weight * int(value)
        if not cost:
            continue
        total += cost
        by_rule[penalty.rule] += cost
        if penalty.officer_id is not None:
            by_officer[penalty.officer_id][penalty.rule] += cost
        if penalty.day is not None:
            by_day[penalty.day][penalty.rule] += cost
    cover = [_cover_line(ctx, solver, n) for n in range(len(ctx.problem.covers))]
    return Explanation(
        total=total,
        by_rule=dict(by_rule),
        by_officer={k: dict(v) for k, v in by_officer.items()},
        by_day={k: dict(v) for k, v in by_day.items()},
        cover=cover,
    )


def _cover_line(ctx: ModelContext, solver: cp_model.CpSolver, n: int) -> CoverLine:
    cover = ctx.problem.covers[n]
    on_duty = sum(
        1
        for i, officer in enumerate(ctx.officers)
        if cover.counts(officer)
        for d, code in cover.slots
        for v in ctx.tour_vars(i, d, [code])
        if solver.boolean_value(v)
    )
    return CoverLine(
        key=cover.key,
        day=cover.slots[0][0] if cover.slots else None,
        start_minute=cover.start_minute,
        length_minutes=cover.length_minutes,
        requirement=cover.requirement,
        on_duty=on_duty,
    )
