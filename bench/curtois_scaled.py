"""A synthetic Curtois & Qu instance the size of the held-back Instance24 (364 days, 150 staff,
32 shift types), made from Instance23: every shift type gets a twin (same length, and each bans
what the original bans and its twins), 50 staff are added as copies of the first 50 (limits on
a twin as on the original; the same days off and requests), and each cover of Instance23 is
split between a shift and its twin, three quarters of the requirement each (so about 1.5 times
the cover for 1.5 times the staff). It has no best-known value: it shows whether the engine
gives a roster within the time limit at that size, and how much memory it takes.

    .venv/bin/python bench/curtois_scaled.py OUT.txt
    forceplan roster benchmark OUT.txt --time-limit 600
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

SOURCE = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "curtois_shift_scheduling"
    / "Instance23.txt"
)  # fmt: skip
ADDED_STAFF = 50


def twin(shift: str) -> str:
    return shift + "x"


def sections(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("SECTION_"):
            current = line
            found[current] = []
        elif current and line and not line.startswith("#"):
            found[current].append(line)
    return found


def staff_line(line: str, new_id: str | None = None) -> str:
    parts = line.split(",")
    limits = parts[1].split("|")
    parts[1] = "|".join(limits + [twin(k.split("=")[0]) + "=" + k.split("=")[1] for k in limits])
    if new_id:
        parts[0] = new_id
    return ",".join(parts)


def scaled(text: str) -> str:
    found = sections(text)
    out = ["SECTION_HORIZON", found["SECTION_HORIZON"][0], "", "SECTION_SHIFTS"]
    for line in found["SECTION_SHIFTS"]:
        shift, length, banned = [*line.split(","), ""][:3]
        bans = [b for b in banned.split("|") if b]
        both = "|".join(bans + [twin(b) for b in bans])
        out += [f"{shift},{length},{both}", f"{twin(shift)},{length},{both}"]
    out += ["", "SECTION_STAFF"]
    staff = found["SECTION_STAFF"]
    copies = {line.split(",")[0]: line.split(",")[0] + "2" for line in staff[:ADDED_STAFF]}
    out += [staff_line(line) for line in staff]
    out += [staff_line(line, copies[line.split(",")[0]]) for line in staff[:ADDED_STAFF]]
    for name in ("SECTION_DAYS_OFF", "SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS"):
        out += ["", name]
        for line in found[name]:
            out.append(line)
            person, rest = line.split(",", 1)
            if person in copies:
                out.append(f"{copies[person]},{rest}")
    out += ["", "SECTION_COVER"]
    for line in found["SECTION_COVER"]:
        day, shift, need, under, over = line.split(",")
        half = math.ceil(int(need) * 0.75)
        for code in (shift, twin(shift)):
            out.append(f"{day},{code},{half},{under},{over}")
    return "\n".join(out) + "\n"


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    Path(sys.argv[1]).write_text(scaled(SOURCE.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
