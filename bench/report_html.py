"""Benchmark: the HTML report of a large synthetic estate, its file size and the time to open it in Chromium.

    python bench/report_html.py --resources 100000 [--seed 1]

Builds the inventory as bench/run.py does (ingest, facts, every pack), writes the HTML report and
opens it in headless Chromium (tests/browser/chromium.py), timing the load until the findings
table is drawn, then a search and a filter over all findings.
"""

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from selenium.webdriver.support.ui import Select, WebDriverWait

from bench import synthetic
from bench.run import STARTED, new_scan
from connectors.registry import TABLES
from findings.engine import Params, evaluate
from findings.facts import derive_facts
from findings.packs import load_packs
from findings.reference import load_reference
from inventory.db import Writer, connect, create_schema
from reports.write import write_report
from scanner.register import register_rows
from tests.browser.chromium import chromium


def build(url: str, resources: int, seed: int) -> tuple[object, int, dict]:
    """A judged synthetic inventory: the engine, the scan id and the findings per status."""
    engine = connect(url)
    create_schema(engine, TABLES)
    load_reference(engine)
    scan_id = new_scan(engine)
    writer = Writer(engine, scan_id)
    writer.add_all(register_rows(synthetic.register(resources, seed)))
    writer.add_all(synthetic.inventory(resources, seed))
    writer.flush()
    derive_facts(engine, scan_id, "classification")
    counts = evaluate(engine, list(load_packs().values()), Params(scan_id=scan_id, scan_date=STARTED.date(), profile="ministry"))
    return engine, scan_id, counts


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def open_in_chromium(path: Path) -> dict[str, float]:
    """Seconds to load the report (the script has drawn the first page), to search and to filter."""
    with chromium() as driver:
        driver.set_page_load_timeout(600)
        load = timed(lambda: driver.get(path.as_uri()))
        shown = driver.find_element("id", "shown-count").text

        def changed(action) -> float:
            before = driver.find_element("id", "shown-count").text
            return timed(lambda: (action(), WebDriverWait(driver, 600, poll_frequency=0.02).until(
                lambda d: d.find_element("id", "shown-count").text != before)))

        query = changed(lambda: driver.find_element("id", "search").send_keys("eu-west-1"))
        status = Select(driver.find_element("css selector", 'select[data-filter="status"]'))
        pick = changed(lambda: status.select_by_value("error"))
        heap = driver.execute_script("return performance.memory ? performance.memory.usedJSHeapSize : 0")
    return {"load": load, "search": query, "filter": pick, "rows": int(shown), "heap_mib": heap / 2**20}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=100_000, help="number of synthetic resources")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="wolkenwacht-bench-report-"))
    try:
        start = time.perf_counter()
        engine, scan_id, counts = build(f"sqlite:///{scratch / 'bench.db'}", args.resources, args.seed)
        print(f"{args.resources:,} resources judged in {time.perf_counter() - start:.1f} s; findings: "
              + ", ".join(f"{s} {n:,}" for s, n in sorted(counts.items())))
        path = scratch / "report.html"
        seconds = timed(lambda: write_report(engine, scan_id, "html", path))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"html written in {seconds:.1f} s, {path.stat().st_size / 2**20:.1f} MiB (peak RSS so far {rss:.0f} MiB)")
        browser = open_in_chromium(path)
        print(f"chromium: load {browser['load']:.1f} s ({browser['rows']:,} findings in the table), "
              f"search {browser['search']:.2f} s (with its 0.2 s debounce), status filter {browser['filter']:.2f} s, "
              f"JS heap {browser['heap_mib']:.0f} MiB")
    finally:
        shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
