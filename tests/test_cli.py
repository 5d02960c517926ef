"""The command line and the demo, end to end: moto server, scan, reports, queries, exit codes."""

import json
import shutil
import sqlite3
from contextlib import ExitStack
from pathlib import Path

import pytest
from click.testing import CliRunner

from findings.packs import all_controls
from scanner.cli import main
from scanner.demo import DEMO_CONFIG, _start_moto
from scanner.demo.aws_estate import build_aws_estate
from scanner.schema_doc import schema_markdown

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo's output folder: config.toml, register.toml, wolkenwacht.db, report.html."""
    folder = tmp_path_factory.mktemp("demo")
    result = cli("demo", "--output-dir", str(folder))
    assert result.exit_code == 0, result.output
    return folder


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def findings_of(demo: Path, *args: str) -> list[dict]:
    result = cli("findings", "--config", str(demo / "config.toml"), "--json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def status_of(rows: list[dict], control: str, resource_part: str) -> set[str]:
    return {r["status"] for r in rows if r["control_id"] == control and resource_part in (r["resource_uid"] or "")}


def test_demo_writes_report_and_judges_the_estate(demo):
    assert (demo / "report.html").stat().st_size > 1000
    rows = findings_of(demo)
    assert status_of(rows, "RBC26-EEA", ":::minbiwa-analytics-us") == {"fail"}
    assert status_of(rows, "RBC22-PERSONAL", ":::minbiwa-analytics-us") == {"pass"}  # US, DPF-certified provider
    assert status_of(rows, "RBC26-EEA", ":::minbiwa-publicaties-us") == {"fail"}  # an accepted risk: no explain route
    assert status_of(rows, "RBC26-EEA", ":::minbiwa-zaken-eu") == {"pass"}
    assert status_of(rows, "RBC26-ENCRYPT", ":::minbiwa-archief") == {"fail"}
    assert status_of(rows, "RBC26-ENCRYPT", ":::minbiwa-publicaties-us") == {"pass"}  # openbaar
    assert status_of(rows, "RBC22-C2000", ":ec2:cn-north-1:") == {"fail"}
    assert status_of(rows, "RBC22-C2000", ":ec2:ap-east-1:") == {"fail"}  # Hong Kong
    assert status_of(rows, "RBC26-BASISREG", "table/minbiwa-brp-kopie") == {"fail"}
    assert status_of(rows, "RBC26-SPECIAL-PET", ":::minbiwa-gezondheid") == {"fail"}
    assert {r["status"] for r in rows if r["control_id"] == "RBC22-STATESECRET" and r["status"] == "fail"} == {"fail"}
    exitplan = {r["account_id"]: r["status"] for r in rows if r["control_id"] == "RBC26-EXITPLAN"}
    # emergency plan missing; AWS reports no creation time and the register's in_use_since (2023) never
    # makes use older than its first sighting (this scan): no transition
    assert exitplan["123456789012"] == "fail"
    assert exitplan["minbiwa-data-prod"] == "transition"  # project created 2024-11-04 (the provider says so)
    assert exitplan["7c3a9d10-2f4e-4b8a-9e61-0d5c8f2a1b34"] == "pass"
    assert exitplan["9a7c2e10-4b3d-4f5e-8a6b-7c8d9e0f1a21"] == "not_applicable"  # not material


def test_report_json_follows_the_contract(demo):
    result = cli("report", "--config", str(demo / "config.toml"), "--format", "json", "--output", "-")
    report = json.loads(result.output)
    assert set(report["scan"]) >= {"id", "started_at", "finished_at", "status"}
    transition = next(f for f in report["findings"] if f["control_id"] == "RBC26-EXITPLAN" and f["status"] == "transition")
    assert transition["deadline"] == "2030-07-03"
    eea = next(f for f in report["findings"] if f["control_id"] == "RBC26-EEA" and "minbiwa-analytics-us" in f["resource"]["uid"])
    assert eea["status"] == "fail" and eea["resource"]["country"] == "US" and eea["resource"]["region"] == "us-east-1"
    assert set(eea) >= {"control_id", "pack", "status", "severity", "title", "message", "deadline", "evidence", "resource"}


def test_query_is_read_only(demo):
    config = str(demo / "config.toml")
    count = cli("query", "--config", config, "--format", "csv", "select count(*) as n from resource")
    assert count.exit_code == 0 and int(count.output.splitlines()[1]) >= 10
    before = cli("query", "--config", config, "--format", "csv", "select count(*) from finding").output
    refused = cli("query", "--config", config, "delete from finding_row")  # a table: the view could never be written
    assert refused.exit_code == 3 and "only reading is allowed" in refused.output
    assert cli("query", "--config", config, "--format", "csv", "select count(*) from finding").output == before


def test_findings_filters(demo):
    rows = findings_of(demo, "--status", "fail", "--pack", "rijksbreed-2026", "--severity", "high")
    assert rows and all(r["status"] == "fail" and r["pack"] == "rijksbreed-2026" for r in rows)
    assert all(r["severity"] in ("critical", "high") for r in rows)


def test_scan_fail_on_and_bad_config(tmp_path):
    with ExitStack() as stack:
        url = _start_moto(stack)
        build_aws_estate(url)
        config = tmp_path / "config.toml"
        config.write_text(DEMO_CONFIG.format(aws_url=url).replace('register = "register.toml"\n', ""))
        assert cli("scan", "--config", str(config), "--fail-on", "critical").exit_code == 1
        plain = cli("scan", "--config", str(config))
        assert plain.exit_code == 0
        failed = [line for line in plain.stderr.splitlines() if "failed call: provider=aws estate=minbiwa-aws" in line]
        assert failed and all("account=123456789012" in line and "permission=" in line for line in failed)
    config.write_text('[[aws]]\nname = "x"\nregions = "eu-west-1"\n')
    bad = cli("scan", "--config", str(config))
    assert bad.exit_code == 2 and "aws.0.regions" in bad.output and "Traceback" not in bad.output


def test_controls_lists_every_control_with_its_citation():
    result = cli("controls")
    assert result.exit_code == 0
    for control_id, control in all_controls().items():
        assert control_id in result.output
        assert control.quote.split()[0] in result.output


def test_schema_document_is_up_to_date():
    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == schema_markdown(), "run: make schema"


def test_demo_covers_every_source(demo):
    rows = findings_of(demo)
    providers = {r["provider"] for r in rows}
    assert {"aws", "azure", "gcp", "m365", "onprem"} <= providers
    by_control = lambda control: {r["status"] for r in rows if r["control_id"] == control}  # noqa: E731
    assert by_control("JENV25-EXO-VERSION") == {"fail"}  # Exchange Server 2019 on premises
    assert by_control("JENV25-SPS-VERSION") == {"pass"}  # SharePoint Server Subscription Edition
    assert by_control("JENV25-EXO-MAILBOXES") == {"pass", "fail"}  # one approved, one not
    known = {r["account_id"]: r["status"] for r in rows if r["control_id"] == "RBC22-KNOWN"}
    assert known["minbiwa-data-prod"] == "fail" and known["123456789012"] == "pass"


def test_report_for_cio_rijk(demo):
    result = cli("report", "--config", str(demo / "config.toml"), "--format", "cio", "--output", "-")
    assert result.exit_code == 0
    assert "Ministerie van Binnenwateren" in result.output and "Zaaksysteem (AWS)" in result.output


def test_an_error_with_brackets_is_shown_verbatim(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[[gcp]]\nname = "g"\nscope = "projects/p"\ncredential = "token"\ntoken_env = "WW_NOT_SET_[x]"\n')
    result = CliRunner().invoke(main, ["scan", "--config", str(config)], env={"WW_NOT_SET_[x]": ""})
    assert result.exit_code == 2
    assert "WW_NOT_SET_[x]" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "wolkenwacht.db").exists()  # refused before any scan was started


def test_check_reruns_the_stored_sql_behind_the_findings(demo):
    config = str(demo / "config.toml")
    result = cli("check", "--config", config, "location_eea")
    rows = [json.loads(line) for line in result.output.splitlines()]
    ids = cli("query", "--config", config, "--format", "csv",
              "select resource_id from finding where control_id = 'RBC26-EEA' and resource_id is not null")
    assert sorted(r["resource_id"] for r in rows) == sorted(int(v) for v in ids.output.splitlines()[1:])
    per_control = cli("check", "--config", config, "classification_forbidden")
    assert per_control.exit_code == 2 and "--control" in per_control.output
    attested = cli("check", "--config", config, "attestation", "--control", "RBC22-POLICY")
    assert json.loads(attested.output)["status"] == "pass"


def test_the_demo_database_file_alone_is_complete(demo, tmp_path):
    shutil.copyfile(demo / "wolkenwacht.db", tmp_path / "alone.db")
    with sqlite3.connect(tmp_path / "alone.db") as conn:
        copied = conn.execute("select count(*) from finding").fetchone()[0]
    result = cli("query", "--config", str(demo / "config.toml"), "--format", "csv", "select count(*) from finding")
    assert copied > 100 and copied == int(result.stdout.split()[1])


@pytest.mark.parametrize("lang, start", [("nl", "Opgeslagen in "), ("en", "Stored in ")])
def test_findings_speaks_the_asked_language(demo, lang, start):
    rows = findings_of(demo, "--lang", lang)
    [eea] = [r for r in rows if r["control_id"] == "RBC26-EEA" and ":::minbiwa-analytics-us" in (r["resource_uid"] or "")]
    assert eea["message"].startswith(start), eea["message"]
