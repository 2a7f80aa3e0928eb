"""Small SVG charts: a daily line with marked gaps and shifts, and horizontal bars."""

from __future__ import annotations

import datetime as dt
from html import escape

WIDTH, HEIGHT, PAD = 760, 220, 40
LEFT = 64  # room for the value labels


def line_chart(points: list[tuple[str, float]], *, title: str,
               gaps: list[tuple[str, str]] = (), marks: list[tuple[str, str]] = ()) -> str:
    """``points`` (ISO day, value); ``gaps`` shaded (from, to); ``marks`` vertical (day, label)."""
    if not points:
        return f'<p class="muted">{escape(title)}: no data</p>'
    days = [dt.date.fromisoformat(d) for d, _ in points]
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)
    top = max(v for _, v in points) or 1
    x = lambda day: LEFT + (WIDTH - LEFT - PAD) * (day - first).days / span  # noqa: E731
    y = lambda v: HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / top  # noqa: E731
    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
             f'class="chart"><title>{escape(title)}</title>']
    for start, end in gaps:
        a, b = x(dt.date.fromisoformat(start)), x(dt.date.fromisoformat(end))
        parts.append(f'<rect x="{a:.1f}" y="{PAD}" width="{max(b - a, 3):.1f}" '
                     f'height="{HEIGHT - 2 * PAD}" fill="#f4c7c3"><title>no records '
                     f'{escape(start)} to {escape(end)}</title></rect>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(d):.1f},{y(v):.1f}"
                    for i, (d, (_, v)) in enumerate(zip(days, points, strict=True)))
    parts.append(f'<path d="{path}" fill="none" stroke="#1f5f99" stroke-width="1.5"/>')
    if len(points) == 1:
        parts.append(f'<circle cx="{x(days[0]):.1f}" cy="{y(points[0][1]):.1f}" r="4" '
                     'fill="#1f5f99"/>')
    for day, label in marks:
        xm = x(dt.date.fromisoformat(day))
        parts.append(f'<line x1="{xm:.1f}" x2="{xm:.1f}" y1="{PAD}" y2="{HEIGHT - PAD}" '
                     f'stroke="#c0392b" stroke-dasharray="4 3"/><text x="{xm + 4:.1f}" '
                     f'y="{PAD + 12}" font-size="11" fill="#c0392b">{escape(label)}</text>')
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - PAD}" y1="{HEIGHT - PAD}" '
                 f'y2="{HEIGHT - PAD}" stroke="#888"/>')
    parts.append(f'<text x="{LEFT}" y="{HEIGHT - 12}" font-size="11">{first.isoformat()}</text>')
    parts.append(f'<text x="{WIDTH - PAD}" y="{HEIGHT - 12}" font-size="11" '
                 f'text-anchor="end">{last.isoformat()}</text>')
    parts.append(f'<text x="{LEFT - 6}" y="{PAD + 4}" font-size="11" text-anchor="end">'
                 f'{top:,.0f}</text><text x="{LEFT - 6}" y="{HEIGHT - PAD}" font-size="11" '
                 'text-anchor="end">0</text></svg>')
    return "".join(parts)


def bar_chart(items: list[tuple[str, float]], *, title: str, as_percent: bool = True) -> str:
    """Horizontal bars, one per (label, value); values 0..1 when ``as_percent``."""
    if not items:
        return f'<p class="muted">{escape(title)}: no data</p>'
    row, label_width = 18, 190
    height = PAD + row * len(items)
    top = 1.0 if as_percent else max(v for _, v in items) or 1
    parts = [f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
             f'class="chart"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(items):
        y = 10 + i * row
        width = (WIDTH - label_width - 80) * value / top
        colour = "#1f5f99" if not as_percent or value >= 0.9 else (
            "#e67e22" if value >= 0.5 else "#c0392b")
        text = f"{value:.0%}" if as_percent else f"{value:,.0f}"
        parts.append(f'<text x="{label_width - 6}" y="{y + 12}" font-size="12" '
                     f'text-anchor="end">{escape(label)}</text><rect x="{label_width}" y="{y}" '
                     f'width="{width:.1f}" height="{row - 4}" fill="{colour}"/><text '
                     f'x="{label_width + width + 4:.1f}" y="{y + 12}" font-size="11">{text}</text>')
    parts.append("</svg>")
    return "".join(parts)
