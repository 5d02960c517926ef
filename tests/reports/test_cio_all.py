"""The consolidated CIO Rijk report: every organisation's newest finished scans, per-organisation
totals and the suppliers they depend on."""

from datetime import UTC, datetime
from io import StringIO

from findings.facts import derive_facts
from inventory.rows import Account, Collection, RegisterService, Scan
from reports.cio_all import cio_all_context, organisation_rows, suppliers, write_cio_all
from tests.support import new_inventory, store

CLOUD = {"aws": "aws-account", "azure": "azure-subscription"}


def add_scan(engine, organisation: str, status: str, hour: int) -> int:
    store(engine, 0, [Scan(started_at=datetime(2026, 12, 1, hour, tzinfo=UTC), finished_at=datetime(2026, 12, 1, hour, 5, tzinfo=UTC),
                           status=status, tool_version="test", organisation_name=organisation,
                           organisation_profile="ministry", config_sha256="0" * 64)])
    with engine.connect() as conn:
        return conn.exec_driver_sql("select max(id) from scan").scalar_one()


def estate(engine, scan_id: int, name: str, accounts: list[tuple[str, str]], register: list[tuple[str, str, bool]]) -> None:
    store(engine, scan_id, [Account(provider=p, account_id=a, kind=CLOUD[p], estate=name) for p, a in accounts]
          + [Collection(provider=p, estate=name, area="accounts", call="test:List", ok=True) for p in {p for p, _ in accounts}]
          + [RegisterService(provider=p, account_id=a, name=f"{p}-{a}", material=m, risk_assessment_ref="RA-1")
             for p, a, m in register])
    derive_facts(engine, scan_id, "classification")


def test_each_estate_counts_with_its_newest_finished_scan(tmp_path):
    engine, _ = new_inventory(tmp_path)  # scan 1: running, never counts
    # BZK scans two estates with separate jobs; the register lists both.
    bzk_register = [("aws", "1", True), ("azure", "sub-1", False)]
    old = add_scan(engine, "BZK", "complete", 1)
    estate(engine, old, "aws-prod", [("aws", "1")], bzk_register)
    aws = add_scan(engine, "BZK", "partial", 2)
    estate(engine, aws, "aws-prod", [("aws", "1")], bzk_register)
    azure = add_scan(engine, "BZK", "complete", 3)
    estate(engine, azure, "azure", [("azure", "sub-1")], bzk_register)
    failed = add_scan(engine, "BZK", "failed", 4)
    estate(engine, failed, "aws-prod", [("aws", "999")], bzk_register)
    jenv = add_scan(engine, "JenV", "complete", 5)
    estate(engine, jenv, "aws", [("aws", "2"), ("aws", "3")], [("aws", "2", True)])

    rows = organisation_rows(engine)
    assert sorted(rows) == ["BZK", "JenV"]
    assert {(r["provider"], r["account_id"], r["scan_id"], r["discovered"]) for r in rows["BZK"]} == {
        ("aws", "1", aws, True), ("azure", "sub-1", azure, True)}  # each from the newest scan that discovered it
    assert {(r["account_id"], r["material"]) for r in rows["JenV"]} == {("2", True), ("3", None)}

    by_supplier = {s["supplier"]: s for s in suppliers(rows)}
    aws_supplier = next(s for name, s in by_supplier.items() if "Amazon" in name or name == "aws")
    assert aws_supplier["material"] == ["BZK", "JenV"] and aws_supplier["services"] == 2
    assert aws_supplier["unknown"] == []  # JenV's unregistered account does not hide its material use


def test_totals_and_html(tmp_path):
    engine, _ = new_inventory(tmp_path)
    scan = add_scan(engine, "<script>alert(1)</script>", "complete", 1)
    estate(engine, scan, "aws", [("aws", "1"), ("aws", "2")], [("aws", "1", True)])
    context = cio_all_context(engine, "en")
    (organisation,) = context["organisations"]
    assert organisation["totals"] == {"services": 2, "material": 1, "unregistered": 1, "without_risk_assessment": 0,
                                      "without_exit_plan": 1, "not_reported": 1, "outside_eea": 0,
                                      "location_unknown": 0}
    out = StringIO()
    write_cio_all(context, out)
    html = out.getvalue()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert 'id="supplier-concentration"' in html
