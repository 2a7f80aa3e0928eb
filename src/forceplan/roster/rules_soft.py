"""Soft roster rules: weighted costs the optimiser keeps as low as it can.

Weights are the registry defaults below, overridden per roster with ``RuleConfig.weights``
(docs/roster.md lists them). Cover and request weights also carry their own per-item weights.
"""

from __future__ import annotations

from forceplan.roster.model import ModelContext, rule
from forceplan.roster.problem import tour_gap_minutes


@rule("cover", "soft", "Officers on duty below or above the requirement in each period.")
def add_cover(ctx: ModelContext) -> None:
    for n, cover in enumerate(ctx.problem.covers):
        if not (cover.weight_under or cover.weight_over):
            continue
        on_duty = [ctx.on_duty(d, code, cover) for d, code in cover.slots]
        most = sum(
            1
            for i, officer in enumerate(ctx.officers)
            if cover.counts(officer)
            for d, code in cover.slots
            if code in ctx.x[i][d]
        )
        under = ctx.model.new_int_var(0, max(cover.requirement, 0), f"under_{n}")
        over = ctx.model.new_int_var(0, max(most - cover.requirement, 0), f"over_{n}")
        ctx.model.add(sum(on_duty) + under - over == cover.requirement)
        day = cover.slots[0][0] if cover.slots else None
        ctx.penalise(under, cover.weight_under, day=day, key=f"under:{cover.key}")
        ctx.penalise(over, cover.weight_over, day=day, key=f"over:{cover.key}")


@rule("requests", "soft", "Officers' shift requests, bids and requests for days off not granted.")
def add_requests(ctx: ModelContext) -> None:
    for request in ctx.problem.requests:
        i = ctx.index.get(request.officer_id)
        if i is None or not 0 <= request.day < ctx.problem.days:
            continue
        officer = ctx.officers[i]
        if request.tour is None:
            worked = ctx.works[i][request.day]
        else:
            found = ctx.tour_vars(i, request.day, [request.tour])
            worked = found[0] if found else 0
        # a request for a tour the officer cannot work is refused whatever we do: a constant
        refused = (1 - worked) if request.on else worked
        ctx.penalise(refused, request.weight, officer=officer, day=request.day)


@rule(
    "quick_returns",
    "soft",
    "Fatigue: short rest (under 12 hours by default) between tours.",
    weight=20,
)
def add_quick_returns(ctx: ModelContext) -> None:
    quick = ctx.problem.settings.quick_return_minutes
    if quick is None:
        return
    pairs = {}
    for a in ctx.problem.tours:
        close = [
            b.code
            for b in ctx.problem.tours
            if (gap := tour_gap_minutes(a, 0, b, 1)) is not None and gap < quick
        ]
        if close:
            pairs[a.code] = close
    _penalise_successions(ctx, pairs, "quick")


@rule("backward_rotation", "soft", "Fatigue: a tour starting earlier than yesterday's.", weight=5)
def add_backward_rotation(ctx: ModelContext) -> None:
    pairs = {}
    for a in ctx.problem.tours:
        earlier = [
            b.code
            for b in ctx.problem.tours
            if a.start_minute is not None
            and b.start_minute is not None
            and b.start_minute < a.start_minute
        ]
        if earlier:
            pairs[a.code] = earlier
    _penalise_successions(ctx, pairs, "back")


def _penalise_successions(ctx: ModelContext, pairs: dict[str, list[str]], tag: str) -> None:
    for i, officer in enumerate(ctx.officers):
        for d in range(ctx.problem.days - 1):
            for code, nexts in pairs.items():
                if code not in ctx.x[i][d]:
                    continue
                later = ctx.tour_vars(i, d + 1, nexts)
                if not later:
                    continue
                both = ctx.model.new_bool_var(f"{tag}_{i}_{d}_{code}")
                ctx.model.add(both >= ctx.x[i][d][code] + sum(later) - 1)
                ctx.penalise(both, 1, officer=officer, day=d + 1)


@rule("long_night_runs", "soft", "Fatigue: runs of nights longer than preferred.", weight=30)
def add_long_night_runs(ctx: ModelContext) -> None:
    most = ctx.problem.settings.preferred_max_consecutive_nights
    nights = [t.code for t in ctx.problem.tours if t.night]
    if most is None or not nights:
        return
    for i, officer in enumerate(ctx.officers):
        flags = [sum(ctx.tour_vars(i, d, nights)) for d in range(ctx.problem.days)]
        for start in range(ctx.problem.days - most):
            excess = ctx.model.new_bool_var(f"nightrun_{i}_{start}")
            ctx.model.add(sum(flags[start : start + most + 1]) <= most + excess)
            ctx.penalise(excess, 1, officer=officer, day=start + most)


def _spread(ctx: ModelContext, counts: list, name: str, weight: int) -> None:
    if len(counts) < 2:
        return
    top = ctx.model.new_int_var(0, ctx.problem.days, f"{name}_max")
    low = ctx.model.new_int_var(0, ctx.problem.days, f"{name}_min")
    ctx.model.add_max_equality(top, counts)
    ctx.model.add_min_equality(low, counts)
    ctx.penalise(top - low, weight, key=name)


@rule("fair_nights", "soft", "Fairness: nights shared evenly (spread across officers).", weight=10)
def add_fair_nights(ctx: ModelContext) -> None:
    nights = [t.code for t in ctx.problem.tours if t.night]
    if not nights:
        return
    counts = []
    for i, officer in enumerate(ctx.officers):
        if not any(officer.may_work(c) for c in nights):
            continue
        prior = ctx.problem.prior_counts.get(officer.id, {}).get("nights", 0)
        worked = sum(v for d in range(ctx.problem.days) for v in ctx.tour_vars(i, d, nights))
        counts.append(worked + prior)
    _spread(ctx, counts, "nights", 1)


@rule("fair_weekends", "soft", "Fairness: weekend days worked shared evenly.", weight=10)
def add_fair_weekends(ctx: ModelContext) -> None:
    weekend_days = [d for days in ctx.problem.weekends() for d in days]
    if not weekend_days:
        return
    counts = []
    for i, officer in enumerate(ctx.officers):
        prior = ctx.problem.prior_counts.get(officer.id, {}).get("weekends", 0)
        counts.append(sum(ctx.works[i][d] for d in weekend_days) + prior)
    _spread(ctx, counts, "weekends", 1)


@rule("stability", "soft", "Changes to the published roster (per officer-day).", weight=50)
def add_stability(ctx: ModelContext) -> None:
    for i, officer, d, code in ctx.officer_days(ctx.problem.published):
        if code is None:
            changed = ctx.works[i][d]
        else:
            found = ctx.tour_vars(i, d, [code])
            changed = 1 - found[0] if found else None
        if changed is not None:
            ctx.penalise(changed, 1, officer=officer, day=d)


@rule(
    "rest_day_cancelled",
    "soft",
    "Re-rostering: a published rest day cancelled (costed by notice, Police Regulations reg. 26).",
)
def add_rest_day_cancelled(ctx: ModelContext) -> None:
    for i, officer, d, by_tour in ctx.officer_days(ctx.problem.rest_day_cancel_cost):
        for code, cost in by_tour.items():
            for var in ctx.tour_vars(i, d, [code]):
                ctx.penalise(var, cost, officer=officer, day=d)
