"""Three organisations scanned at the same time into one fresh PostgreSQL database: no errors, no
lost rows, and per organisation exactly the findings a scan into SQLite gives; the consolidated
CIO Rijk report covers all three."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import text

from inventory.db import connect
from scanner.demo import demo_estate

ORGANISATIONS = ("Ministerie van Binnenwateren", "Ministerie van Dijken", "Ministerie van Polders")
FINDINGS = """
    select f.pack, f.control_id, f.check_id, f.status, f.message from finding f join scan s on s.id = f.scan_id
    where s.organisation_name = :organisation"""


def config_for(template: str, database: str, organisation: str) -> str:
    lines = [f'database = "{database}"' if line.startswith("database = ") else
             f'name = "{organisation}"' if line == 'name = "Ministerie van Binnenwateren"' else line
             for line in template.splitlines()]
    return "\n".join(lines) + "\n"


def scan(config: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "scanner", "scan", "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def findings(url: str, organisation: str) -> Counter:
    engine = connect(url)
    try:
        with engine.connect() as conn:
            return Counter(tuple(row) for row in conn.execute(text(FINDINGS), {"organisation": organisation}))
    finally:
        engine.dispose()


def test_three_organisations_scan_into_one_postgresql_database_at_once(tmp_path, postgres):
    shared = postgres.new_database()
    with demo_estate(tmp_path / "estate") as demo_config:
        template = demo_config.read_text(encoding="utf-8")
        configs = []
        for n, organisation in enumerate(ORGANISATIONS):
            configs.append(demo_config.with_name(f"org{n}.toml"))
            configs[-1].write_text(config_for(template, shared, organisation), encoding="utf-8")
        alone = demo_config.with_name("sqlite.toml")
        alone.write_text(config_for(template, f"sqlite:///{tmp_path / 'alone.db'}", ORGANISATIONS[0]), encoding="utf-8")
        runs = [scan(config) for config in configs]  # at once, into a database without any schema yet
        outputs = [run.communicate(timeout=600)[0] for run in runs]
        reference = scan(alone)
        reference_output = reference.communicate(timeout=600)[0]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert reference.returncode == 0, reference_output
    expected = findings(f"sqlite:///{tmp_path / 'alone.db'}", ORGANISATIONS[0])
    assert sum(expected.values()) > 100
    for organisation in ORGANISATIONS:
        assert findings(shared, organisation) == expected, organisation

    report = tmp_path / "cio-all.html"
    done = subprocess.run([sys.executable, "-m", "scanner", "report", "--config", str(configs[0]), "--format", "cio",
                           "--all-organisations", "--output", str(report)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    html = report.read_text(encoding="utf-8")
    assert all(f'data-organisation="{organisation}"' in html for organisation in ORGANISATIONS)
