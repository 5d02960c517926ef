"""Run the resource specs of ``services.py`` and turn their items into inventory rows.

Area ``inventory``. A failed list call yields a failed Collection row and no resources of that
type; a failed detail call leaves the field it would have filled unobserved (None) and yields a
failed Collection row per item, naming its resource (``subject``), so that resource's findings of the checks
that need this area become ``error`` (rule error_subject): a bucket whose tags were not read is not untagged.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import jmespath

from connectors.aws.calls import EBS_DEFAULT, TAGGING
from connectors.aws.services import ResourceSpec, key_custody, kms_blind
from connectors.aws.session import Clients, Scope, describe_error, error_code
from connectors.base import ScanContext, attempt, json_safe
from inventory.rows import Collection, Resource, Setting


@dataclass
class Listing:
    """What one spec produced in one scope: merged items and the Collection rows of its calls."""

    spec: ResourceSpec
    scope: Scope
    items: list[dict] = field(default_factory=list)
    records: list[Collection] = field(default_factory=list)


def where(estate: str, scope: Scope) -> dict:
    """The Collection fields of a call in a scope, besides those of the call itself."""
    return dict(provider="aws", estate=estate, account_id=scope.account_id, region=scope.region)


def list_spec(spec: ResourceSpec, scope: Scope, clients: Clients, estate: str, context: ScanContext) -> Listing:
    """List one resource type in one scope and run its detail calls on every item.

    A detail call runs for all items at once, at most ``context.limit(service)`` in flight per
    account and region; its answers are merged in the order of the listing."""
    listing = Listing(spec, scope)
    outcome = attempt(lambda: clients.items(spec.list, scope, spec.items, spec.optional, **spec.list_params), spec.list,
                      describe_error=describe_error, **where(estate, scope))
    listing.records.append(outcome.record)
    if not outcome.ok:
        return listing
    listing.items = [{spec.item_key: item} if spec.item_key else item for item in outcome.value
                     if not spec.owner or item.get(spec.owner) == scope.account_id]  # moto ignores OwnerIds=self
    for detail in spec.details:
        done, failed = 0, []
        expect = detail.expect + ((detail.result.split(".")[0],) if detail.result else ())
        answers = context.each(lambda item, d=detail, e=expect: clients.call(d.call, scope, expect=e, **d.params(item)),
                               listing.items, detail.call.service, (scope.account_id, scope.region))
        for item, answer in zip(listing.items, answers, strict=True):
            if isinstance(answer, Exception):
                code = error_code(answer) or type(answer).__name__
                if code in detail.absent:
                    item[detail.into] = {}
                    done += 1
                else:  # recorded for its resource: that resource's findings of checks needing the area are 'error'
                    failed.append(detail.call.record(ok=False, error=describe_error(answer)[:500],
                                                     subject=spec.uid(item, scope), **where(estate, scope)))
                continue
            value = jmespath.search(detail.result, answer) if detail.result else answer
            if detail.into:
                item[detail.into] = value or {}
            else:
                item.update(value or {})
            done += 1
        if done:
            listing.records.append(detail.call.record(ok=True, item_count=done, **where(estate, scope)))
        listing.records += failed
    return listing


def utc(value: Any) -> datetime | None:
    """botocore datetimes, ISO text or epoch seconds (SQS) as timezone-aware UTC."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = (datetime.fromtimestamp(float(value), UTC) if value.replace(".", "").isdigit()
                 else datetime.fromisoformat(value.replace("Z", "+00:00")))
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return None


def tag_dict(pairs: list | None) -> dict[str, str]:
    return {pair["Key"]: pair.get("Value", "") for pair in pairs or [] if "Key" in pair}


def arn_key(arn: str) -> str:
    """An ARN without its partition and account fields (and region, for an S3 bucket), so the forms one resource
    is seen in match: ``arn:aws-cn:...`` from the Tagging API and ``arn:aws:...`` built with the scan identity's
    partition, ``...::snapshot/x`` and ``...:123:snapshot/x``, ``arn:aws:s3:::b`` and ``arn:aws:s3:eu-west-1:123:b``."""
    parts = arn.split(":", 5)
    if len(parts) != 6:
        return arn
    service, region, resource = parts[2], parts[3], parts[5]
    if service == "s3" and "/" not in resource:  # a bucket (access points and objects have a slash)
        region = ""
    return ":".join(("arn", "", service, region, "", resource))


