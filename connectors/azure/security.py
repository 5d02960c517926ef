"""CSP-native security products per subscription: Defender for Cloud plans and Microsoft Sentinel.

Defender: ``pricings.list(scope_id="subscriptions/<id>")``; a plan on the ``Standard`` tier is
a paid plan, i.e. the product is in use. Sentinel: a Log Analytics workspace is onboarded when
the ``SecurityInsights(<workspace>)`` solution (``Microsoft.OperationsManagement/solutions``)
exists, which is already in the Resource Graph ``Resources`` rows: no extra call.
"""

from connectors.azure.calls import READ_PRICINGS
from connectors.azure.clients import AzureClients
from connectors.base import json_safe
from inventory.rows import SecurityService

SOLUTIONS = "microsoft.operationsmanagement/solutions"


def defender_plans(clients: AzureClients, subscription_id: str) -> list[SecurityService]:
    """One row per Defender plan of the subscription."""
    answer = clients.security(subscription_id).pricings.list(
        scope_id=f"subscriptions/{subscription_id}", **clients.call_options)
    rows = []
    for plan in answer.value or []:
        raw = plan.serialize(keep_readonly=True)
        tier = plan.pricing_tier or ""
        detail = "/".join(part for part in (tier, plan.sub_plan) if part)
        rows.append(SecurityService(provider="azure", account_id=subscription_id, region=None,
                                    service=f"defender:{plan.name}", enabled=tier.lower() == "standard",
                                    detail=detail or None, source_api=READ_PRICINGS.call,
                                    raw=json_safe(raw)))
    return rows


def sentinel(subscription_id: str, graph_rows: list[dict]) -> list[SecurityService]:
    """One row per Sentinel workspace; one ``enabled=False`` row when the subscription has none."""
    solutions = [row for row in graph_rows if (row.get("type") or "").lower() == SOLUTIONS
                 and (row.get("name") or "").lower().startswith("securityinsights(")]
    if not solutions:
        return [SecurityService(provider="azure", account_id=subscription_id, region=None, service="sentinel",
                                enabled=False, detail="no SecurityInsights solution in the subscription",
                                source_api="resourcegraph:Resources", raw=None)]
    return [SecurityService(provider="azure", account_id=subscription_id,
                            region=(row.get("location") or "").lower() or None, service="sentinel", enabled=True,
                            detail=(row.get("properties") or {}).get("workspaceResourceId") or row.get("name"),
                            source_api="resourcegraph:Resources", raw=json_safe(row))
            for row in solutions]
