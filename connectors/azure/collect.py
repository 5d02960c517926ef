"""The Azure connector: subscriptions, every resource with location and encryption, security plans, policy.

Flow: list subscriptions (ARM) -> pick the configured ones -> their management-group placement
(``properties.managementGroupAncestorsChain`` of the subscription row) and resource groups with
their locations (Resource Graph ``ResourceContainers``; with ``management_group`` set, only
subscriptions under that group stay, and one whose placement is unknown stays too) -> every resource (Resource Graph ``Resources``,
in batches under 300 subscriptions) -> per subscription, in parallel: created times (ARM
``resources.list(expand="createdTime")``), SQL TDE and encryption protectors (ARM child
resources), Defender plans, Sentinel (from the Resource Graph rows) and the Allowed-locations
policy. Each call group yields a Collection row; a subscription that answers 403 records its
errors and the other subscriptions go on. Subscriptions the credential can list that ``subscriptions``
or ``management_group`` leaves out are recorded as ScopeExcluded rows, never skipped silently.
"""

import dataclasses
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from connectors.azure import encryption, policy, security
from connectors.azure.calls import (
    LIST_RESOURCES,
    LIST_SUBSCRIPTIONS,
    QUERY_INVENTORY,
    QUERY_SECURITY,
    READ_ASSIGNMENTS,
    READ_PRICINGS,
    READ_PROTECTOR,
    READ_TDE,
)
from connectors.azure.clients import AzureClients, describe_error
from connectors.azure.config import AzureConfig
from connectors.azure.graph import CONTAINERS, RESOURCES, ResourceGraph, batches
from connectors.base import Call, ScanContext, attempt, json_safe, unwrap
from connectors.microsoft_credential import build_credential
from inventory.rows import Account, Collection, Resource, Row, ScopeExcluded

SUBSCRIPTION_TYPE = "microsoft.resources/subscriptions"
GROUP_TYPE = "microsoft.resources/subscriptions/resourcegroups"


