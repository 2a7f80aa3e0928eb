"""Public holidays for police pay and leave rules.

Police Regulations 2003 reg. 3: a public holiday is Christmas Day, Good Friday and every bank
holiday. Dates for England and Wales (and Scotland, Northern Ireland) come from the
``holidays`` package, which carries the statutory rules and the one-off days (the 2022
jubilee, the 2023 coronation) without any download at run time. Where 1 January or
25/26 December falls at a weekend, both the day and its substitute are listed.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

SUBDIVISIONS = {"england_wales": "ENG", "scotland": "SCT", "northern_ireland": "NIR"}


@lru_cache(maxsize=64)
def _year(year: int, subdivision: str) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("GB", subdiv=subdivision, years=year))


def public_holidays(start: dt.date, end: dt.date, region: str = "england_wales"
                    ) -> dict[dt.date, str]:
    """Public holidays from ``start`` to ``end`` inclusive, each with its name."""
    if region not in SUBDIVISIONS:
        raise ValueError(f"region: one of {', '.join(SUBDIVISIONS)}, not {region!r}")
    found: dict[dt.date, str] = {}
    for year in range(start.year, end.year + 1):
        found.update({d: n for d, n in _year(year, SUBDIVISIONS[region]).items()
                      if start <= d <= end})
    return dict(sorted(found.items()))
