"""Benchmark: ingest a synthetic inventory, derive its facts and judge it with every pack.

    python bench/run.py --resources 100000 [--database sqlite:///path | postgresql] [--parallel N] [--seed 1]
                        [--scans N [--changed 0.01]] [--profile] [--detail]

Prints one line per phase (seconds, rows, rows/s, peak RSS so far) and the findings per status.
The ingest phase includes producing the rows (``inventory.rows`` instances, as connectors yield
them); the generator alone is timed in a separate pass beforehand and shown on its own line.
``--profile`` prints the top 25 cumulative cProfile entries per phase, and ``--detail`` prints
the time of each check's SQL and of the slowest statements. ``--database postgresql`` starts a
throwaway PostgreSQL server (tests/pgserver.py) for the run; ``--parallel N`` runs N scans of
``--resources`` each at the same time into one database, as N scheduled jobs of one deployment
would, and prints the wall time of all of them. ``--scans N`` scans the same estate N times into one
database (``--changed`` is the fraction of resources that differ in each later scan) and prints the
bytes each scan added per table and index.
"""

import argparse
import cProfile
import multiprocessing
import pstats
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, event, insert

from bench import storage, synthetic
from connectors.registry import TABLES
from findings.engine import Params, evaluate, run_check
from findings.facts import derive_facts
from findings.packs import load_checks, load_packs
from findings.reference import load_reference
from inventory import tables
from inventory.db import Writer, connect, create_schema, schema_lock
from scanner.register import register_rows

STARTED = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


class Statements:
    """Time per SQL statement (by its first line), from the engine's cursor events.

    A streamed SELECT is only timed up to its first row; --detail re-runs the checks for those."""

    def __init__(self, engine: Engine):
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_start"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        label = next((line.strip() for line in statement.splitlines() if line.strip()), "")[:90]
        self.seconds[label] += time.perf_counter() - conn.info.pop("bench_start")
        self.calls[label] += 1

    def top(self, count: int = 12) -> list[tuple[str, float, int]]:
        ranked = sorted(self.seconds.items(), key=lambda item: -item[1])[:count]
        return [(label, seconds, self.calls[label]) for label, seconds in ranked]


class Phases:
    """Runs named phases, timing them and (with profile) profiling each one."""

    def __init__(self, profile: bool):
        self.profile, self.lines = profile, []

    @contextmanager
    def phase(self, name: str, rows: Callable[[], int]):
        profiler = cProfile.Profile() if self.profile else None
        start, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        yield
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        self.lines.append((name, seconds, cpu, rows(), peak_rss_mib()))
        if profiler:
            print(f"\n--- profile: {name} (top 25 by cumulative time)")
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)

    def print(self, produced: float) -> None:
        print(f"\n{'phase':<22}{'seconds':>9}{'CPU s':>8}{'rows':>12}{'rows/s':>11}{'peak RSS MiB':>14}")
        for name, seconds, cpu, rows, rss in self.lines:
            print(f"{name:<22}{seconds:>9.1f}{cpu:>8.1f}{rows:>12,}{rows / seconds if seconds else 0:>11,.0f}{rss:>14,.0f}")
            if name == "ingest":
                print(f"{'  producing rows':<22}{produced:>9.1f}")
        total = sum(seconds for name, seconds, *_rest in self.lines if name != "setup")
        print(f"{'total (not setup)':<22}{total:>9.1f}   (without producing rows: {total - produced:.1f})")


def producing_seconds(resources: int, seed: int, number: int, changed: float) -> float:
    """How long the generator alone takes to produce the estate (a separate, untimed-phase pass)."""
    start = time.perf_counter()
    for _row in synthetic.inventory(resources, seed, number, changed):
        pass
    return time.perf_counter() - start


def new_scan(engine: Engine) -> int:
    scan = tables.Scan.__table__
    with engine.begin() as conn:  # RETURNING: scans of --parallel processes start at the same time
        return conn.execute(insert(scan).values(started_at=STARTED, status="running", tool_version="bench",
                                                organisation_profile="ministry", config_sha256="0" * 64)
                            .returning(scan.c.id)).scalar_one()


