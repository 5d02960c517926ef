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

from reports.parts import Encoded
from reports.tabular import ByteSink

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
_SEVERITY_ID = {name: int(value) for name, value in SEVERITY.items()}
_NEW, _SUPPRESSED = int(StatusID.New), int(StatusID.Suppressed)
_ACTIVITY_NAME, _ACTIVITY_ID = ActivityID.Create.name, int(ActivityID.Create)
_TYPE_UID = int(ComplianceFindingTypeID.Create)
_OPTIONAL = ("message", "evidences", "remediation")  # the event's fields that may have no value: then left out


def _present(fields: dict) -> dict:
    """The fields that have a value: the models' encoding leaves out what is None."""
    return {name: value for name, value in fields.items() if value is not None}


def resource_details(finding: dict) -> list[dict]:
    """The judged resource, or the account for an account-level finding."""
    res, acct = finding["resource"], finding["account"]
    if res:
        return [_present({"region": res["region"], "data": {"provider": res["provider"], "account_id": res["account_id"],
                                                            "country": res["country"], "location_kind": res["location_kind"],
                                                            "tags": res["tags"]},
                          "name": res["name"], "type": res["type"], "uid": res["uid"]})]
    if acct:
        return [_present({"data": {"provider": acct["provider"]}, "name": acct["name"], "type": "account", "uid": acct["account_id"]})]
    return []


def _time_dt(started: str) -> str:
    """The scan's start as the models encode a datetime (``Z`` for UTC, not ``+00:00``)."""
    return started.replace("+00:00", "Z")


class Events:
    """Each finding of one scan as an OCSF Compliance Finding. What is the same for every event (the scan's
    time, the product) and for every finding of a control, check and status (the compliance object) or of a
    control and provider (the remediation) is built once."""

    def __init__(self, scan: dict):
        self.scan_id = scan["id"]
        self.millis = int(datetime.fromisoformat(scan["started_at"]).timestamp() * 1000)
        self.started = _time_dt(scan["started_at"])
        self.product = {"name": "Wolkenwacht", "vendor_name": "Wolkenwacht", "version": scan["tool_version"]}
        self.compliance: dict[tuple, dict] = {}
        self.remediation: dict[tuple, dict | None] = {}

    def _compliance(self, finding: dict) -> dict:
        key = (finding["pack"], finding["control_id"], finding["check_id"], finding["check_status"], finding["status"])
        if key not in self.compliance:
            pack, control_id, check_id, check_status, status = key
            cite = finding["citation"] or {}
            self.compliance[key] = _present({
                "category": cite.get("section"),
                "checks": [{"status": check_status, "uid": check_id}] if check_id else None,
                "control": control_id, "desc": cite.get("quote"), "requirements": [f"{pack}/{control_id}"],
                "standards": [cite["document"]] if cite.get("document") else [pack],
                "status_id": int(COMPLIANCE_STATUS[status])})
        return self.compliance[key]

    def _remediation(self, finding: dict) -> dict | None:
        """The finding's remediation (its control's, for its provider: the account's) as OCSF's object."""
        key = (finding["pack"], finding["control_id"], (finding["account"] or {}).get("provider"))
        if key not in self.remediation:
            fix = finding["remediation"]
            self.remediation[key] = fix and _present({
                "desc": " ".join(filter(None, (fix["text"], fix.get("provider_text")))), "references": fix["links"] or None})
        return self.remediation[key]

    def __call__(self, finding: dict) -> dict:
        res, acct, evidence = finding["resource"] or {}, finding["account"] or {}, finding["evidence"]
        status = finding["status"]
        event = {
            "message": finding["message"],
            "metadata": {"event_code": finding["control_id"], "uid": f"{self.scan_id}/{finding['id']}",
                         "product": self.product, "version": _SCHEMA_VERSION},
            "severity_id": _SEVERITY_ID.get(finding["severity"], int(SeverityID.Unknown)), "severity": finding["severity"],
            "status": status, "status_code": status, "status_id": _SUPPRESSED if status == "explained" else _NEW,
            "unmapped": {"scan_id": self.scan_id, "finding_id": finding["id"],
                         "provider": res.get("provider") or acct.get("provider"),
                         "account_id": res.get("account_id") or acct.get("account_id"), "deadline": finding["deadline"],
                         "explained_by": finding["explained_by"]},
            "activity_name": _ACTIVITY_NAME, "activity_id": _ACTIVITY_ID,
            "finding_info": _present({"created_time": self.millis, "created_time_dt": self.started, "desc": finding["message"],
                                      "title": finding["title"], "types": [finding["pack"]], "uid": finding["key"]}),
            **_CLASS,
            "compliance": self._compliance(finding),
            "evidences": None if evidence is None else [{
                "data": evidence if isinstance(evidence, dict) else {"value": evidence},
                "name": finding["check_id"], "verdict_id": _VERDICT}],
            "remediation": self._remediation(finding),
            "resources": resource_details(finding),
            "time": self.millis, "time_dt": self.started, "type_uid": _TYPE_UID,
        }
        for name in _OPTIONAL:
            if event[name] is None:
                del event[name]
        return event


def write_ocsf(data: dict, out: IO[str]) -> int:
    """Write one OCSF event per line as the findings stream; returns the number of events."""
    sink = ByteSink(out)
    count = Encoded(data["findings"], EventLine(data["scan"])).write_into(sink)
    sink.flush()
    return count


class EventLine(Events):
    """A finding's event as a line of JSON."""

    lead = separator = b""

    def __call__(self, finding: dict) -> bytes:
        return orjson.dumps(super().__call__(finding), option=orjson.OPT_APPEND_NEWLINE)