def resources(listing: Listing, keys: dict[str, dict], tagged: dict[str, dict], unobserved: set[str]) -> list[Resource]:
    """Resource rows for a listing; ``keys`` = KMS key metadata by key id, ``tagged`` = Tagging API by arn_key,
    ``unobserved`` = regions of the account whose KMS calls failed."""
    spec, rows = listing.spec, []
    for item in listing.items:
        uid = spec.uid(item, listing.scope)
        encrypted, key_id = spec.encryption(item)
        tags = (tag_dict(jmespath.search(spec.tags, item)) if spec.tags
                else tag_dict(tagged.get(arn_key(uid), {}).get("Tags")))
        region = spec.region(item) if spec.region else listing.scope.region
        rows.append(Resource(
            provider="aws", account_id=listing.scope.account_id, uid=uid, type=spec.type,
            name=jmespath.search(spec.name, item) if spec.name else uid.rsplit(":", 1)[-1].rsplit("/", 1)[-1],
            region=region.lower() if region else None,
            created_at=utc(jmespath.search(spec.created, item)) if spec.created else None,
            tags=tags, stores_data=spec.stores_data, encrypted=encrypted,
            key_custody=key_custody(encrypted, key_id, keys, kms_blind(key_id, listing.scope, unobserved)), key_id=key_id,
            source_api=spec.list.call, raw=json_safe(item)))
    return rows


def tagged_resources(scope: Scope, clients: Clients, estate: str) -> tuple[list[dict], Collection]:
    """Resource Groups Tagging API: every tagged (or once tagged) resource of the region."""
    outcome = attempt(lambda: clients.items(TAGGING, scope, "ResourceTagMappingList[]"), TAGGING,
                      describe_error=describe_error, **where(estate, scope))
    return outcome.value or [], outcome.record


def add_tagged(tagged: dict[str, tuple[dict, Scope]], mappings: list[dict], scope: Scope) -> None:
    """Add one region's Tagging API answer to ``tagged`` (by :func:`arn_key`, so each resource once) with the scope
    of the call that returned it. A resource whose ARN names no region and that the calls of several regions
    return lies in none of them in particular: its scope then keeps no region."""
    for mapping in mappings:
        key = arn_key(mapping["ResourceARN"])
        seen = tagged.get(key)
        tagged[key] = (mapping, scope if seen is None or seen[1].region == scope.region else replace(scope, region=None))


def other_resource(mapping: dict, scope: Scope) -> Resource:
    """A tagged resource of a type the specs do not collect; encryption is not observed. Its region is the ARN's,
    else the region of the Tagging API call that returned it (a China-region call answers for China), else global."""
    arn = mapping["ResourceARN"]
    parts = arn.split(":", 5) + [""] * 5
    kind = re.split(r"[:/]", parts[5], maxsplit=1)[0] if re.search(r"[:/]", parts[5]) else ""
    return Resource(provider="aws", account_id=scope.account_id, uid=arn, type=f"{parts[2]}.{kind}".rstrip("."),
                    name=arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1], region=(parts[3] or scope.region or "global").lower(),
                    tags=tag_dict(mapping.get("Tags")), source_api=TAGGING.call, raw=json_safe(mapping))


def ebs_default_encryption(scope: Scope, clients: Clients, estate: str) -> list:
    """Setting ec2.ebs_encryption_by_default for the region."""
    outcome = attempt(lambda: clients.call(EBS_DEFAULT, scope, expect=("EbsEncryptionByDefault",)), EBS_DEFAULT, describe_error=describe_error,
                      count=lambda _: 1, **where(estate, scope))
    if not outcome.ok:
        return [outcome.record]
    value = str(bool(outcome.value.get("EbsEncryptionByDefault"))).lower()
    return [outcome.record, Setting(provider="aws", account_id=scope.account_id, region=scope.region,
                                    key="ec2.ebs_encryption_by_default", value=value,
                                    source_api=EBS_DEFAULT.call, raw=json_safe(outcome.value))]
