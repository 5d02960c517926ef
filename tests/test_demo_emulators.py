"""The emulators are as strict as the services they stand for, so a connector bug cannot hide behind them.

Resource Graph returns only the projected columns and refuses an unknown one; Graph refuses a
``$select`` of a property the entity type does not have. Each strictness is shown on the wire and
with the connector itself, given the bug (one mutated query).
"""

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from connectors.azure import collect as azure_collect
from connectors.azure.collect import AzureConnector
from connectors.azure.config import AzureConfig
from connectors.base import ScanContext
from connectors.m365 import collect as m365_collect
from connectors.m365.collect import M365Connector
from connectors.m365.config import M365Config
from inventory.rows import Collection, Resource
from scanner.demo.emulators.arm import ArmFake
from scanner.demo.emulators.graph import GraphFake

DEMO = Path(__file__).resolve().parents[1] / "scanner" / "demo"
TOKEN_ENV = "WOLKENWACHT_TEST_EMULATOR_TOKEN"


def estate(name: str) -> dict:
    return json.loads((DEMO / name).read_text(encoding="utf-8"))


def call(url: str, body: dict | None = None) -> tuple[int, dict]:
    """(status, JSON body) of a GET, or a POST with ``body``, carrying a bearer token."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, {"Authorization": "Bearer t", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def graph_query(fake: ArmFake, query: str) -> tuple[int, dict]:
    subscriptions = [s["subscription_id"] for s in fake.estate["subscriptions"]]
    return call(f"{fake.url}/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01",
                {"subscriptions": subscriptions, "query": query, "options": {"$top": 1000}})


def test_resource_graph_returns_only_the_projected_columns():
    with ArmFake(estate("azure_estate.json") | {"graph_page_size": 1000}) as fake:
        status, answer = graph_query(fake, "Resources | project name, id | order by name desc")
        _, everything = graph_query(fake, "Resources")
    assert status == 200 and answer["data"]
    assert all(list(row) == ["name", "id"] for row in answer["data"])
    names = [row["name"] for row in answer["data"]]
    assert names == sorted(names, key=str.lower, reverse=True)
    assert {"tags", "properties", "location"} <= set(everything["data"][0])


@pytest.mark.parametrize("query, operator, column", [
    ("Resources | project id, nmae", "project", "nmae"),
    ("Resources | project name | order by id asc", "order", "id"),  # id was projected away
    ("ResourceContainers | project id, Tags", "project", "Tags"),  # column names are case-sensitive
])
def test_resource_graph_refuses_an_unknown_column(query, operator, column):
    with ArmFake(estate("azure_estate.json")) as fake:
        status, answer = graph_query(fake, query)
    assert status == 400
    assert answer["error"]["code"] == "BadRequest"
    assert [d["code"] for d in answer["error"]["details"]] == ["InvalidQuery", "Default"]
    assert answer["error"]["details"][1]["message"] == f"'{operator}' operator: Failed to resolve scalar expression named '{column}'"


def scanned_tags(monkeypatch) -> dict[str, dict]:
    """Resource id -> tags, as the Azure connector stores them from the demo estate."""
    monkeypatch.setenv(TOKEN_ENV, "t")
    demo = estate("azure_estate.json")
    with ArmFake(demo) as fake:
        config = AzureConfig(name="a", tenant_id=demo["tenant_id"], credential="token", token_env=TOKEN_ENV,
                             arm_endpoint=fake.url)
        return {r.uid.lower(): r.tags for r in AzureConnector(config, ScanContext()).collect() if isinstance(r, Resource)}


def test_a_connector_that_projects_a_column_away_loses_it(monkeypatch):
    """The bug: the connector's Resources query forgets ``tags``. The rows then carry no tags."""
    declared = {r["id"].lower(): r.get("tags") or {} for s in estate("azure_estate.json")["subscriptions"]
                for r in s.get("resources", [])}
    assert any(declared.values())
    assert {uid: tags for uid, tags in scanned_tags(monkeypatch).items() if uid in declared} == declared
    monkeypatch.setattr(azure_collect, "RESOURCES", azure_collect.RESOURCES.replace(" tags,", ""))
    assert {uid: tags for uid, tags in scanned_tags(monkeypatch).items() if uid in declared} != declared


def test_graph_refuses_an_unknown_select_property():
    with GraphFake(estate("m365_tenant.json")) as fake:
        status, answer = call(f"{fake.url}/v1.0/users?$select=id,userPrincipalNmae")
        ok, users = call(f"{fake.url}/v1.0/users?$select=id,userPrincipalName")
    assert status == 400
    assert answer["error"]["code"] == "BadRequest"
    assert answer["error"]["message"] == "Could not find a property named 'userPrincipalNmae' on type 'microsoft.graph.user'."
    assert set(answer["error"]["innerError"]) == {"date", "request-id"}
    assert ok == 200 and users["value"] and all(set(u) <= {"id", "userPrincipalName"} for u in users["value"])


def test_graph_honours_select_on_a_single_object():
    tenant = estate("m365_tenant.json")
    group = next(g for g in tenant["groups"] if g.get("drive"))
    with GraphFake(tenant) as fake:
        status, drive = call(f"{fake.url}/v1.0/groups/{group['id']}/drive?$select=id,driveType")
        refused, _ = call(f"{fake.url}/v1.0/groups/{group['id']}/drive?$select=id,drivetype")
    assert status == 200 and set(drive) == {"id", "driveType"}
    assert refused == 400


def test_a_connector_that_selects_a_misspelt_property_records_the_error(monkeypatch):
    """The bug: a typo in the users ``$select``. Graph refuses it; the scan records the failed call."""
    monkeypatch.setenv(TOKEN_ENV, "t")
    monkeypatch.setattr(m365_collect, "USER_FIELDS", [*m365_collect.USER_FIELDS, "usageLocaton"])
    tenant = estate("m365_tenant.json")
    with GraphFake(tenant) as fake:
        config = M365Config(name="m", tenant_id=tenant["tenant_id"], credential="token", token_env=TOKEN_ENV,
                            graph_endpoint=fake.url, exchange_endpoint=fake.url)
        rows = list(M365Connector(config, ScanContext(), max_retry_wait=0.2).collect())
    failed = {c.call: c.error for c in rows if isinstance(c, Collection) and not c.ok}
    assert "Could not find a property named 'usageLocaton'" in failed["graph:ListUsers"]