def per_check(engine: Engine, packs: list, params: Params) -> None:
    """Re-run each check's SQL alone, reading every row: the SQL share of the evaluate phase."""
    used = {cid: load_checks()[cid] for pack in packs for control in pack.control for cid in control.checks}
    print(f"\n{'check (SQL alone, rows read)':<36}{'seconds':>9}{'rows':>12}")
    for check in used.values():
        control = next(c.id for pack in packs for c in pack.control if check.id in c.checks)
        start, rows = time.perf_counter(), sum(1 for _ in run_check(engine, check, params, control))
        print(f"{check.id:<36}{time.perf_counter() - start:>9.2f}{rows:>12,}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=100_000, help="number of synthetic resources")
    parser.add_argument("--database", help="SQLAlchemy URL of a new database, or 'postgresql' for a throwaway server "
                                           "(default: a temporary SQLite file)")
    parser.add_argument("--parallel", type=int, default=1, help="scans at the same time into one database")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scans", type=int, default=1, help="scans of the same estate, one after the other")
    parser.add_argument("--changed", type=float, default=0.0, help="fraction of resources that differ in later scans")
    parser.add_argument("--profile", action="store_true", help="print the top 25 cProfile entries per phase")
    parser.add_argument("--detail", action="store_true", help="print time per check SQL and slowest statements")
    args = parser.parse_args(argv)
    if args.database == "postgresql":
        from tests.pgserver import PostgresServer

        with PostgresServer() as server:
            return run_all(args, server.new_database())
    scratch = None if args.database else Path(tempfile.mkdtemp(prefix="wolkenwacht-bench-"))
    url = args.database or f"sqlite:///{scratch / 'bench.db'}"
    if url.startswith("sqlite:///") and Path(url.removeprefix("sqlite:///")).exists():
        parser.error(f"--database: {url} already exists; the benchmark needs a fresh inventory")
    try:
        run_all(args, url)
    finally:
        if scratch:
            shutil.rmtree(scratch)


def run_all(args, url: str) -> None:
    """One scan, or --parallel scans in separate processes (each its own seed) into the same database."""
    if args.parallel == 1:
        return run(args, url)
    started = time.perf_counter()
    jobs = [argparse.Namespace(**{**vars(args), "seed": args.seed + n, "detail": False, "profile": False})
            for n in range(args.parallel)]
    with multiprocessing.get_context("spawn").Pool(args.parallel) as pool:
        pool.starmap(run, [(job, url) for job in jobs])
    print(f"\n{args.parallel} parallel scans of {args.resources:,} resources into {url}: "
          f"{time.perf_counter() - started:.1f} s wall time")


def run(args, url: str) -> None:
    engine = connect(url)
    statements = Statements(engine)
    with schema_lock(engine):
        create_schema(engine, TABLES)
        load_reference(engine)
    before = storage.sizes(engine) if args.scans > 1 else {}
    for number in range(1, args.scans + 1):
        scan(args, engine, url, statements, number)
        if args.scans > 1:
            after = storage.sizes(engine)
            storage.print_growth(before, after, number)
            before = after


def scan(args, engine: Engine, url: str, statements: Statements, number: int) -> None:
    """One scan of the estate (the ``number``-th of this run), with its phases timed."""
    phases = Phases(args.profile)
    packs = list(load_packs().values())
    counts: dict[str, int] = {}
    with phases.phase("setup", lambda: counts["register"]):
        scan_id = new_scan(engine)
        writer = Writer(engine, scan_id)
        writer.add_all(register_rows(synthetic.register(args.resources, args.seed)))
        writer.flush()
        counts["register"] = sum(writer.counts.values())
    produced = producing_seconds(args.resources, args.seed, number, args.changed)
    writer = Writer(engine, scan_id)
    with phases.phase("ingest", lambda: sum(writer.counts.values())):
        writer.add_all(synthetic.inventory(args.resources, args.seed, number, args.changed))
        writer.flush()
    with phases.phase("facts", lambda: counts["facts"]):
        counts["facts"] = derive_facts(engine, scan_id, "classification")
    params = Params(scan_id=scan_id, scan_date=STARTED.date(), profile="ministry")
    with phases.phase("evaluate", lambda: sum(counts["findings"].values())):
        counts["findings"] = evaluate(engine, packs, params)
    if engine.dialect.name == "sqlite":
        with phases.phase("checkpoint", lambda: 0), engine.connect() as conn:
            conn.exec_driver_sql("pragma wal_checkpoint(truncate)")  # what closing the database would do
    print(f"\nscan {number}: {args.resources:,} resources, {dict(writer.counts)}, database {url}")
    phases.print(produced)
    print("\nfindings: " + ", ".join(f"{status} {n:,}" for status, n in sorted(counts["findings"].items())))
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        print(f"database size: {size / 2**20:,.0f} MiB (with WAL)")
    if args.detail:
        print(f"\n{'slowest statements (first line)':<92}{'seconds':>9}{'calls':>7}")
        for label, seconds, calls in statements.top():
            print(f"{label:<92}{seconds:>9.2f}{calls:>7}")
        per_check(engine, packs, params)

if __name__ == "__main__":
    main()
