"""One rule for "on duty in an hour" (at least half of it), shared by the optimiser's hourly
cover and the web's cover graph: the range formula agrees with the rule hour by hour."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from forceplan.roster.problem import (
    MINUTES_PER_DAY,
    Tour,
    hours_on_duty,
    on_duty_in,
    slots_on_duty,
)
from forceplan.services.roster_web import hours_of


@given(st.integers(0, 3 * MINUTES_PER_DAY), st.integers(1, 16 * 60))
def test_the_hours_of_a_tour_are_those_it_covers_half_of(begin, length):
    brute = [h for h in range(0, 5 * 24) if on_duty_in(begin, length, h * 60)]
    assert list(hours_on_duty(begin, length)) == brute


@given(
    st.lists(st.tuples(st.integers(0, 1439), st.integers(60, 14 * 60)), min_size=1, max_size=4),
    st.integers(0, 3),
)
def test_the_grid_and_the_optimiser_count_the_same_hours(specs, day):
    tours = [Tour(f"T{i}", length, start) for i, (start, length) in enumerate(specs)]
    days = day + 2
    for tour in tours:
        counted = set(hours_of((tour.start_minute, tour.length_minutes), day))
        in_slots = {
            h for h in range(days * 24)
            if (day, tour.code) in slots_on_duty([tour], days, h * 60)
        }  # fmt: skip
        assert counted & set(range(days * 24)) == in_slots


def test_a_half_hour_start_counts_the_first_and_last_half_hours():
    # 07:30 for 10 h: 07:30-08:00 is half of hour 7, 17:00-17:30 half of hour 17
    assert list(hours_on_duty(7 * 60 + 30, 600)) == list(range(7, 18))
    assert list(hours_on_duty(7 * 60 + 31, 600)) == list(range(8, 18))
