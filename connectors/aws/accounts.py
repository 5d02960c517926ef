"""Who we are, which accounts to scan and which regions (area ``accounts``; region discovery is ``inventory``).

Regions are always discovered, also with an explicit ``regions`` list: the enabled regions the list
leaves out are recorded (``scope_excluded``), never skipped silently.

Organizations mode lists the member accounts and assumes ``arn:<partition>:iam::<id>:role/<role_name>``
in each; the caller's own account is scanned with the caller's credentials. A failed assume is a
failed Collection row for that account, and the other accounts go on.
"""

from collections.abc import Iterator

from connectors.aws.calls import ASSUME, DESCRIBE_REGIONS, IDENTITY, LIST_ACCOUNTS
from connectors.aws.config import AwsConfig
from connectors.aws.inventory import utc
from connectors.aws.session import Clients, Credentials, Scope, describe_error
from connectors.base import Call, attempt, json_safe
from inventory.rows import Account, Collection, ScopeExcluded

ENABLED_REGION = ("opt-in-not-required", "opted-in")
SESSION_NAME = "wolkenwacht"


def assume(clients: Clients, scope: Scope, role_arn: str, external_id: str | None) -> Credentials:
    params = {"RoleArn": role_arn, "RoleSessionName": SESSION_NAME}
    if external_id:
        params["ExternalId"] = external_id
    creds = clients.call(ASSUME, scope, expect=("Credentials",), **params)["Credentials"]
    return Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


def attempt_call(call: Call, fn, estate: str, account_id: str | None = None, region: str | None = None, **kwargs):
    return attempt(fn, call, provider="aws", estate=estate, account_id=account_id, region=region,
                   describe_error=describe_error, **kwargs)


def caller(clients: Clients, config: AwsConfig, home: str) -> tuple[Scope | None, dict, list]:
    """The identity the scan runs as (after the optional role_arn assume), its identity answer and rows."""
    scope, rows = Scope(account_id="", partition="aws", region=home), []
    if config.role_arn:
        outcome = attempt_call(ASSUME, lambda: assume(clients, scope, config.role_arn, config.external_id),
                               config.name, count=lambda _: 1)
        rows.append(outcome.record)
        if not outcome.ok:
            return None, {}, rows
        scope = Scope(account_id="", partition="aws", credentials=outcome.value, region=home)
    outcome = attempt_call(IDENTITY, lambda: clients.call(IDENTITY, scope, expect=("Account", "Arn")), config.name, count=lambda _: 1)
    rows.append(outcome.record)
    if not outcome.ok:
        return None, {}, rows
    identity = outcome.value
    outcome.record.account_id = identity["Account"]
    partition = identity["Arn"].split(":")[1]
    return Scope(identity["Account"], partition, scope.credentials, home), identity, rows


def accounts(clients: Clients, config: AwsConfig, me: Scope, identity: dict) -> Iterator[Account | Collection | Scope]:
    """Account rows and Collection rows, and a Scope for every account that can be scanned."""
    org = config.organization
    listing = None
    if org:
        listing = attempt_call(LIST_ACCOUNTS, lambda: clients.items(LIST_ACCOUNTS, me, "Accounts[]"),
                               config.name, account_id=me.account_id)
        yield listing.record
    if not org or not listing.ok or not listing.value:  # no Organizations mode, or no listing: scan the caller
        yield Account(provider="aws", account_id=me.account_id, kind="aws-account", estate=config.name,
                      raw=json_safe(identity))
        yield me
        return
    for member in listing.value:
        if member.get("Status", "ACTIVE") != "ACTIVE":
            continue
        account_id = member["Id"]
        yield Account(provider="aws", account_id=account_id, name=member.get("Name"), kind="aws-account",
                      estate=config.name, parent_id=organization_id(member.get("Arn", "")),
                      created_at=utc(member.get("JoinedTimestamp")), raw=json_safe(member))
        if account_id == me.account_id:
            yield me
            continue
        role_arn = f"arn:{me.partition}:iam::{account_id}:role/{org.role_name}"
        outcome = attempt_call(ASSUME, lambda role_arn=role_arn: assume(clients, me, role_arn, org.external_id),
                               config.name, account_id=account_id, count=lambda _: 1)
        yield outcome.record
        if outcome.ok:
            yield Scope(account_id, me.partition, outcome.value, me.region)


def organization_id(account_arn: str) -> str | None:
    """``arn:aws:organizations::<mgmt>:account/o-abc123/<id>`` -> ``o-abc123``."""
    parts = account_arn.split("/")
    return parts[1] if len(parts) == 3 else None


def regions(clients: Clients, config: AwsConfig, scope: Scope) -> tuple[list[str], list[Collection | ScopeExcluded]]:
    """The regions to scan and the rows saying how they were chosen (ec2:DescribeRegions, enabled regions only).

    For ["*"]: every region enabled for the account. For an explicit list: the list, and every enabled region
    left out of it as a ScopeExcluded row, so scope left out by configuration is never silent."""
    outcome = attempt_call(DESCRIBE_REGIONS, lambda: clients.items(DESCRIBE_REGIONS, scope, "Regions[]"),
                           config.name, account_id=scope.account_id, region=scope.region)
    enabled = sorted(region["RegionName"] for region in outcome.value or []
                     if region.get("OptInStatus", ENABLED_REGION[0]) in ENABLED_REGION)
    if config.regions == ["*"]:
        return enabled, [outcome.record]
    configured = [r.lower() for r in config.regions]
    left_out = [ScopeExcluded(provider="aws", estate=config.name, account_id=scope.account_id, region=region,
                              config_field="regions", source_api=DESCRIBE_REGIONS.call)
                for region in enabled if region not in configured]
    return configured, [outcome.record, *left_out]
