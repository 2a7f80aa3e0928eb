"""Synthetic Curtois & Qu instances the size of two held-back ones, made from visible ones.

- ``instance20`` (default): 182 days, 50 staff, 6 shift types (the held-back Instance20), made
  from Instance21 (182 days, 100 staff, 8 shift types). Shift types d3 and p2 are dropped.
- ``instance22``: 364 days, 50 staff, 10 shift types (the held-back Instance22), made from
  Instance23 (364 days, 100 staff, 16 shift types). Shift types a3, a4, d4, d5, p3 and n2 are
  dropped.

The first STAFF staff are kept (50 by default), with their days off and requests. Every limit,
ban, request and cover that names a dropped shift type goes. Each cover is scaled so that the
cover stays about as large a share of the staff's minimum hours as in the source (a tightly
staffed horizon). These have no best-known values: they show which route to a first roster
(one model, or windows) serves units of these sizes, and how far the improvement gets.

    .venv/bin/python bench/curtois_standin.py OUT.txt [STAFF] [--like instance22]
    forceplan roster benchmark OUT.txt --time-limit 600

Session 11 (bench/RESULTS.md): the instance20 stand-in with 50 staff (37,128 variables) got
its first roster from one model only at 437 s of 600, and with 30 staff (21,658) at 18 s.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "curtois_shift_scheduling"


@dataclass(frozen=True)
class Like:
    source: str
    dropped: frozenset[str]
    #: cover × STAFF / 100 × this: the cover's share of the staff's minimum hours stays near
    #: the source's (Instance21 85%, Instance23 78%; the stand-ins 84-87% and 83%)
    cover_scale: float


LIKE = {
    "instance20": Like("Instance21", frozenset({"d3", "p2"}), 8 / 6 * 1.05),
    "instance22": Like("Instance23", frozenset({"a3", "a4", "d4", "d5", "p3", "n2"}), 1.7),
}


def stand_in(text: str, staff: int, like: Like) -> str:
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
            if cells[0] in like.dropped:
                continue
            bans = cells[2].split("|") if len(cells) > 2 else []
            out.append(",".join([cells[0], cells[1], "|".join(b for b in bans if b and
                                                              b not in like.dropped)]))  # fmt: skip
        elif section == "SECTION_STAFF":
            seen += 1
            if seen > staff:
                continue
            kept.add(cells[0])
            limits = cells[1].split("|")
            cells[1] = "|".join(k for k in limits if k.split("=")[0] not in like.dropped)
            out.append(",".join(cells))
        elif section == "SECTION_DAYS_OFF":
            if cells[0] in kept:
                out.append(line)
        elif section in ("SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS"):
            if cells[0] in kept and cells[2] not in like.dropped:
                out.append(line)
        elif section == "SECTION_COVER":
            if cells[1] in like.dropped:
                continue
            cells[2] = str(round(int(cells[2]) * staff / 100 * like.cover_scale))
            out.append(",".join(cells))
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("staff", type=int, nargs="?", default=50)
    parser.add_argument("--like", choices=sorted(LIKE), default="instance20")
    args = parser.parse_args()
    like = LIKE[args.like]
    text = (DATA / f"{like.source}.txt").read_text(encoding="utf-8")
    args.out.write_text(stand_in(text, args.staff, like), encoding="utf-8")


if __name__ == "__main__":
    main()
