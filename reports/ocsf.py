"""OCSF output: one Compliance Finding event (class 2003) per finding, as JSON lines, in the
encoding of ``py-ocsf-models`` (field names, enum values and defaults from its models), so a SIEM or
Security Hub takes it in. The events are plain dicts written with orjson: building and validating a
pydantic model per finding cost three times its serialisation; the tests validate every event with
``py-ocsf-models`` instead and check that its encoding gives the same event back.

The finding's uid is its stable key (the same control, check and subject in every scan), so a SIEM
updates one finding across scans; the event's own uid is scan and finding id, unique per event.
The control and the pack are the compliance requirement, the policy document the standard; the
resource, the evidence and the remediation go in their OCSF objects, our own status in
``status_code`` and what OCSF has no field for (provider, account, deadline, explanation) in ``unmapped``.
"""

from datetime import datetime
from typing import IO

import orjson
from py_ocsf_models.events.base_event import SeverityID, StatusID
from py_ocsf_models.events.findings.activity_id import ActivityID
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
from py_ocsf_models.events.findings.compliance_finding_type_id import ComplianceFindingTypeID
from py_ocsf_models.objects.compliance_status import StatusID as ComplianceStatusID
from py_ocsf_models.objects.evidence_artifacts import EvidenceArtifacts
from py_ocsf_models.objects.metadata import Metadata

WRITE_BATCH = 1000  # events per write call
_CLASS = {name: ComplianceFinding.model_fields[name].default for name in ("category_name", "category_uid", "class_name",
                                                                         "class_uid")}
_SCHEMA_VERSION = Metadata.model_fields["version"].default
_VERDICT = int(EvidenceArtifacts.model_fields["verdict_id"].default)
SEVERITY = {"critical": SeverityID.Critical, "high": SeverityID.High, "medium": SeverityID.Medium,
            "low": SeverityID.Low, "info": SeverityID.Informational}
# Not observed (error) and manual are Unknown, never Pass; transition and explained are a Warning.
COMPLIANCE_STATUS = {"pass": ComplianceStatusID.Pass, "fail": ComplianceStatusID.Fail,
                     "transition": ComplianceStatusID.Warning, "explained": ComplianceStatusID.Warning,
                     "manual": ComplianceStatusID.Unknown, "error": ComplianceStatusID.Unknown,
                     "not_applicable": ComplianceStatusID.Other}


def _present(**fields) -> dict:
    """The fields that have a value: the models' encoding leaves out what is None."""
    return {name: value for name, value in fields.items() if value is not None}


def resource_details(finding: dict) -> list[dict]:
    """The judged resource, or the account for an account-level finding."""
    res, acct = finding["resource"], finding["account"]
    if res:
        return [_present(region=res["region"], data={"provider": res["provider"], "account_id": res["account_id"],
                                                      "country": res["country"], "location_kind": res["location_kind"],
                                                      "tags": res["tags"]},
                         name=res["name"], type=res["type"], uid=res["uid"])]
    if acct:
        return [_present(data={"provider": acct["provider"]}, name=acct["name"], type="account", uid=acct["account_id"])]
    return []


def _time_dt(started: str) -> str:
    """The scan's start as the models encode a datetime (``Z`` for UTC, not ``+00:00``)."""
    return started.replace("+00:00", "Z")


def event(finding: dict, scan: dict) -> dict:
    """One finding as an OCSF Compliance Finding."""
    millis = int(datetime.fromisoformat(scan["started_at"]).timestamp() * 1000)
    started = _time_dt(scan["started_at"])
    cite, fix, res, acct = finding["citation"] or {}, finding["remediation"], finding["resource"] or {}, finding["account"] or {}
    evidence = finding["evidence"]
    return _present(
        message=finding["message"],
        metadata={"event_code": finding["control_id"], "uid": f"{scan['id']}/{finding['id']}",
                  "product": {"name": "Wolkenwacht", "vendor_name": "Wolkenwacht", "version": scan["tool_version"]},
                  "version": _SCHEMA_VERSION},
        severity_id=int(SEVERITY.get(finding["severity"], SeverityID.Unknown)), severity=finding["severity"],
        status=finding["status"], status_code=finding["status"],
        status_id=int(StatusID.Suppressed if finding["status"] == "explained" else StatusID.New),
        unmapped={"scan_id": scan["id"], "finding_id": finding["id"], "provider": res.get("provider") or acct.get("provider"),
                  "account_id": res.get("account_id") or acct.get("account_id"), "deadline": finding["deadline"],
                  "explained_by": finding["explained_by"]},
        activity_name=ActivityID.Create.name, activity_id=int(ActivityID.Create),
        finding_info=_present(created_time=millis, created_time_dt=started, desc=finding["message"],
                              title=finding["title"], types=[finding["pack"]], uid=finding["key"]),
        **_CLASS,
        compliance=_present(
            category=cite.get("section"),
            checks=[{"status": finding["check_status"], "uid": finding["check_id"]}] if finding["check_id"] else None,
            control=finding["control_id"], desc=cite.get("quote"),
            requirements=[f"{finding['pack']}/{finding['control_id']}"],
            standards=[cite["document"]] if cite.get("document") else [finding["pack"]],
            status_id=int(COMPLIANCE_STATUS[finding["status"]])),
        evidences=None if evidence is None else [{
            "data": evidence if isinstance(evidence, dict) else {"value": evidence},
            "name": finding["check_id"], "verdict_id": _VERDICT}],
        remediation=fix and _present(desc=" ".join(filter(None, (fix["text"], fix.get("provider_text")))),
                                     references=fix["links"] or None),
        resources=resource_details(finding),
        time=millis, time_dt=started, type_uid=int(ComplianceFindingTypeID.Create),
    )


def write_ocsf(data: dict, out: IO[str]) -> int:
    """Write one OCSF event per line as the findings stream, in batches; returns the number of events."""
    count, lines, scan = 0, [], data["scan"]
    for finding in data["findings"]:
        lines.append(orjson.dumps(event(finding, scan), option=orjson.OPT_APPEND_NEWLINE).decode())
        if len(lines) == WRITE_BATCH:
            out.write("".join(lines))
            count += len(lines)
            lines.clear()
    out.write("".join(lines))
    return count + len(lines)
