"""The AWS connector: accounts, regions, resources with location and encryption, security services.

Per account it runs, on one bounded thread pool (``max_workers``), all calls at once:

1. per region: KMS keys (ListKeys + DescribeKey) and the Resource Groups Tagging API, because the
   other resources' rows need them (key custody of the key they use; tags of types whose list call
   carries none);
2. per region x service: every other resource spec (``services.py``), the EBS default
   encryption setting and the five security services; S3 once per account (its listing is
   global, each bucket's region comes from GetBucketLocation). Their calls do not wait for step 1,
   only the building of their rows does;
3. tagged resources of other types from step 1 that no spec collected.

A spec's per-item calls (one per bucket, key, table, queue, topic) fan out on pools of their own,
at most ``concurrency[service]`` (default ``max_workers``) in flight per account and region
(``ScanContext.each``). Rows come out in the order the tasks were submitted, whatever the order
they finish in.

Key custody of an encrypted resource comes from the KMS key it names: ``external`` for keys with
Origin EXTERNAL_KEY_STORE or EXTERNAL, ``provider`` for AWS managed keys (and for no key: SSE-S3,
AWS-owned keys), ``customer`` otherwise (also for keys of another account, which we cannot see);
unknown (None) when the KMS calls of the key's own region failed.
Accounts whose turn comes after the scan deadline are recorded as failed, not scanned.

The calls it makes and the read-only IAM actions they need are declared in ``calls.py`` (see
``permissions.md``).
"""

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from connectors.aws import accounts, inventory, security
from connectors.aws.calls import EBS_DEFAULT, INVENTORY
from connectors.aws.config import AwsConfig
from connectors.aws.inventory import Listing, arn_key, list_spec, resources
from connectors.aws.services import KMS_SPEC, SPECS
from connectors.aws.session import Clients, Scope, new_session
from connectors.base import CONNECTOR, Call, ScanContext
from inventory.rows import Collection, Resource, Row


def listed_rows(listing: Listing, keys: dict[str, dict], tags: dict[str, dict], unobserved: set[str]) -> list:
    """A listing's Collection rows and its Resource rows."""
    return listing.records + resources(listing, keys, tags, unobserved)


class AwsConnector:
    """Collects one [[aws]] estate. ``session`` is the boto3 session every client is built from."""

    provider = "aws"

    def __init__(self, config: AwsConfig, context: ScanContext):
        self.config, self.context = config, context
        self.session = new_session(config.profile)
        self.clients = Clients(self.session, config.endpoint_url, config.max_attempts, context.seconds_left,
                               context.timeouts, max(16, context.max_workers, *context.concurrency.values()))
        explicit = config.regions != ["*"]
        self.home = config.regions[0].lower() if explicit else (self.session.region_name or "us-east-1")

    def collect(self) -> Iterator[Row]:
        me, identity, rows = accounts.caller(self.clients, self.config, self.home)
        yield from rows
        if me is None:
            return
        with ThreadPoolExecutor(max_workers=self.context.max_workers, thread_name_prefix="aws") as pool:
            for row in accounts.accounts(self.clients, self.config, me, identity):
                if not isinstance(row, Scope):
                    yield row
                elif self.context.seconds_left() > 0:
                    yield from self._account(row, pool)
                else:
                    yield Collection(provider="aws", estate=self.config.name, account_id=row.account_id,
                                     area=INVENTORY, call=CONNECTOR, ok=False,
                                     error="scan deadline reached before this account was scanned")

    def _account(self, scope: Scope, pool: ThreadPoolExecutor) -> Iterator[Row]:
        regions, rows = accounts.regions(self.clients, self.config, scope)
        yield from rows
        if not regions:
            return
        estate, clients = self.config.name, self.clients
        # step 1: KMS keys and the Tagging API, which the other resources' rows need
        kms = [pool.submit(list_spec, KMS_SPEC, scope.at(r), clients, estate, self.context) for r in regions]
        tagging = [pool.submit(inventory.tagged_resources, scope.at(r), clients, estate) for r in regions]
        # step 2: every other spec, setting and security service, region by region; a listing becomes rows below.
        # The single calls (EBS default, security services) are submitted before the listings, so that one botocore
        # retries (backing off for seconds) waits while the listings run, not after them; rows keep the order below.
        singles: dict[Future, tuple[Call, Scope, bool]] = {}
        for where in map(scope.at, regions):
            singles[pool.submit(inventory.ebs_default_encryption, where, clients, estate)] = (EBS_DEFAULT, where, False)
            for check in security.CHECKS:
                task = pool.submit(security.security_rows, check, where, clients, estate)
                singles[task] = (check.calls[0], where, False)
        tasks: dict[Future, tuple[Call, Scope, bool]] = {future: (KMS_SPEC.list, scope.at(r), True)
                                                         for future, r in zip(kms, regions, strict=True)}
        for spec in SPECS:
            if spec is KMS_SPEC:
                continue
            for where in map(scope.at, [self.home] if spec.scope == "global" else regions):
                tasks[pool.submit(list_spec, spec, where, clients, estate, self.context)] = (spec.list, where, True)
        tasks |= singles

        kms_listings = [future.result() for future in kms]  # list_spec records its own failures
        keys = {item["KeyId"]: item for listing in kms_listings for item in listing.items if "KeyId" in item}
        unobserved = {listing.scope.region for listing in kms_listings if not all(r.ok for r in listing.records)}
        tagged: dict[str, tuple[dict, Scope]] = {}
        for future, region in zip(tagging, regions, strict=True):
            mappings, record = future.result()
            yield record
            inventory.add_tagged(tagged, mappings, scope.at(region))
        tags = {key: mapping for key, (mapping, _) in tagged.items()}

        collected: set[str] = set()
        for future, (call, where, listing) in tasks.items():  # in submission order: the same rows in the same order every scan
            finish = (lambda done: listed_rows(done, keys, tags, unobserved)) if listing else (lambda done: done)
            for row in self._rows(future, finish, call, where):
                if isinstance(row, Resource):
                    collected.add(arn_key(row.uid))
                yield row
        # step 3: tagged resources of types no spec collected
        for key, (mapping, where) in tagged.items():
            if key not in collected:
                yield inventory.other_resource(mapping, where)

    def _rows(self, future: Future, finish: Callable[[object], list], call: Call, where: Scope) -> list:
        """A task's rows (``finish`` of its result); an unexpected failure (e.g. an answer of an unforeseen shape) is a
        recorded error."""
        try:
            return finish(future.result())
        except Exception as exc:
            return [call.record(provider="aws", estate=self.config.name, account_id=where.account_id,
                                region=where.region, ok=False, error=f"{type(exc).__name__}: {exc}"[:2000])]
