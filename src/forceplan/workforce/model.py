"""The workforce model: states, yearly transitions and recruitment plans.

States are workforce group × completed years of service (0 … 40, the last meaning 40 or more;
see groups.py). Each year, for the people in a state:

1. some leave (resignation, dismissal, retirement: ``leaving[group, service_year]``, an annual
   probability); student officers at the end of their programme who do not pass leave too;
2. of those who stay, some move: promotion, transfer into a specialist unit, a lateral move
   (``Move``: an annual probability for eligible people who stay) or, for student officers at the
   end of their programme, confirmation into the route's destination groups;
3. everyone still serving gains a year of service (those at 40 stay at 40);
4. joiners arrive by entry route: into the route's student group, or straight into its
   destination for routes without a programme (transferees, rejoiners, police staff), at the
   route's entry service year (0 for recruits).

Nothing else changes a state, so every group balances every year:
start + joiners − leavers + transfers in − transfers out = end.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from forceplan.workforce import groups as g

SERVICE_YEARS = g.MAX_SERVICE_YEARS + 1
TOLERANCE = 1e-9


@dataclass(frozen=True)
class EntryRoute:
    """A way into the force: a training programme (PCDA, DHEP, PCEP, detective entry) or a
    direct entry without one (transferee, rejoiner, police staff).

    ``pass_rate``: share of those reaching the end of the programme who are confirmed (the rest
    leave). ``destinations``: group → share on confirmation (or on joining, without a programme).
    ``tutored``: the route's first-year students need a tutor constable.
    """

    name: str
    programme_years: int
    pass_rate: float
    destinations: Mapping[str, float]
    entry_service_years: int = 0
    tutored: bool = True

    def __post_init__(self) -> None:
        if self.programme_years < 0 or not 0 <= self.entry_service_years < SERVICE_YEARS:
            raise ValueError(f"route {self.name}: programme and entry service years out of range")
        if not 0 <= self.pass_rate <= 1:
            raise ValueError(f"route {self.name}: pass_rate must be between 0 and 1")
        shares = list(self.destinations.values())
        if not shares or min(shares) < 0 or abs(sum(shares) - 1) > 1e-6:
            raise ValueError(f"route {self.name}: destination shares must add up to 1")

    @property
    def entry_group(self) -> str | None:
        """The student group joiners start in (None: they join their destinations directly)."""
        return g.student_group(self.name) if self.programme_years > 0 else None

    @property
    def completion_service_year(self) -> int:
        """Service year during which students finish the programme (and are confirmed)."""
        return min(self.entry_service_years + self.programme_years - 1, g.MAX_SERVICE_YEARS)


@dataclass(frozen=True)
class Move:
    """Moving from one group to another: an annual probability for an eligible person who stays
    (service between ``min_service_years`` and ``max_service_years``)."""

    from_group: str
    to_group: str
    rate: float
    min_service_years: int = 0
    max_service_years: int = g.MAX_SERVICE_YEARS
    kind: str = "move"

    def __post_init__(self) -> None:
        if not 0 <= self.rate <= 1:
            raise ValueError(f"move {self.from_group} → {self.to_group}: rate must be in 0-1")
        if self.from_group == self.to_group:
            raise ValueError(f"move {self.from_group}: a move must change group")


def model_groups(routes: tuple[EntryRoute, ...]) -> tuple[str, ...]:
    """Student groups (one per route with a programme) and then the confirmed groups."""
    students = tuple(r.entry_group for r in routes if r.entry_group is not None)
    return (*students, *g.CONFIRMED_GROUPS)


@dataclass(frozen=True, eq=False)
class WorkforceModel:
    """Groups, rates and costs. Arrays are indexed [group, service_year] in ``groups`` order.

    ``fte_per_head``: mean FTE of a person in each group. ``annual_cost_gbp``: pay with on-costs
    per FTE a year. Tutors: ``tutor_share`` of the constables in ``tutor_groups`` with at least
    ``tutor_min_service_years`` tutor; each takes up to ``students_per_tutor`` first-year students.
    """

    groups: tuple[str, ...]
    leaving: np.ndarray
    moves: tuple[Move, ...]
    routes: tuple[EntryRoute, ...]
    fte_per_head: np.ndarray
    annual_cost_gbp: np.ndarray
    tutor_share: float = 0.25
    tutor_min_service_years: int = 2
    students_per_tutor: float = 1.0
    tutor_groups: tuple[str, ...] = (g.RESPONSE, g.NEIGHBOURHOOD)
    transitions: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        shape = (len(self.groups), SERVICE_YEARS)
        if self.leaving.shape != shape or self.annual_cost_gbp.shape != shape:
            raise ValueError(f"leaving and annual_cost_gbp must have shape {shape}")
        if self.fte_per_head.shape != (len(self.groups),):
            raise ValueError("fte_per_head: one value per group")
        if np.any((self.leaving < 0) | (self.leaving > 1)) or np.any(self.fte_per_head < 0):
            raise ValueError("leaving must be probabilities and fte_per_head not negative")
        if not 0 <= self.tutor_share <= 1 or self.students_per_tutor < 0:
            raise ValueError("tutor_share must be in 0-1 and students_per_tutor not negative")
        self._check_names()
        object.__setattr__(self, "transitions", self._transitions())

    def _check_names(self) -> None:
        known = set(self.groups)
        if len(known) != len(self.groups):
            raise ValueError("groups: each group once")
        named = [m.from_group for m in self.moves] + [m.to_group for m in self.moves]
        named += [d for r in self.routes for d in r.destinations] + list(self.tutor_groups)
        named += [r.entry_group for r in self.routes if r.entry_group]
        unknown = sorted(set(named) - known)
        if unknown:
            raise ValueError(f"unknown group(s): {', '.join(unknown)}")
        if any(g.is_student(m.to_group) for m in self.moves):
            raise ValueError("moves: nobody moves into a student group; students join by route")
        names = [r.name for r in self.routes]
        if len(set(names)) != len(names):
            raise ValueError("routes: each route name once")

    def index(self, group: str) -> int:
        try:
            return self.groups.index(group)
        except ValueError:
            raise ValueError(f"unknown group: {group}") from None

    def route(self, name: str) -> EntryRoute:
        for route in self.routes:
            if route.name == name:
                return route
        raise ValueError(f"unknown entry route: {name}")

    def _transitions(self) -> np.ndarray:
        """P[group, service_year, k]: k = 0 leaves, k = 1 + h moves to group h; staying is the
        rest of each row."""
        n = len(self.groups)
        stay = 1.0 - self.leaving
        p = np.zeros((n, SERVICE_YEARS, n + 1))
        p[:, :, 0] = self.leaving
        for move in self.moves:
            f, t = self.index(move.from_group), self.index(move.to_group)
            years = slice(move.min_service_years, move.max_service_years + 1)
            p[f, years, 1 + t] += stay[f, years] * move.rate
        for route in self.routes:
            if route.entry_group is None:
                continue
            f = self.index(route.entry_group)
            done = slice(route.completion_service_year, None)
            p[f, done, 1:] = 0.0
            p[f, done, 0] = self.leaving[f, done] + stay[f, done] * (1 - route.pass_rate)
            for dest, share in route.destinations.items():
                p[f, done, 1 + self.index(dest)] += stay[f, done] * route.pass_rate * share
        out = p.sum(axis=2)
        if np.any(out > 1 + TOLERANCE):
            f, s = np.argwhere(out > 1 + TOLERANCE)[0]
            raise ValueError(
                f"moves out of {self.groups[f]} at {s} years' service add up to more than 1 "
                f"({out[f, s]:.3f}): lower the move rates"
            )
        return p

    def replace(self, **changes: object) -> WorkforceModel:
        """A copy with some fields changed (transitions are rebuilt and checked)."""
        return dataclasses.replace(self, **changes)

    def with_route(self, route: EntryRoute, like: str) -> WorkforceModel:
        """A copy with one more entry route; its student group copies the rows of route
        ``like``'s student group (leaving, FTE, cost)."""
        template = self.route(like).entry_group
        if route.entry_group is None or template is None:
            raise ValueError("with_route: both routes need a training programme")
        row = self.index(template)
        at = self.groups.index(g.CONFIRMED_GROUPS[0])
        def grow(a: np.ndarray) -> np.ndarray:
            return np.insert(a, at, a[row], axis=0)
        return dataclasses.replace(
            self,
            groups=(*self.groups[:at], route.entry_group, *self.groups[at:]),
            leaving=grow(self.leaving),
            fte_per_head=grow(self.fte_per_head),
            annual_cost_gbp=grow(self.annual_cost_gbp),
            routes=(*self.routes, route),
        )

    def tutor_mask(self) -> np.ndarray:
        """[group, service_year] True where constables can tutor."""
        mask = np.zeros((len(self.groups), SERVICE_YEARS), dtype=bool)
        for group in self.tutor_groups:
            mask[self.index(group), self.tutor_min_service_years :] = True
        return mask

    def student_first_year_mask(self) -> np.ndarray:
        """[group, service_year] True for tutored routes' students in their first year."""
        mask = np.zeros((len(self.groups), SERVICE_YEARS), dtype=bool)
        for route in self.routes:
            if route.entry_group is not None and route.tutored:
                mask[self.index(route.entry_group), route.entry_service_years] = True
        return mask


