"""The report for CIO Rijk, from an inventory judged by the real engine (facts, checks, packs, rules):
rows per cloud service, the escaped bilingual HTML and the dependency view."""

import base64
import hashlib
import io
import re
from datetime import UTC, date, datetime
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlalchemy import text

from inventory.errors import UserError
from inventory.rows import Account, Collection, RegisterService, Resource
from reports.cio import CONTROLS, cio_rows, dependencies
from reports.html import strings
from reports.write import write_report
from tests.support import add_scan, judge, new_inventory, store

AZURE, GCP, AWS, M365 = "6b0f4f1e-2c9a-4d7e-9b1a-0c5e7f3a2d10", "bzk-archief", "111122223333", "0d2f7c4e-8a1b"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
IN_USE_SINCE = datetime(2026, 8, 1, tzinfo=UTC)        # after the 2026 transition cut-off: no "transition"


def account(provider, account_id, kind, name=None):
    return Account(provider=provider, account_id=account_id, name=name or f"{provider}-{account_id[:6]}", kind=kind,
                   estate=f"{provider}-prod", created_at=IN_USE_SINCE, raw={})


def resource(provider, account_id, name, region, classification=None):
    return Resource(provider=provider, account_id=account_id, uid=f"{provider}:{account_id}:{name}", type="test.storage",
                    name=name, region=region, tags={"classification": classification} if classification else {},
                    stores_data=True, encrypted=True, key_custody="provider", source_api="test:List", raw={})


def registered(provider, account_id, name, material, **fields):
    values = dict(owner="Directie Informatievoorziening", service_model="IaaS", risk_assessment_ref=f"DPIA-{provider}",
                  risk_assessment_date=date(2025, 3, 1), exit_plan_ref=f"EXIT-{provider}", emergency_plan_ref=f"NOOD-{provider}",
                  exit_portability_terms="art. 12", exit_alternative="ODC-Noord", right_to_audit=True,
                  contract_end=date(2029, 12, 31), in_use_since=IN_USE_SINCE.date())
    return RegisterService(provider=provider, account_id=account_id, name=name, material=material, **(values | fields))


def estate() -> dict:
    """Material Azure with personal data in NL and the US; non-material GCP; unregistered AWS; undiscovered M365."""
    return {
        "accounts": [account("azure", AZURE, "azure-subscription", "sub-prod"), account("gcp", GCP, "gcp-project"),
                     account("aws", AWS, "aws-account")],
        "resources": [
            resource("azure", AZURE, "dossiers", "westeurope", "persoonsgegevens"),
            resource("azure", AZURE, "medisch", "eastus", "bijzondere-persoonsgegevens"),
            resource("azure", AZURE, "website", "westeurope", "openbaar"),
            resource("gcp", GCP, "archief", "europe-west4", "intern"),
            resource("aws", AWS, "logs", "eu-west-1"),
        ],
        "register": {
            "azure": registered("azure", AZURE, "Zaaksysteem", True, risk_covers_jurisdiction=False,
                                emergency_plan_ref=None, reported_to_cio_rijk=None),
            "gcp": registered("gcp", GCP, SCRIPT, False, owner=IMG),
            "m365": registered("m365", M365, "Kantoorautomatisering", True, service_model="SaaS",
                               risk_covers_jurisdiction=True, reported_to_cio_rijk=date(2026, 9, 1)),
        },
        "collections": [Collection(provider=p, estate=f"{p}-prod", area="accounts", call="test:List", ok=True)
                        for p in ("azure", "gcp", "aws", "m365")],  # every provider was scanned
    }


def judged(tmp_path, data: dict):
    engine, scan_id = new_inventory(tmp_path)
    store(engine, scan_id, [*data["accounts"], *data["resources"], *data["register"].values(), *data["collections"]])
    judge(engine, scan_id)
    later = add_scan(engine, datetime(2026, 11, 27, tzinfo=UTC))     # must never leak into the report
    store(engine, later, [account("azure", AZURE, "azure-subscription"), resource("azure", AZURE, "later", "japaneast"),
                          resource("azure", AZURE, "later-ie", "northeurope", "persoonsgegevens")])
    judge(engine, later)
    return engine, scan_id


@pytest.fixture
def inventory(tmp_path):
    return judged(tmp_path, estate())


def by_account(rows: list[dict]) -> dict[str, dict]:
    return {r["account_id"]: r for r in rows}


def render(engine, scan_id, lang: str = "nl") -> str:
    out = io.StringIO()
    write_report(engine, scan_id, "cio", out, lang=lang)
    return out.getvalue()


def test_rows_cover_discovered_and_registered_services(inventory):
    rows = cio_rows(*inventory)
    assert [(r["provider"], r["account_id"]) for r in rows] == [("aws", AWS), ("azure", AZURE), ("gcp", GCP), ("m365", M365)]
    rows = by_account(rows)
    assert [(rows[a]["discovered"], rows[a]["registered"], rows[a]["material"]) for a in (AWS, AZURE, GCP, M365)] == [
        (True, False, None), (True, True, True), (True, True, False), (False, True, True)]
    assert rows[AWS]["name"] == rows[AWS]["account_name"] == "aws-111122" and rows[AWS]["owner"] is None
    assert rows[M365]["account_name"] is None and rows[M365]["resources"] == 0


