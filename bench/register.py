"""Benchmark: read and validate a register of many services, as every scan does.

    python bench/register.py [--services 20000]

Writes a register file with ``--services`` [[service]] entries (every field filled in), then times
``scanner.register.load_register`` (TOML parsing, validation, the duplicate check) and
``register_rows`` in CPU seconds at a quarter, half and all of that number, so the growth shows:
linear when the time doubles with the number of services.
"""

import argparse
import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from findings.packs import all_controls
from scanner.register import load_register, register_rows

SERVICE = """
[[service]]
provider = "{provider}"
account = "{account}"
name = "Service {n}"
owner = "CIO-office"
material = true
classification = "intern"
service_model = "IaaS"
exit_plan = "EXIT-{n}"
emergency_plan = "NOOD-{n}"
right_to_audit = true
sub_processors = ["Equinix", "Interxion"]
declared_regions = ["eu-west-1", "eu-central-1"]
contract_start = 2021-01-01
contract_end = 2029-12-31
reported_to_cio_rijk = 2026-09-01
in_use_since = 2023-02-01
risk_assessment = {{ reference = "DPIA-{n}", date = 2025-03-01, covers_jurisdiction = true }}
exit_strategy = {{ portability_terms = "art. 12", alternative = "ODC-Noord", crisis = "crisis exit", regular = "at contract end" }}
"""
PROVIDERS = ("aws", "azure", "gcp", "m365")


def register_text(services: int) -> str:
    return "".join(SERVICE.format(provider=PROVIDERS[n % 4], account=f"{n:012d}", n=n) for n in range(services))


def measure(path: Path, services: int) -> dict[str, float]:
    """CPU seconds (the host is shared; wall time varies with its load) of each step."""
    text = register_text(services)
    path.write_text(text, encoding="utf-8")
    controls = all_controls()
    started = time.process_time()
    tomllib.loads(text)
    parsed = time.process_time()
    register, _ = load_register(path, controls)
    loaded = time.process_time()
    assert len(register_rows(register)) == services
    return {"toml": parsed - started, "load": loaded - parsed, "rows": time.process_time() - loaded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for services in (args.services // 4, args.services // 2, args.services):
            cpu = measure(Path(folder) / "register.toml", services)
            print(f"{services:>8,} services: load_register {cpu['load']:6.2f} s CPU ({services / cpu['load']:,.0f}/s; "
                  f"TOML parsing alone {cpu['toml']:.2f} s), register_rows {cpu['rows']:.2f} s")


if __name__ == "__main__":
    main()
