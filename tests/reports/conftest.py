"""A small inventory for the report tests: one scan with resources in NL, the US, a multi-country
location and `global`, findings of every interesting status, an account-level finding, a
comply-or-explain entry, collection errors, and a second scan that must never leak in.

Resource names, tags, evidence and error texts carry attacker-style payloads.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from connectors.registry import TABLES
from inventory.db import connect, create_schema
from inventory.tables import (
    Account,
    Collection,
    FactResource,
    Finding,
    PackControl,
    RegisterExplain,
    Resource,
    Scan,
)
from tests.support import database_url, store_findings, store_resources

SCRIPT_NAME = "<script>alert(1)</script>"
IMG_TAG = '"><img src=x onerror=alert(1)>'
FORMULA_NAME = '=HYPERLINK("http://evil.example/","klik")'


@dataclass
class Inventory:
    engine: object
    scan: Scan
    other_scan: Scan
    controls: dict[tuple[str, str], PackControl] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)
    facts: dict[str, FactResource] = field(default_factory=dict)
    findings: dict[str, Finding] = field(default_factory=dict)
    explain: RegisterExplain | None = None
    account: Account | None = None
    errors: list[Collection] = field(default_factory=list)

    def finding_by_id(self, finding_id: int) -> tuple[str, Finding]:
        return next((k, f) for k, f in self.findings.items() if f.id == finding_id)


REMEDIATION = {
    "nl": "Verplaats de resource naar een regio in de EER.", "en": "Move the resource to a region in the EEA.",
    "links": ["https://example.org/eea"],
    "providers": {"aws": {"nl": "Beperk regio's met een service control policy.", "en": "Restrict regions with a service control policy.",
                          "links": ["https://example.org/aws-scp"]}},
}


def _control(scan_id, pack, cid, nl, en, severity, document, section, quote):
    return PackControl(scan_id=scan_id, pack=pack, control_id=cid, title_nl=nl, title_en=en, severity=severity,
                       document=document, section=section, quote=quote, checks=cid.lower(),
                       remediation=REMEDIATION if cid == "RBC26-EEA" else None)


def _resource(scan_id, provider, account, uid, rtype, name, region, tags):
    return Resource(scan_id=scan_id, provider=provider, account_id=account, uid=uid, type=rtype, name=name,
                    region=region, tags=tags, stores_data=True, encrypted=True, source_api="test:List", raw={})


@pytest.fixture
def inventory(tmp_path) -> Inventory:
    engine = connect(database_url(tmp_path))
    create_schema(engine, TABLES)
    with Session(engine, expire_on_commit=False) as s:
        scan = Scan(started_at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC), finished_at=datetime(2026, 11, 24, 8, 5, tzinfo=UTC),
                    status="partial", tool_version="0.1.0", organisation_profile="ministry", config_sha256="a" * 64)
        other = Scan(started_at=datetime(2026, 11, 25, 8, 0, tzinfo=UTC), status="running", tool_version="0.1.0",
                     organisation_profile="ministry", config_sha256="b" * 64)
        s.add_all([scan, other])
        s.flush()
        inv = Inventory(engine=engine, scan=scan, other_scan=other)
        doc26, doc22 = "Herziening rijksbreed cloudbeleid 2026", "Rijksbreed cloudbeleid 2022"
        for c in (
            _control(scan.id, "rijksbreed-2026", "RBC26-EEA", "Gegevens blijven binnen de EER", "Data stays inside the EEA",
                     "high", doc26, "4.1", "Gegevens worden opgeslagen en verwerkt binnen de Europese Economische Ruimte."),
            _control(scan.id, "rijksbreed-2026", "RBC26-ENCRYPT", "Versleuteling in rust met eigen sleutelbeheer",
                     "Encryption at rest with own key management", "medium", doc26, "4.3", "Data wordt versleuteld opgeslagen."),
            _control(scan.id, "rijksbreed-2022", "RBC22-PERSONAL", "Persoonsgegevens alleen in EER of adequaat land",
                     "Personal data only in the EEA or an adequate country", "high", doc22, "Bijlage, 9", "Persoonsgegevens <b>binnen</b> de EER."),
            _control(scan.id, "jenv-aenm-2025", "JENV25-CSP-RISK", "Risicoanalyse per clouddienst",
                     "Risk assessment per cloud service", "high", "Beleidslijn Cloud JenV en AenM", "2.1",
                     "Voor elke clouddienst is een risicoanalyse."),
        ):
            s.add(c)
            inv.controls[(c.pack, c.control_id)] = c
        inv.account = Account(scan_id=scan.id, provider="aws", account_id="111111111111", name="ministerie-prod",
                              kind="aws-account", estate="prod")
        s.add(inv.account)
        s.commit()  # the resources are stored on a connection of their own, as a scan stores them
        inv.resources = {
            "nl": _resource(scan.id, "gcp", "bzk-prod", "//storage.googleapis.com/projects/_/buckets/nl-data",
                            "storage.googleapis.com/Bucket", SCRIPT_NAME, "europe-west4", {"classification": IMG_TAG}),
            "us": _resource(scan.id, "aws", "111111111111", "arn:aws:s3:::us-data", "s3.bucket", FORMULA_NAME,
                            "us-east-1", {"owner": "team-a"}),
            "global": _resource(scan.id, "aws", "111111111111", "arn:aws:cloudfront::111111111111:distribution/E1",
                                "cloudfront.distribution", "cdn", "global", {}),
            "multi": _resource(scan.id, "gcp", "bzk-prod", "//storage.googleapis.com/projects/_/buckets/eu-data",
                               "storage.googleapis.com/Bucket", "eu-data", "eu", {}),
            "other": _resource(other.id, "aws", "111111111111", "arn:aws:s3:::later", "s3.bucket", "later", "us-east-1", {}),
        }
        store_resources(engine, list(inv.resources.values()))
        locations = {"nl": ("region", "NL"), "us": ("region", "US"), "global": ("global", None), "multi": ("multi", "BE;DE;FI;NL")}
        for key, (kind, countries) in locations.items():
            r = inv.resources[key]
            inv.facts[key] = FactResource(resource_id=r.id, scan_id=scan.id, location_kind=kind, countries=countries,
                                          classification="intern", classification_source="tag", first_seen=scan.started_at)
        s.add_all(inv.facts.values())
        inv.explain = RegisterExplain(scan_id=scan.id, control_id="RBC26-EEA", provider="gcp", account_id="bzk-prod",
                                      resource_uid=inv.resources["multi"].uid, justification="Back-up in EU multi-regio, besluit 2026-12",
                                      approver="CISO BZK", approved_on=date(2026, 9, 1), expires=date(2027, 9, 1))
        s.add(inv.explain)
        s.flush()

        def finding(key, pack, cid, status, severity, message, resource=None, provider=None, account=None,
                    deadline=None, explain=None, evidence=None, scan_id=scan.id):
            res = inv.resources.get(resource)
            f = Finding(scan_id=scan_id, pack=pack, control_id=cid, check_id=cid.lower(), status=status,
                        check_status="fail" if status in ("transition", "explained") else status, severity=severity,
                        message=message, deadline=deadline, provider=res.provider if res else provider,
                        account_id=res.account_id if res else account, resource_id=res.id if res else None,
                        explain_id=explain, evidence=evidence)
            inv.findings[key] = f

        finding("us_fail", "rijksbreed-2026", "RBC26-EEA", "fail", "high", "Bucket staat in de VS", "us",
                evidence={"countries": ["US"], "eea": False})
        finding("nl_pass", "rijksbreed-2026", "RBC26-EEA", "pass", "high", "Binnen de EER", "nl",
                evidence={"countries": ["NL"], "tag": IMG_TAG})
        finding("global_transition", "rijksbreed-2026", "RBC26-EEA", "transition", "high", "Globale dienst", "global",
                deadline=date(2030, 7, 3), evidence={"location_kind": "global"})
        finding("multi_explained", "rijksbreed-2026", "RBC26-EEA", "explained", "high", "Multi-regio", "multi",
                explain=inv.explain.id, evidence={"countries": ["BE", "DE", "FI", "NL"]})
        finding("nl_error", "rijksbreed-2026", "RBC26-ENCRYPT", "error", "medium", "@SUM(1+1) niet waargenomen", "nl",
                evidence={"failed_call": "storage.buckets.get", "note": "</script><script>alert(2)</script>"})
        finding("us_personal_pass", "rijksbreed-2022", "RBC22-PERSONAL", "pass", "high", "Adequaat (DPF)", "us",
                evidence={"adequacy": "dpf_only"})
        finding("account_fail", "jenv-aenm-2025", "JENV25-CSP-RISK", "fail", "high", "-geen risicoanalyse in register",
                provider="aws", account="111111111111", evidence={"register": None})
        finding("other_scan", "rijksbreed-2026", "RBC26-EEA", "fail", "high", "Later scan", "other", scan_id=other.id)
        inv.errors = [
            Collection(scan_id=scan.id, provider="aws", estate="prod", account_id="111111111111", region="eu-west-1",
                       area="security_services", call="guardduty:ListDetectors", ok=False,
                       error="AccessDenied: <b>not authorised</b>", permission="guardduty:ListDetectors"),
            Collection(scan_id=scan.id, provider="gcp", estate="gcp", account_id=None, area="accounts",
                       call="cloudresourcemanager:SearchProjects", ok=False, error="PERMISSION_DENIED"),
        ]
        s.add_all(inv.errors)
        s.add(Collection(scan_id=scan.id, provider="aws", estate="prod", account_id="111111111111", area="inventory",
                         call="s3:ListBuckets", ok=True, item_count=1))
        s.add(Collection(scan_id=other.id, provider="aws", estate="prod", area="inventory", call="ec2:DescribeRegions",
                         ok=False, error="later scan error"))
        s.commit()
    store_findings(engine, list(inv.findings.values()))
    return inv


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The demo's folder: a scan of the embedded estate, the database a README reader would query."""
    from tests.reports.demo import demo_folder

    return demo_folder(tmp_path_factory)
