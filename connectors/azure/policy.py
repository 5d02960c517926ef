"""Azure Policy "Allowed locations" assignments of a subscription (evidence, never a verdict).

``policy_assignments.list()`` returns every assignment that applies to the subscription,
including those inherited from management groups and those on its resource groups. An
assignment counts when it assigns the built-in definition directly, or an initiative
(policy set) that contains it; the allowed list then comes from the initiative member's
parameter, usually ``[parameters('x')]`` pointing at the assignment's (or the initiative's
default) value.

Rows: one Setting ``policy.allowed_locations`` per (assignment, allowed location) with
``region`` = the location (lower case) and ``value`` = the enforcement mode (``Default`` =
enforced, ``DoNotEnforce``), so SQL can join allowed and observed locations without JSON
functions. An assignment whose list cannot be resolved gives one row with ``region`` null. A
subscription without any such assignment gives one row with ``region`` null and value ``none``.
"""

import re

from connectors.azure.calls import READ_ASSIGNMENTS
from connectors.azure.clients import AzureClients
from connectors.base import json_safe
from inventory.rows import Setting

ALLOWED_LOCATIONS = "e56962a6-4747-49cd-b67b-bf8b01975c4c"
PARAMETER = "listOfAllowedLocations"
KEY = "policy.allowed_locations"
SOURCE = READ_ASSIGNMENTS.call
PARAMETER_REF = re.compile(r"^\[parameters\('([^']+)'\)\]$")
SET_ID = re.compile(r"^(?:/subscriptions/(?P<sub>[^/]+)|/providers/Microsoft\.Management/managementGroups/(?P<mg>[^/]+))?"
                    r"/providers/Microsoft\.Authorization/policySetDefinitions/(?P<name>[^/]+)$", re.IGNORECASE)


def is_allowed_locations(definition_id: str | None) -> bool:
    return (definition_id or "").lower().endswith(f"/policydefinitions/{ALLOWED_LOCATIONS}")


def allowed_locations(clients: AzureClients, subscription_id: str) -> list[Setting]:
    """The Setting rows for one subscription (see the module docstring)."""
    client = clients.policy(subscription_id)
    initiatives: dict[str, dict] = {}
    rows = []
    for assignment in client.policy_assignments.list(**clients.call_options):
        found = assignment.as_dict()
        props = found.get("properties") or {}
        definition_id = props.get("policyDefinitionId") or ""
        if is_allowed_locations(definition_id):
            rows += _rows(subscription_id, found, _value(props.get("parameters"), PARAMETER), None)
        elif "/policysetdefinitions/" in definition_id.lower():
            key = definition_id.lower()
            if key not in initiatives:
                initiatives[key] = _initiative(clients, subscription_id, definition_id)
            for member in (initiatives[key].get("properties") or {}).get("policyDefinitions") or []:
                if is_allowed_locations(member.get("policyDefinitionId")):
                    locations = _member_locations(member, props.get("parameters"), initiatives[key])
                    rows += _rows(subscription_id, found, locations, definition_id)
    if not rows:
        rows.append(Setting(provider="azure", account_id=subscription_id, region=None, key=KEY, value="none",
                            source_api=SOURCE, raw=None))
    return rows


def _initiative(clients: AzureClients, subscription_id: str, set_id: str) -> dict:
    """The policy set definition, wherever it is defined (built in, management group, subscription)."""
    match = SET_ID.match(set_id)
    if match is None:
        raise ValueError(f"unrecognised policy set definition id {set_id!r}")
    operations = clients.policy(match["sub"] or subscription_id).policy_set_definitions
    if match["mg"]:
        return operations.get_at_management_group(match["mg"], match["name"], **clients.call_options).as_dict()
    if match["sub"]:
        return operations.get(match["name"], **clients.call_options).as_dict()
    return operations.get_built_in(match["name"], **clients.call_options).as_dict()


def _value(parameters: dict | None, name: str):
    return ((parameters or {}).get(name) or {}).get("value")


def _member_locations(member: dict, assignment_parameters: dict | None, initiative: dict):
    """Resolve the member's listOfAllowedLocations: a literal list or a reference to an initiative parameter."""
    value = _value(member.get("parameters"), PARAMETER)
    ref = PARAMETER_REF.match(value) if isinstance(value, str) else None
    if ref is None:
        return value
    assigned = _value(assignment_parameters, ref[1])
    if assigned is not None:
        return assigned
    declared = ((initiative.get("properties") or {}).get("parameters") or {}).get(ref[1]) or {}
    return declared.get("defaultValue")


def _rows(subscription_id: str, assignment: dict, locations, initiative_id: str | None) -> list[Setting]:
    props = assignment.get("properties") or {}
    mode = props.get("enforcementMode") or "Default"
    listed = sorted({str(loc).lower() for loc in locations}) if isinstance(locations, list) else []
    raw = json_safe({"assignment": assignment, "initiative": initiative_id, "allowed_locations": listed,
                     "enforcement_mode": mode, "scope": props.get("scope")})
    return [Setting(provider="azure", account_id=subscription_id, region=location, key=KEY, value=mode,
                    source_api=SOURCE, raw=raw) for location in (listed or [None])]
