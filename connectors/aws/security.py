"""The CSP-native security services per region (area ``security_services``, JENV25-CSP-SECTOOLS).

An answer that means "not enabled" (Security Hub's InvalidAccessException, Macie's "Macie is not
enabled", an empty detector or graph list) is a SecurityService row with enabled=False, not an
error. Any other failure is a failed Collection row naming the call and its IAM action.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from connectors.aws.calls import DETECTIVE, GD_GET, GD_LIST, HUB, INSPECTOR, MACIE
from connectors.aws.session import Clients, Scope, describe_error, error_code
from connectors.base import Call, json_safe
from inventory.rows import SecurityService

Reading = tuple[bool, str, Any]  # enabled, detail, raw answer


class Failed(Exception):
    """A call of a security check failed; carries the call so its permission can be reported."""

    def __init__(self, call: Call, error: BaseException):
        super().__init__(describe_error(error))
        self.call, self.error = call, error


def run(clients: Clients, call: Call, scope: Scope, expect: tuple[str, ...] = (), **params) -> dict:
    try:
        return clients.call(call, scope, expect=expect, **params)
    except Exception as exc:
        raise Failed(call, exc) from exc


def off_when(codes: tuple[str, ...] = (), phrases: tuple[str, ...] = ()) -> Callable[[BaseException], bool]:
    """Errors that mean the service is simply not enabled: by error code or by message text."""

    def means_off(error: BaseException) -> bool:
        if not isinstance(error, ClientError):
            return False
        message = describe_error(error).lower()
        return error_code(error) in codes or any(phrase in message for phrase in phrases)

    return means_off


@dataclass(frozen=True)
class SecurityCheck:
    service: str
    calls: tuple[Call, ...]
    read: Callable[[Clients, Scope], Reading]
    off: Callable[[BaseException], bool] = off_when()


def guardduty(clients: Clients, scope: Scope) -> Reading:
    ids = run(clients, GD_LIST, scope, ("DetectorIds",))["DetectorIds"]
    detectors = {i: run(clients, GD_GET, scope, ("Status",), DetectorId=i) for i in ids}
    statuses = [d.get("Status", "") for d in detectors.values()]
    return "ENABLED" in statuses, ",".join(statuses) or "no detector", detectors


def securityhub(clients: Clients, scope: Scope) -> Reading:
    hub = run(clients, HUB, scope, ("HubArn",))
    return True, hub.get("HubArn", "subscribed"), hub


def macie(clients: Clients, scope: Scope) -> Reading:
    session = run(clients, MACIE, scope, ("status",))
    return session.get("status") == "ENABLED", session.get("status", ""), session


def inspector(clients: Clients, scope: Scope) -> Reading:
    answer = run(clients, INSPECTOR, scope, ("accounts",), accountIds=[scope.account_id])
    for failed in answer.get("failedAccounts", []):
        raise Failed(INSPECTOR, RuntimeError(f"{failed.get('errorCode')}: {failed.get('errorMessage')}"))
    status = next((a.get("state", {}).get("status", "") for a in answer.get("accounts", [])), "")
    return status == "ENABLED", status or "no account status", answer


def detective(clients: Clients, scope: Scope) -> Reading:
    graphs = run(clients, DETECTIVE, scope, ("GraphList",))["GraphList"]
    return bool(graphs), f"{len(graphs)} behavior graph(s)", graphs


CHECKS: tuple[SecurityCheck, ...] = (
    SecurityCheck("guardduty", (GD_LIST, GD_GET), guardduty),
    SecurityCheck("securityhub", (HUB,), securityhub,
                  off_when(("InvalidAccessException", "ResourceNotFoundException"), ("not subscribed",))),
    SecurityCheck("macie", (MACIE,), macie, off_when(("ResourceNotFoundException",), ("macie is not enabled",))),
    SecurityCheck("inspector", (INSPECTOR,), inspector),
    SecurityCheck("detective", (DETECTIVE,), detective, off_when(phrases=("not subscribed",))),
)


def security_rows(check: SecurityCheck, scope: Scope, clients: Clients, estate: str) -> list:
    """One SecurityService row plus its Collection row, or only a failed Collection row."""
    where = dict(provider="aws", estate=estate, account_id=scope.account_id, region=scope.region)
    try:
        enabled, detail, raw = check.read(clients, scope)
    except Failed as failure:
        if not check.off(failure.error):
            return [failure.call.record(ok=False, error=str(failure)[:2000], **where)]
        enabled, detail, raw = False, str(failure), None
    return [check.calls[0].record(ok=True, item_count=1, **where),
            SecurityService(provider="aws", account_id=scope.account_id, region=scope.region, service=check.service,
                            enabled=enabled, detail=detail[:500], source_api=check.calls[0].call, raw=json_safe(raw))]
