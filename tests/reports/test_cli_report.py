"""`wolkenwacht report` writes OCSF and semicolon-separated CSV from the command line."""

import json

from click.testing import CliRunner
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding

from scanner.cli import main


def run(inv, tmp_path, *args: str):
    url = str(inv.engine.url)
    (tmp_path / "config.toml").write_text(f'database = "{url}"\n', encoding="utf-8")
    return CliRunner().invoke(main, ["report", "--config", str(tmp_path / "config.toml"), "--scan", str(inv.scan.id), *args])


def test_report_format_ocsf(inventory, tmp_path):
    result = run(inventory, tmp_path, "--format", "ocsf", "--output", "-")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == sum(f.scan_id == inventory.scan.id for f in inventory.findings.values())
    assert all(ComplianceFinding.model_validate(json.loads(line)) for line in lines)


def test_report_csv_with_semicolons(inventory, tmp_path):
    result = run(inventory, tmp_path, "--format", "csv", "--csv-separator", ";", "--output", str(tmp_path / "r.csv"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.csv").read_bytes().startswith("\ufeffscan_id;pack;control_id;".encode())
    refused = run(inventory, tmp_path, "--format", "csv", "--csv-separator", "|", "--output", "-")
    assert refused.exit_code == 2 and "'|' is not one of ',', ';'" in refused.output
