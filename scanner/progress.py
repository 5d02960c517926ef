"""Progress of a scan: a live display on a terminal, plain log lines otherwise (cron)."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

log = logging.getLogger("wolkenwacht.scan")


@contextmanager
def progress_reporter(console: Console) -> Iterator:
    """Yield a callback ``progress(label, rows)`` that shows how many rows each source produced."""
    if not console.is_terminal:
        yield lambda label, rows: log.info("%s: %d rows", label, rows)
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} rows"),
                  TimeElapsedColumn(), console=console, transient=False) as bar:
        tasks: dict[str, int] = {}

        def progress(label: str, rows: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=None)
            bar.update(tasks[label], completed=rows)
        yield progress
