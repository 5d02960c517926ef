"""What a scan tells the person or the cron job watching it: a live display and rich log lines on a
terminal; otherwise (cron, systemd, Kubernetes) one plain line per event, with time and level."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from inventory.messages import say

log = logging.getLogger("wolkenwacht.scan")
NOISY = ("azure", "botocore", "urllib3", "httpx", "google", "werkzeug", "alembic")


class OneLineFormatter(logging.Formatter):
    """``2026-12-07T02:00:03+0000 WARNING wolkenwacht.scan: message``: line breaks in the message or
    an exception's traceback become `` | ``, so one event is always one line."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S%z")

    def format(self, record: logging.LogRecord) -> str:
        return " | ".join(line for line in super().format(record).splitlines() if line.strip())


def setup_logging(console: Console, verbose: bool) -> None:
    """Rich log lines on a terminal, one plain line per event elsewhere; SDK chatter only from WARNING."""
    if console.is_terminal:
        handler: logging.Handler = RichHandler(console=console, show_path=False)
    else:
        handler = logging.StreamHandler(console.file)
        handler.setFormatter(OneLineFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "wolkenwacht", False)]:
        root.removeHandler(old)
    handler.wolkenwacht = True  # replaced, not added to, when the CLI runs again in one process (tests)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)


@contextmanager
def progress_reporter(console: Console) -> Iterator:
    """Yield a callback ``progress(label, rows)`` that shows how many rows each source produced."""
    if not console.is_terminal:
        yield lambda label, rows: log.info(say("scan.rows", label=label, rows=rows))
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn(say("scan.rows_column", rows="{task.completed}")),
                  TimeElapsedColumn(), console=console, transient=False) as bar:
        tasks: dict[str, int] = {}

        def progress(label: str, rows: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=None)
            bar.update(tasks[label], completed=rows)
        yield progress