class AzureConnector:
    """Collects one [[azure]] table (one tenant). Read-only: every action it needs (``calls.py``) is in the Reader role."""

    provider = "azure"

    def __init__(self, config: AzureConfig, context: ScanContext, **pipeline_options):
        """``pipeline_options`` go to every SDK client (e.g. ``retry_total``, ``retry_backoff_factor``)."""
        self.config = config
        self.context = context
        self.clients = AzureClients(config.arm_endpoint, build_credential(config), context.seconds_left, context.timeouts,
                                    **pipeline_options)

    def _attempt(self, fn, call: Call, account_id: str | None = None):
        return attempt(fn, call, provider=self.provider, estate=self.config.name, account_id=account_id,
                       describe_error=describe_error)

    def collect(self) -> Iterator[Row]:
        listed = self._attempt(lambda: [s.as_dict() for s in self.clients.subscriptions().subscriptions.list()],
                               LIST_SUBSCRIPTIONS)
        yield listed.record
        if not listed.ok:
            return
        subscriptions = yield from self._selected(listed.value)
        graph = ResourceGraph(self.clients.graph(), self.clients.call_options, self.context.seconds_left)
        containers = yield from self._graph_rows(graph, CONTAINERS, list(subscriptions), (QUERY_INVENTORY,))
        chains = {sub: _ancestors(rows) for sub, rows in containers.items()}
        for sub_id in [s for s in subscriptions if not self._in_scope(chains.get(s))]:
            yield self._left_out(subscriptions.pop(sub_id), "management_group", QUERY_INVENTORY)
        for sub_id, sub in subscriptions.items():
            yield self._account(sub, chains.get(sub_id))
            for row in containers.get(sub_id) or []:
                if (row.get("type") or "").lower() == GROUP_TYPE:
                    yield _resource(sub_id, row, encryption.AtRest(), None, "resourcegraph:ResourceContainers")
        resources = yield from self._graph_rows(graph, RESOURCES, list(subscriptions), (QUERY_INVENTORY, QUERY_SECURITY))
        with ThreadPoolExecutor(max_workers=self.context.max_workers) as pool:
            for rows in pool.map(lambda s: self._subscription(s, resources.get(s)), list(subscriptions)):
                yield from rows

    def _selected(self, listed: list[dict]) -> Iterator[Collection | ScopeExcluded]:
        """The subscriptions to scan (generator return value); configured ones the credential cannot see are errors,
        and visible ones the list leaves out are recorded as not scanned by configuration."""
        visible = {s["subscriptionId"].lower(): s for s in listed}
        if self.config.subscriptions == ["*"]:
            return visible
        chosen = {}
        for wanted in (s.lower() for s in self.config.subscriptions):
            if wanted in visible:
                chosen[wanted] = visible[wanted]
            else:
                yield LIST_SUBSCRIPTIONS.record(provider=self.provider, estate=self.config.name, account_id=wanted, ok=False,
                                                error="subscription not in the subscriptions the credential can list")
        for sub_id, sub in visible.items():
            if sub_id not in chosen:
                yield self._left_out(sub, "subscriptions", LIST_SUBSCRIPTIONS)
        return chosen

    def _left_out(self, sub: dict, config_field: str, seen_by: Call) -> ScopeExcluded:
        return ScopeExcluded(provider=self.provider, estate=self.config.name, account_id=sub["subscriptionId"].lower(),
                             name=sub.get("displayName"), config_field=config_field, source_api=seen_by.call)

    def _graph_rows(self, graph: ResourceGraph, query: str, subscriptions: list[str], calls: tuple[Call, ...]):
        """Rows per subscription of a Resource Graph query; one Collection row per subscription and call (area).

        A subscription whose batch failed is absent from the result (generator return value).
        """
        by_sub: dict[str, list[dict]] = {}
        for batch in batches(subscriptions):
            outcome = self._attempt(lambda b=batch: graph.query(query, b), calls[0])
            for row in outcome.value or []:
                by_sub.setdefault((row.get("subscriptionId") or "").lower(), []).append(row)
            for sub_id in batch:
                if outcome.ok:
                    by_sub.setdefault(sub_id, [])
                for call in calls:
                    yield _for_account(outcome.record, sub_id, call.area, len(by_sub.get(sub_id, [])) if outcome.ok else None)
        return by_sub

    def _in_scope(self, chain: list[str] | None) -> bool:
        """Under the configured management group; an unknown placement stays in scope (not observed is not passed)."""
        group = self.config.management_group
        return not group or chain is None or group.lower() in (name.lower() for name in chain)

    def _account(self, sub: dict, chain: list[str] | None) -> Account:
        parent = f"/providers/Microsoft.Management/managementGroups/{chain[0]}" if chain else None
        return Account(provider=self.provider, account_id=sub["subscriptionId"].lower(), name=sub.get("displayName"),
                       kind="azure-subscription", estate=self.config.name, parent_id=parent, created_at=None,
                       raw=json_safe({**sub, "managementGroupAncestorsChain": chain}))

    def _subscription(self, sub_id: str, graph_rows: list[dict] | None) -> list[Row]:
        """Everything per subscription after the Resource Graph query (runs in a worker thread).

        The created-times list, the Defender plans and the policy assignments are read while the SQL
        reads fan out: none waits for another, and the rows keep their order."""
        with ThreadPoolExecutor(max_workers=3, thread_name_prefix="azure-sub") as pool:
            created_read = pool.submit(self._attempt, lambda: self._created_times(sub_id), LIST_RESOURCES, sub_id)
            defender_read = pool.submit(self._attempt, lambda: security.defender_plans(self.clients, sub_id),
                                        READ_PRICINGS, sub_id)
            allowed_read = pool.submit(self._attempt, lambda: policy.allowed_locations(self.clients, sub_id),
                                       READ_ASSIGNMENTS, sub_id)
            details, sql_records = self._sql_encryption(sub_id, graph_rows) if graph_rows is not None else ({}, [])
            created, defender, allowed = created_read.result(), defender_read.result(), allowed_read.result()
        out: list[Row] = [created.record]
        if graph_rows is not None:
            out += sql_records
            for row in graph_rows:
                at_rest = details.get(row["id"].lower()) or encryption.at_rest(row)
                out.append(_resource(sub_id, row, at_rest, (created.value or {}).get(row["id"].lower()),
                                     "resourcegraph:Resources"))
            out += security.sentinel(sub_id, graph_rows)
        out += [defender.record, *(defender.value or [])]
        out += [allowed.record, *(allowed.value or [])]
        return out

    def _created_times(self, sub_id: str) -> dict[str, datetime]:
        """Resource id (lower case) -> created time, from one paged ARM list of the subscription."""
        listing = self.clients.resources(sub_id).resources.list(expand="createdTime", **self.clients.call_options)
        return {r.id.lower(): _utc(r.created_time) for r in listing if r.id and r.created_time}

    def _sql_encryption(self, sub_id: str, rows: list[dict]) -> tuple[dict[str, encryption.AtRest], list[Collection]]:
        """TDE per database with its server's protector; failed reads are recorded, the others go on.

        The protector and TDE reads run in one fan-out (``concurrency.sql`` per subscription); rows keep the Resource Graph order."""
        client = self.clients.resources(sub_id).resources
        servers = [row for row in rows if encryption.is_sql_server(row)]
        databases = [row for row in rows if encryption.is_sql_database(row)]
        reads = [(row, "encryptionProtector/current", READ_PROTECTOR) for row in servers]
        reads += [(row, "transparentDataEncryption/current", READ_TDE) for row in databases]
        answers = self.context.each(lambda read: client.get_by_id(
            f"{read[0]['id']}/{read[1]}", api_version=encryption.SQL_API_VERSION, **self.clients.call_options),
            reads, READ_TDE.service, sub_id)
        outcomes = [self._attempt(lambda a=answer: unwrap(a), call, sub_id)
                    for answer, (_, _, call) in zip(answers, reads, strict=True)]
        read_protectors, read_tde = outcomes[:len(servers)], outcomes[len(servers):]
        protectors = {row["id"].lower(): encryption.sql_protector(_properties(outcome))
                      for row, outcome in zip(servers, read_protectors, strict=True)}
        details = dict(protectors)
        for row, outcome in zip(databases, read_tde, strict=True):
            server = protectors.get(row["id"].lower().rsplit("/databases/", 1)[0], encryption.AtRest())
            details[row["id"].lower()] = encryption.sql_database(_properties(outcome), server)
        for row in rows:
            if (row.get("type") or "").lower() == encryption.SQL_DATABASE and not encryption.is_sql_database(row):
                details[row["id"].lower()] = encryption.AtRest()
        return details, _summarise([outcome.record for outcome in read_protectors + read_tde])