def test_register_fields_come_from_the_register(inventory):
    azure = by_account(cio_rows(*inventory))[AZURE]
    assert (azure["name"], azure["account_name"], azure["owner"]) == ("Zaaksysteem", "sub-prod", "Directie Informatievoorziening")
    assert (azure["risk_assessment_ref"], azure["risk_assessment_date"], azure["risk_covers_jurisdiction"]) == (
        "DPIA-azure", date(2025, 3, 1), False)
    assert (azure["exit_plan"], azure["emergency_plan"], azure["exit_parts"]) == ("EXIT-azure", None, 2)
    assert (azure["right_to_audit"], azure["contract_end"], azure["reported_to_cio_rijk"]) == (True, date(2029, 12, 31), None)
    assert (azure["provider_name"], azure["jurisdiction"], azure["jurisdiction_eea"]) == ("Microsoft Azure", "US", False)


def test_resources_countries_and_personal_data(inventory):
    rows = by_account(cio_rows(*inventory))
    azure, gcp, aws = rows[AZURE], rows[GCP], rows[AWS]
    assert (azure["resources"], azure["personal_resources"], azure["special_resources"]) == (3, 2, 1)
    assert azure["countries"] == azure["personal_countries"] == ["NL", "US"]
    assert azure["outside_eea"] is True and azure["personal_outside_eea"] is True
    assert (gcp["resources"], gcp["personal_resources"], gcp["countries"], gcp["outside_eea"]) == (1, 0, ["NL"], False)
    assert (aws["countries"], aws["outside_eea"], aws["personal_countries"], aws["personal_outside_eea"]) == (
        ["IE"], False, [], False)
    assert rows[M365]["outside_eea"] is None                      # not discovered: not observed


@pytest.mark.parametrize("region, outside, personal_outside", [
    ("northeurope", False, False), (None, None, None), ("global", None, None)])
def test_one_region_changes_the_eea_flags(tmp_path, region, outside, personal_outside):
    data = estate()
    data["resources"][1].region = region                         # the special personal data in eastus
    azure = by_account(cio_rows(*judged(tmp_path, data)))[AZURE]
    assert (azure["outside_eea"], azure["personal_outside_eea"]) == (outside, personal_outside)
    assert azure["unlocated_resources"] == (0 if region else 1) + (region == "global")


def test_failed_inventory_is_not_inside_the_eea(tmp_path):
    data = estate()
    data["collections"].append(Collection(provider="gcp", estate="gcp-prod", account_id=None, area="inventory",
                                          call="cloudasset:SearchAllResources", ok=False, error="PERMISSION_DENIED"))
    engine, scan_id = judged(tmp_path, data)
    gcp = by_account(cio_rows(engine, scan_id))[GCP]
    assert (gcp["inventory_observed"], gcp["outside_eea"]) == (False, None)
    assert by_account(cio_rows(engine, scan_id))[AWS]["inventory_observed"] is True
    assert "cloudasset:SearchAllResources" in render(engine, scan_id)


def test_control_status_matches_the_findings_of_the_scan(inventory):
    engine, scan_id = inventory
    rows = by_account(cio_rows(engine, scan_id))
    with engine.connect() as conn:
        stored = {(a, c): s for a, c, s in conn.execute(text(
            "select account_id, control_id, status from finding where scan_id = :s and account_id is not null"),
            {"s": scan_id})}
    for account_id in (AWS, AZURE, GCP):
        assert rows[account_id]["controls"].keys() == set(CONTROLS)
        for cid, found in rows[account_id]["controls"].items():
            assert found["status"] == stored[(account_id, cid)]
    azure = rows[AZURE]["controls"]
    assert [azure[c]["status"] for c in CONTROLS] == ["fail", "fail", "fail", "pass"]
    assert rows[GCP]["controls"]["RBC26-NOTIFY"]["status"] == "not_applicable"
    assert rows[M365]["controls"] == {}


def test_reporting_to_cio_rijk_turns_notify_to_pass(tmp_path):
    data = estate()
    data["register"]["azure"].reported_to_cio_rijk = date(2026, 10, 1)
    azure = by_account(cio_rows(*judged(tmp_path, data)))[AZURE]
    assert azure["reported_to_cio_rijk"] == date(2026, 10, 1)
    assert azure["controls"]["RBC26-NOTIFY"]["status"] == "pass"


def test_dependencies_list_material_services_per_foreign_jurisdiction(inventory):
    deps = dependencies(cio_rows(*inventory))
    assert [d["jurisdiction"] for d in deps] == ["US"]
    us = deps[0]
    assert [r["account_id"] for r in us["material"]] == [AZURE, M365]
    assert [r["account_id"] for r in us["unknown"]] == [AWS]
    assert (us["resources"], us["without_emergency_plan"]) == (3, 1)
    assert us["providers"] == ["Amazon Web Services", "Microsoft 365", "Microsoft Azure"]


