"""Benchmark: time and peak memory of each report format (json, csv, ocsf, html) for one large scan.

    python bench/report_formats.py --resources 100000 [--database postgresql | URL] [--formats json,csv,ocsf,html]
                                   [--workers N]
    python bench/report_formats.py --existing URL [--scan ID] [--workers N]

Builds and judges the synthetic estate as bench/report_html.py does (or, with ``--existing``, takes
the newest scan of a database that bench/run.py filled), then writes each report to a file in a
separate process, so each format's peak RSS is its own. ``--workers``: the processes writing a report's
parts (reports.parts; default one per core). Prints seconds, CPU seconds of the writer and of its worker
processes, file size, peak RSS of the writer and of its largest worker, and findings per second.
"""

import argparse
import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bench.report_html import build
from inventory.db import connect, connect_readonly
from inventory.tables import Finding, Scan
from reports.parts import cores
from reports.write import write_report

FORMATS = ("json", "csv", "ocsf", "html")


def write_one(url: str, scan_id: int, fmt: str, path: Path, workers: int | None) -> tuple[float, ...]:
    """Write one report as ``wolkenwacht report`` does (read-only engine); seconds, this process's CPU seconds
    and its workers' (on a busy host the steadier figure; a PostgreSQL server's own work is not in it), and the
    peak RSS in MiB of this process and of its largest worker."""
    engine = connect_readonly(url)
    start, cpu = time.perf_counter(), time.process_time()
    write_report(engine, scan_id, fmt, path, workers=workers)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    engine.dispose()
    own, workers_used = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, cpu, workers_used.ru_utime + workers_used.ru_stime, own.ru_maxrss / 1024, workers_used.ru_maxrss / 1024


def measure(url: str, scan_id: int, formats: list[str], folder: Path, workers: int | None) -> None:
    engine = connect(url)
    with engine.connect() as conn:
        findings = conn.execute(select(func.count()).where(Finding.scan_id == scan_id)).scalar_one()
    engine.dispose()
    print(f"\nscan {scan_id}: {findings:,} findings, database {url}, workers {workers or cores()}")
    print(f"{'format':<8}{'seconds':>9}{'CPU s':>8}{'workers CPU s':>15}{'file MiB':>10}{'peak RSS MiB':>14}"
          f"{'worker MiB':>12}{'findings/s':>12}")
    context = multiprocessing.get_context("spawn")
    for fmt in formats:
        path = folder / f"report.{fmt}"
        with ProcessPoolExecutor(1, mp_context=context) as pool:  # a fresh process per format: its peak RSS is its own
            seconds, cpu, workers_cpu, rss, worker_rss = pool.submit(write_one, url, scan_id, fmt, path, workers).result()
        print(f"{fmt:<8}{seconds:>9.1f}{cpu:>8.1f}{workers_cpu:>15.1f}{path.stat().st_size / 2**20:>10,.0f}{rss:>14,.0f}"
              f"{worker_rss:>12,.0f}{findings / seconds:>12,.0f}")
        path.unlink()


def latest_scan(url: str) -> int:
    engine = connect(url)
    with engine.connect() as conn:
        scan_id = conn.execute(select(func.max(Scan.id))).scalar_one()
    engine.dispose()
    return scan_id


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=100_000, help="number of synthetic resources")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", help="SQLAlchemy URL of a new database, or 'postgresql' for a throwaway server "
                                           "(default: a temporary SQLite file)")
    parser.add_argument("--existing", help="SQLAlchemy URL of a database bench/run.py filled: report its scan")
    parser.add_argument("--scan", type=int, help="with --existing: the scan (default: the newest)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated formats")
    parser.add_argument("--workers", type=int, help="processes per report (default: one per core)")
    args = parser.parse_args(argv)
    formats = args.formats.split(",")
    if unknown := set(formats) - set(FORMATS):
        parser.error(f"--formats: {', '.join(sorted(unknown))} is not one of {', '.join(FORMATS)}")
    folder = Path(tempfile.mkdtemp(prefix="wolkenwacht-bench-reports-"))
    try:
        if args.existing:
            return measure(args.existing, args.scan or latest_scan(args.existing), formats, folder, args.workers)
        if args.database == "postgresql":
            from tests.pgserver import PostgresServer

            with PostgresServer() as server:
                return build_and_measure(args, server.new_database(), formats, folder)
        build_and_measure(args, args.database or f"sqlite:///{folder / 'bench.db'}", formats, folder)
    finally:
        shutil.rmtree(folder)


def build_and_measure(args, url: str, formats: list[str], folder: Path) -> None:
    start = time.perf_counter()
    engine, scan_id, counts = build(url, args.resources, args.seed)
    engine.dispose()
    print(f"{args.resources:,} resources judged in {time.perf_counter() - start:.1f} s; findings: "
          + ", ".join(f"{s} {n:,}" for s, n in sorted(counts.items())))
    measure(url, scan_id, formats, folder, args.workers)


if __name__ == "__main__":
    main()