def _properties(outcome) -> dict | None:
    """The ``properties`` of a child resource read, None when the read failed."""
    return outcome.value.as_dict().get("properties") or {} if outcome.ok else None


def _summarise(records: list[Collection]) -> list[Collection]:
    """Failed reads one by one, successes as one row per call with their count."""
    failed = [r for r in records if not r.ok]
    done: dict[str, Collection] = {}
    for record in records:
        if record.ok:
            summary = done.setdefault(record.call, _for_account(record, record.account_id, record.area, 0))
            summary.item_count += 1
    return [*failed, *done.values()]


def _for_account(record: Collection, account_id: str, area: str, count: int | None) -> Collection:
    return dataclasses.replace(record, account_id=account_id, area=area, item_count=count)


def _ancestors(rows: list[dict]) -> list[str] | None:
    """Management-group names above the subscription, nearest first (Resource Graph managementGroupAncestorsChain)."""
    sub = next((r for r in rows if (r.get("type") or "").lower() == SUBSCRIPTION_TYPE), None)
    chain = ((sub or {}).get("properties") or {}).get("managementGroupAncestorsChain")
    return [g["name"] for g in chain if g.get("name")] if chain is not None else None


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _resource(sub_id: str, row: dict, at_rest: encryption.AtRest, created: datetime | None, source: str) -> Resource:
    return Resource(provider="azure", account_id=sub_id, uid=row["id"], type=(row.get("type") or "").lower(),
                    name=row.get("name"), region=(row.get("location") or "").lower() or None, created_at=created,
                    tags=row.get("tags") or {}, stores_data=at_rest.stores_data, encrypted=at_rest.encrypted,
                    key_custody=at_rest.key_custody, key_id=at_rest.key_id, source_api=source, raw=json_safe(row))