def test_a_material_eea_supplier_is_no_dependency(tmp_path):
    data = estate()
    data["register"]["gcp"].material = True
    engine, scan_id = judged(tmp_path, data)
    with engine.begin() as conn:
        conn.execute(text("update ref_provider set jurisdiction = 'DE' where provider = 'gcp'"))
    deps = dependencies(cio_rows(engine, scan_id))
    assert GCP not in [r["account_id"] for d in deps for r in d["material"] + d["unknown"]]
    conn_rows = by_account(cio_rows(engine, scan_id))
    assert (conn_rows[GCP]["jurisdiction"], conn_rows[GCP]["jurisdiction_eea"]) == ("DE", True)


class Sections(HTMLParser):
    """Text per h2 section, script elements, and the control-status cells."""

    def __init__(self, page: str):
        super().__init__()
        self.sections: dict[str, str] = {"": ""}
        self.current, self.scripts, self.cells, self.csp = "", 0, [], None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2":
            self.current = attrs["id"]
            self.sections[self.current] = ""
        self.scripts += tag == "script"
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            self.csp = attrs["content"]
        if tag == "td" and "data-control" in attrs:
            self.cells.append((attrs["data-control"], attrs.get("data-status")))

    def handle_data(self, data):
        self.sections[self.current] += data


def test_html_escapes_names_and_runs_no_script(inventory):
    page = render(*inventory)
    assert SCRIPT not in page and IMG not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    parsed = Sections(page)
    assert parsed.scripts == 0 and SCRIPT in parsed.sections["services"]
    assert parsed.csp.startswith("default-src 'none'; style-src 'sha256-") and "script-src" not in parsed.csp
    assert page.startswith("<!DOCTYPE html>")


def test_html_holds_rows_dependency_and_controls(inventory):
    engine, scan_id = inventory
    with engine.begin() as conn:
        conn.exec_driver_sql("update scan set organisation_name = 'Ministerie van <BZK>'")
    parsed = Sections(render(engine, scan_id))
    assert "Ministerie van <BZK>" in parsed.sections[""]
    for name in ("Zaaksysteem", "Kantoorautomatisering", SCRIPT, "aws-111122"):
        assert name in parsed.sections["services"]
    dependency = parsed.sections["dependency"]
    assert "Zaaksysteem" in dependency and "Kantoorautomatisering" in dependency and AWS in dependency
    assert SCRIPT not in dependency                                 # not material
    rows = cio_rows(engine, scan_id)
    expected = [(cid, r["controls"].get(cid, {}).get("status")) for r in rows for cid in CONTROLS]
    assert parsed.cells == expected


def test_dutch_by_default_and_english_on_request(inventory):
    nl, en = render(*inventory), render(*inventory, lang="en")
    for lang, page in (("nl", nl), ("en", en)):
        other = strings()["en" if lang == "nl" else "nl"]["cio"]
        assert f'<html lang="{lang}">' in page
        assert strings()[lang]["cio"]["dependency"] in page and other["dependency"] not in page
        assert strings()[lang]["cio"]["controls_intro"] in page and other["controls_intro"] not in page
    with pytest.raises(UserError, match="language"):
        render(*inventory, lang="de")


def test_writes_a_file_and_fails_before_creating_it(inventory, tmp_path):
    engine, scan_id = inventory
    target = tmp_path / "cio.html"
    write_report(engine, scan_id, "cio", target)
    assert "Zaaksysteem" in target.read_text(encoding="utf-8")
    missing = tmp_path / "missing.html"
    with pytest.raises(UserError, match="not found"):
        write_report(engine, 999, "cio", missing)
    assert not missing.exists()


def test_print_styles_pinned_with_a_page_header_that_cannot_break_out(inventory):
    engine, scan_id = inventory
    with engine.begin() as conn:
        conn.exec_driver_sql("""update scan set organisation_name = 'Min "x" </style><script>alert(1)</script>'""")
    page = render(engine, scan_id)
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1))
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in styles}
    assert len(styles) == 3 and hashes == set(re.findall(r"'sha256-[^']+'", csp))
    assert "size: A4 landscape" in styles[1] and "display: table-header-group" in styles[1]
    header = styles[2]
    assert "@top-left" in header and "<" not in header and header.count('"') == 4  # two strings, none broken open
    assert "2026" in header and "Min \\22 x\\22" in header  # the scan date and the escaped organisation


def test_register_entries_outside_the_scans_configuration_are_not_called_undiscovered(tmp_path):
    """A scan that collected nothing from Microsoft 365 (another job's estate) does not list the M365 entry."""
    data = estate()
    (tmp_path / "all").mkdir()
    (tmp_path / "no-m365").mkdir()
    assert by_account(cio_rows(*judged(tmp_path / "all", data)))[M365]["discovered"] is False
    data["collections"] = [c for c in data["collections"] if c.provider != "m365"]
    assert M365 not in by_account(cio_rows(*judged(tmp_path / "no-m365", data)))
