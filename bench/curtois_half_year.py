"""A synthetic Curtois & Qu instance the size of the held-back Instance20 (182 days, 50 staff,
6 shift types), made from Instance21 (182 days, 100 staff, 8 shift types): the first STAFF
staff are kept (50 by default) with their days off and requests, shift types d3 and p2 are
dropped (with every limit, ban, request and cover that names them), and each cover is scaled
so that the cover is about the same share of the staff's minimum hours as in Instance21
(84-87%: a tightly staffed half-year). It has no best-known value: it shows which route to a
first roster (one model, or windows) serves a half-year of a mid-sized unit.

    .venv/bin/python bench/curtois_half_year.py OUT.txt [STAFF]
    forceplan roster benchmark OUT.txt --time-limit 600

Session 11 (bench/RESULTS.md): with 50 staff (37,128 variables) one model's first roster came
at 437 s of 600; with 30 (21,658) at 18 s.
"""

from __future__ import annotations

import sys
from pathlib import Path

SOURCE = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "curtois_shift_scheduling"
    / "Instance21.txt"
)  # fmt: skip
DROPPED = frozenset({"d3", "p2"})
#: Instance21's 100 staff over its 8 shift types against STAFF over 6, and 5% more cover: the
#: share of the staff's minimum hours the cover asks for stays near Instance21's 85%.
COVER_SCALE = 8 / 6 * 1.05


def half_year(text: str, staff: int) -> str:
    out: list[str] = []
    section, kept, seen = None, set(), 0
    for line in text.splitlines():
        if line.startswith("SECTION_"):
            section = line
            out.append(line)
            continue
        if not line or line.startswith("#"):
            out.append(line)
            continue
        cells = line.split(",")
        if section == "SECTION_SHIFTS":
            if cells[0] in DROPPED:
                continue
            bans = cells[2].split("|") if len(cells) > 2 else []
            out.append(",".join([cells[0], cells[1], "|".join(b for b in bans if b and
                                                              b not in DROPPED)]))  # fmt: skip
        elif section == "SECTION_STAFF":
            seen += 1
            if seen > staff:
                continue
            kept.add(cells[0])
            limits = cells[1].split("|")
            cells[1] = "|".join(k for k in limits if k.split("=")[0] not in DROPPED)
            out.append(",".join(cells))
        elif section == "SECTION_DAYS_OFF":
            if cells[0] in kept:
                out.append(line)
        elif section in ("SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS"):
            if cells[0] in kept and cells[2] not in DROPPED:
                out.append(line)
        elif section == "SECTION_COVER":
            if cells[1] in DROPPED:
                continue
            cells[2] = str(round(int(cells[2]) * staff / 100 * COVER_SCALE))
            out.append(",".join(cells))
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    staff = int(sys.argv[2]) if len(sys.argv) == 3 else 50
    text = half_year(SOURCE.read_text(encoding="utf-8"), staff)
    Path(sys.argv[1]).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
