"""The CP-SAT model of a roster: decision variables, the rule registry and the objective.

Each rule is one small function ``add_<rule>(ctx)`` registered as hard or soft with a weight
(``rules_hard.py``, ``rules_soft.py``). Hard rules add constraints through ``ctx.enforce``, which
in explain mode gates them behind one assumption literal per rule and officer so CP-SAT can name
a small conflicting set. Soft rules add penalty terms through ``ctx.penalise``; the same terms,
read back from a solution, are the roster's explanation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from ortools.sat.python import cp_model

from forceplan.roster.problem import Officer, RosterProblem

RuleKind = Literal["hard", "soft"]


@dataclass(frozen=True)
class Rule:
    name: str
    kind: RuleKind
    add: Callable[[ModelContext], None]
    weight: int
    description: str


RULES: dict[str, Rule] = {}


def rule(name: str, kind: RuleKind, description: str, weight: int = 1):
    """Register ``add_<name>`` as a hard or soft rule (soft rules multiply their terms by
    ``weight``)."""

    def register(fn: Callable[[ModelContext], None]) -> Callable[[ModelContext], None]:
        if name in RULES:
            raise ValueError(f"rule {name!r} registered twice")
        RULES[name] = Rule(name, kind, fn, weight, description)
        return fn

    return register


@dataclass(frozen=True)
class RuleConfig:
    """Which rules apply and the weight of each soft rule (defaults from the registry)."""

    disabled: frozenset[str] = frozenset()
    weights: Mapping[str, int] = field(default_factory=dict)
    only: frozenset[str] | None = None

    def active(self) -> list[Rule]:
        _load_rules()
        rules = [r for r in RULES.values() if r.name not in self.disabled]
        if self.only is not None:
            rules = [r for r in rules if r.name in self.only]
        unknown = (set(self.disabled) | set(self.weights) | set(self.only or ())) - set(RULES)
        if unknown:
            raise ValueError(f"unknown roster rules: {', '.join(sorted(unknown))}")
        return rules

    def weight(self, rule: Rule) -> int:
        return int(self.weights.get(rule.name, rule.weight))


@dataclass(frozen=True)
class Penalty:
    """One soft-rule cost: ``weight × value(expr)``, attributed to an officer and a day."""

    rule: str
    officer_id: str | None
    day: int | None
    expr: cp_model.LinearExprT
    weight: int
    key: str | None = None


class ModelContext:
    """The model under construction: variables, the active rule, penalties and assumptions."""

    def __init__(
        self, problem: RosterProblem, *, explain: bool = False, structural_limits: bool = True
    ) -> None:
        self.problem = problem
        #: Tours an officer may not work get no variable (unless explaining, or the
        #: allowed_tours rule is switched off).
        self.structural_limits = structural_limits and not explain
        self.model = cp_model.CpModel()
        self.explain = explain
        self.penalties: list[Penalty] = []
        self.assumptions: dict[cp_model.IntVar, tuple[str, str | None]] = {}
        self._literals: dict[tuple[str, str | None], cp_model.IntVar] = {}
        self.rule: Rule | None = None
        self._counts: dict[tuple, cp_model.IntVar | int] = {}
        self.weight = 1
        self.officers = problem.officers
        self.index = {o.id: i for i, o in enumerate(problem.officers)}
        self.tour_codes = [t.code for t in problem.tours]
        #: x[i][d][code]: officer i works tour code on day d (absent: cannot).
        self.x: list[list[dict[str, cp_model.IntVar]]] = []
        #: works[i][d]: officer i works some tour on day d.
        self.works: list[list[cp_model.IntVar]] = []
        self._build_variables()

    def _build_variables(self) -> None:
        model, days = self.model, self.problem.days
        for i, officer in enumerate(self.officers):
            row, works_row = [], []
            for d in range(days):
                tours = {}
                for code in self.tour_codes:
                    if officer.may_work(code) or not self.structural_limits:
                        tours[code] = model.new_bool_var(f"x_{i}_{d}_{code}")
                works = model.new_bool_var(f"w_{i}_{d}")
                # one tour a day: structural, never relaxed
                model.add(sum(tours.values()) == works)
                row.append(tours)
                works_row.append(works)
            self.x.append(row)
            self.works.append(works_row)

    # --- helpers for rules -------------------------------------------------------------
    def enforce(self, officer: Officer | None = None) -> list[cp_model.IntVar]:
        """Enforcement literals for the active rule's hard constraints (none unless explaining)."""
        if not self.explain:
            return []
        assert self.rule is not None
        key = (self.rule.name, None if officer is None else officer.id)
        literal = self._literals.get(key)
        if literal is None:
            literal = self.model.new_bool_var(f"assume_{key[0]}_{key[1]}")
            self._literals[key] = literal
            self.assumptions[literal] = key
        return [literal]

    def add_hard(self, constraint: cp_model.Constraint, officer: Officer | None = None) -> None:
        literals = self.enforce(officer)
        if literals:
            constraint.only_enforce_if(literals)

    def penalise(
        self,
        expr: cp_model.LinearExprT,
        weight: int,
        *,
        officer: Officer | None = None,
        day: int | None = None,
        key: str | None = None,
    ) -> None:
        """Add ``weight`` (× the rule's weight) per unit of ``expr`` to the objective."""
        assert self.rule is not None
        total = weight * self.weight
        if total:
            officer_id = None if officer is None else officer.id
            self.penalties.append(Penalty(self.rule.name, officer_id, day, expr, total, key))

    def officer_days(self, by_officer: Mapping[str, Mapping[int, object]]):
        """(i, officer, day, value) for every officer of the problem and day of the horizon in
        an officer -> day -> value mapping (fixed days, the published roster, RDC costs)."""
        for officer_id, days in by_officer.items():
            i = self.index.get(officer_id)
            if i is None:
                continue
            for d, value in days.items():
                if 0 <= d < self.problem.days:
                    yield i, self.officers[i], d, value

    def tour_vars(self, i: int, d: int, codes: Iterable[str]) -> list[cp_model.IntVar]:
        if d < 0 or d >= self.problem.days:
            return []
        return [self.x[i][d][c] for c in codes if c in self.x[i][d]]

    def on_duty(self, d: int, code: str, cover) -> cp_model.IntVar | int:
        """Officers counted by ``cover`` on tour ``code`` on day ``d`` (one shared variable per
        day, tour and skill filter, so hourly covers that share a tour share its count)."""
        key = (d, code, cover.skill, cover.rank)
        found = self._counts.get(key)
        if found is None:
            inside = 0 <= d < self.problem.days
            terms = [
                v
                for i, officer in enumerate(self.officers)
                if inside and (v := self.x[i][d].get(code)) is not None and cover.counts(officer)
            ]
            if not terms:
                found = 0
            else:
                found = self.model.new_int_var(0, len(terms), f"n_{d}_{code}_{cover.skill}")
                self.model.add(found == sum(terms))
            self._counts[key] = found
        return found

    def counted(self, key: tuple) -> cp_model.IntVar | None:
        """The shared count variable ``on_duty`` built for ``key`` (day, tour, skill, rank),
        or None if none was built (no cover asked for it, or no officer can work it)."""
        found = self._counts.get(key)
        return None if found is None or isinstance(found, int) else found

    def minutes_worked(self, i: int) -> cp_model.LinearExprT:
        lengths = {t.code: t.length_minutes for t in self.problem.tours}
        return sum(lengths[c] * v for day in self.x[i] for c, v in day.items())


def build_model(
    problem: RosterProblem, config: RuleConfig | None = None, *, explain: bool = False
) -> ModelContext:
    """The CP-SAT model of ``problem`` with every active rule added."""
    config = config or RuleConfig()
    rules = config.active()
    structural = any(r.name == "allowed_tours" for r in rules)
    ctx = ModelContext(problem, explain=explain, structural_limits=structural)
    for active in rules:
        if explain and active.kind == "soft":
            continue  # feasibility only
        ctx.rule, ctx.weight = active, config.weight(active)
        active.add(ctx)
    ctx.rule = None
    if ctx.penalties:
        ctx.model.minimize(sum(p.weight * p.expr for p in ctx.penalties))
    return ctx


def _load_rules() -> None:
    """Import the rule modules (they register themselves)."""
    from forceplan.roster import rules_hard, rules_soft  # noqa: F401
