"""Pieces every terminal command shares: the consoles, the database option, progress bars,
tables from frames and date options."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console()
errors = Console(stderr=True)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        "-d",
        help="Store URL (default: FORCEPLAN_DATABASE_URL or sqlite:///forceplan.db).",
        show_default=False,
    ),
]


def database(url: str | None):
    from forceplan.store import Database

    return Database(url)


@contextmanager
def progress(description: str) -> Iterator[callable]:
    columns = (
        TextColumn("{task.description:<32}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(description, total=1.0)

        def update(stage: str, fraction: float) -> None:
            progress.update(task, completed=fraction, description=stage)

        yield update


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:,}" if isinstance(value, int) else str(value)


def frame_table(title: str, frame, total_row: bool = True) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for name, dtype in frame.schema.items():
        table.add_column(name.replace("_", " "), justify="right" if dtype.is_numeric() else "left")
    for row in frame.iter_rows():
        table.add_row(*(_cell(v) for v in row))
    if total_row and frame.height:
        sums = [frame[c].sum() if frame[c].dtype.is_integer() else "" for c in frame.columns]
        sums[0] = "total"
        table.add_row(*(f"{v:,}" if isinstance(v, int) else str(v) for v in sums), style="bold")
    return table


def parse_date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date; use YYYY-MM-DD",
                                 param_hint=option) from None
