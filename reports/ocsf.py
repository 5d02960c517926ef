"""OCSF output: one Compliance Finding event (class 2003) per finding, as JSON lines, built and
validated with ``py-ocsf-models`` so a SIEM or Security Hub takes it in.

The finding's uid is its stable key (the same control, check and subject in every scan), so a SIEM
updates one finding across scans; the event's own uid is scan and finding id, unique per event.
The control and the pack are the compliance requirement, the policy document the standard; the
resource, the evidence and the remediation go in their OCSF objects, our own status in
``status_code`` and what OCSF has no field for (provider, account, deadline, explanation) in ``unmapped``.
"""

from datetime import datetime
from typing import IO

from py_ocsf_models.events.base_event import SeverityID, StatusID
from py_ocsf_models.events.findings.activity_id import ActivityID
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
from py_ocsf_models.events.findings.compliance_finding_type_id import ComplianceFindingTypeID
from py_ocsf_models.objects.check import Check
from py_ocsf_models.objects.compliance import Compliance
from py_ocsf_models.objects.compliance_status import StatusID as ComplianceStatusID
from py_ocsf_models.objects.evidence_artifacts import EvidenceArtifacts
from py_ocsf_models.objects.finding_info import FindingInformation
from py_ocsf_models.objects.metadata import Metadata
from py_ocsf_models.objects.product import Product
from py_ocsf_models.objects.remediation import Remediation
from py_ocsf_models.objects.resource_details import ResourceDetails

SEVERITY = {"critical": SeverityID.Critical, "high": SeverityID.High, "medium": SeverityID.Medium,
            "low": SeverityID.Low, "info": SeverityID.Informational}
# Not observed (error) and manual are Unknown, never Pass; transition and explained are a Warning.
COMPLIANCE_STATUS = {"pass": ComplianceStatusID.Pass, "fail": ComplianceStatusID.Fail,
                     "transition": ComplianceStatusID.Warning, "explained": ComplianceStatusID.Warning,
                     "manual": ComplianceStatusID.Unknown, "error": ComplianceStatusID.Unknown,
                     "not_applicable": ComplianceStatusID.Other}


def resource_details(finding: dict) -> list[ResourceDetails]:
    """The judged resource, or the account for an account-level finding."""
    res, acct = finding["resource"], finding["account"]
    if res:
        return [ResourceDetails(uid=res["uid"], name=res["name"], type=res["type"], region=res["region"],
                                data={"provider": res["provider"], "account_id": res["account_id"],
                                      "country": res["country"], "location_kind": res["location_kind"],
                                      "tags": res["tags"]})]
    if acct:
        return [ResourceDetails(uid=acct["account_id"], name=acct["name"], type="account",
                                data={"provider": acct["provider"]})]
    return []


def event(finding: dict, scan: dict) -> ComplianceFinding:
    """One finding as an OCSF Compliance Finding."""
    started = datetime.fromisoformat(scan["started_at"])
    millis = int(started.timestamp() * 1000)
    cite, fix, res, acct = finding["citation"] or {}, finding["remediation"], finding["resource"] or {}, finding["account"] or {}
    evidence = finding["evidence"]
    return ComplianceFinding(
        activity_id=ActivityID.Create, activity_name=ActivityID.Create.name, type_uid=ComplianceFindingTypeID.Create,
        time=millis, time_dt=started, message=finding["message"],
        severity_id=SEVERITY.get(finding["severity"], SeverityID.Unknown), severity=finding["severity"],
        status_id=StatusID.Suppressed if finding["status"] == "explained" else StatusID.New,
        status=finding["status"], status_code=finding["status"],
        metadata=Metadata(uid=f"{scan['id']}/{finding['id']}", event_code=finding["control_id"],
                          product=Product(name="Wolkenwacht", vendor_name="Wolkenwacht", version=scan["tool_version"])),
        finding_info=FindingInformation(uid=finding["key"], title=finding["title"], desc=finding["message"],
                                        types=[finding["pack"]], created_time=millis, created_time_dt=started),
        compliance=Compliance(
            control=finding["control_id"], requirements=[f"{finding['pack']}/{finding['control_id']}"],
            standards=[cite["document"]] if cite.get("document") else [finding["pack"]],
            desc=cite.get("quote"), category=cite.get("section"), status_id=COMPLIANCE_STATUS[finding["status"]],
            checks=[Check(uid=finding["check_id"], status=finding["check_status"])] if finding["check_id"] else None),
        resources=resource_details(finding),
        evidences=None if evidence is None else [EvidenceArtifacts(
            name=finding["check_id"], data=evidence if isinstance(evidence, dict) else {"value": evidence})],
        remediation=fix and Remediation(desc=" ".join(filter(None, (fix["text"], fix["provider_text"]))),
                                        references=fix["links"] or None),
        unmapped={"scan_id": scan["id"], "finding_id": finding["id"], "provider": res.get("provider") or acct.get("provider"),
                  "account_id": res.get("account_id") or acct.get("account_id"), "deadline": finding["deadline"],
                  "explained_by": finding["explained_by"]},
    )


def write_ocsf(data: dict, out: IO[str]) -> int:
    """Write one OCSF event per line as the findings stream; returns the number of events."""
    count = 0
    for finding in data["findings"]:
        out.write(event(finding, data["scan"]).model_dump_json(exclude_none=True) + "\n")
        count += 1
    return count