@dataclass(frozen=True, eq=False)
class HeadcountTarget:
    """Recruit enough each year for these groups to end the year at ``headcount`` (NaN: no
    top-up that year). Top-up joiners are split over routes by ``route_mix``."""

    name: str
    groups: tuple[str, ...]
    headcount: np.ndarray
    route_mix: Mapping[str, float]

    def __post_init__(self) -> None:
        shares = list(self.route_mix.values())
        if not shares or min(shares) < 0 or abs(sum(shares) - 1) > 1e-6:
            raise ValueError(f"target {self.name}: route_mix shares must add up to 1")


@dataclass(frozen=True, eq=False)
class IntakePlan:
    """Joiners a year by route (``joiners[year - 1, route]``, expected numbers: Monte Carlo runs
    round them at random keeping the mean), optional headcount targets, and whether tutor
    capacity limits the tutored routes' intake (students beyond it are not recruited)."""

    routes: tuple[str, ...]
    joiners: np.ndarray
    targets: tuple[HeadcountTarget, ...] = ()
    tutor_capacity_limits_intake: bool = False

    def __post_init__(self) -> None:
        if self.joiners.ndim != 2 or self.joiners.shape[1] != len(self.routes):
            raise ValueError("joiners: one column per route")
        if np.any(self.joiners < 0) or not np.all(np.isfinite(self.joiners)):
            raise ValueError("joiners: must be finite and not negative")
        for target in self.targets:
            if target.headcount.shape != (self.years,):
                raise ValueError(f"target {target.name}: one headcount per year")

    @property
    def years(self) -> int:
        return int(self.joiners.shape[0])

    def replace(self, **changes: object) -> IntakePlan:
        return dataclasses.replace(self, **changes)


def fixed_intake(model: WorkforceModel, years: int, per_year: Mapping[str, float],
                 **options: object) -> IntakePlan:
    """The same joiners every year: ``per_year`` maps route → joiners a year."""
    routes = tuple(r.name for r in model.routes)
    unknown = sorted(set(per_year) - set(routes))
    if unknown:
        raise ValueError(f"per_year: unknown route(s) {', '.join(unknown)}")
    row = np.array([float(per_year.get(r, 0.0)) for r in routes])
    return IntakePlan(routes, np.tile(row, (years, 1)), **options)  # type: ignore[arg-type]


def no_intake(model: WorkforceModel, years: int) -> IntakePlan:
    return fixed_intake(model, years, {})


def maintain_headcount(model: WorkforceModel, initial: np.ndarray, years: int,
                       officer_mix: Mapping[str, float], **options: object) -> IntakePlan:
    """Recruit to replace leavers: officers (students included), police staff and PCSOs each
    end every year at today's headcount; officers join through ``officer_mix``."""
    officers = tuple(x for x in model.groups if g.is_officer(x))
    targets = [HeadcountTarget("officers", officers,
                               np.full(years, _count(model, initial, officers)), officer_mix)]
    for staff in g.STAFF_GROUPS:
        if any(r.name == staff for r in model.routes):
            count = _count(model, initial, (staff,))
            targets.append(HeadcountTarget(staff, (staff,), np.full(years, count), {staff: 1.0}))
    plan = no_intake(model, years)
    return plan.replace(targets=tuple(targets), **options)


def align(initial: np.ndarray, groups: tuple[str, ...], to: tuple[str, ...]) -> np.ndarray:
    """A starting state for groups ``to``, by group name (new groups start empty)."""
    missing = sorted(set(groups) - set(to))
    if missing:
        raise ValueError(f"align: groups would be lost: {', '.join(missing)}")
    out = np.zeros((len(to), initial.shape[1]), dtype=initial.dtype)
    for i, group in enumerate(groups):
        out[to.index(group)] = initial[i]
    return out


def _count(model: WorkforceModel, initial: np.ndarray, groups: tuple[str, ...]) -> float:
    return float(sum(initial[model.index(x)].sum() for x in groups))
