"""SQL TDE and protector reads run in parallel up to ``concurrency.sql``, over real HTTP, with the rows of a sequential
scan; a subscription's other calls do not wait for them."""

import copy
from dataclasses import asdict

from azure_support import TOKEN_ENV, ArmFake, golden

from connectors.azure.collect import AzureConnector
from connectors.azure.config import AzureConfig
from connectors.base import ScanContext
from inventory.rows import Collection, Resource
from tests.faults import FaultProxy
from tests.inflight import InFlight

SQL = "microsoft.sql/"


def many_databases(estate: dict, count: int) -> None:
    """``count`` more databases on the first SQL server: TDE on, off, or not readable (every fifth)."""
    databases = [r for s in estate["subscriptions"] for r in s["resources"] if r["id"].endswith("/databases/dossiers")]
    subscription = next(s for s in estate["subscriptions"] if databases[0] in s["resources"])
    for i in range(count):
        database = copy.deepcopy(databases[0])
        database["id"] = database["id"].replace("/dossiers", f"/db{i:02d}")
        database["transparentDataEncryption"] = {"state": "Enabled" if i % 2 else "Disabled"}
        if i % 5 == 0:
            del database["transparentDataEncryption"]
        subscription["resources"].append(database)


def scan(monkeypatch, limit: int, delay: float, paths: tuple[str, ...] = ("/transparentDataEncryption/current",)
         ) -> tuple[list, InFlight]:
    """Scan with every request whose path contains one of ``paths`` delayed and counted by one gauge."""
    monkeypatch.setenv(TOKEN_ENV, "fake-bearer-token")
    estate = golden()
    estate["graph_quota"] = 1000
    many_databases(estate, 30)
    gauge = InFlight(delay)
    with ArmFake(estate) as fake, FaultProxy(fake.url) as proxy:
        proxy.inject(lambda request: any(path in request.path for path in paths), gauge)
        cfg = AzureConfig(name="bz-azure", tenant_id=estate["tenant_id"], credential="token", token_env=TOKEN_ENV,
                          arm_endpoint=proxy.url)
        rows = list(AzureConnector(cfg, ScanContext(max_workers=4, concurrency={"sql": limit})).collect())
    return [r for r in rows if isinstance(r, Resource) and r.type.startswith(SQL)
            or isinstance(r, Collection) and r.call.startswith("sql:")], gauge


def test_tde_reads_run_in_parallel_up_to_the_limit_with_the_sequential_rows(monkeypatch):
    parallel, gauge = scan(monkeypatch, limit=4, delay=0.03)
    assert gauge.calls == 31, "the golden database plus 30 more"
    assert 1 < gauge.most <= 4, f"{gauge.most} TDE reads were in flight at once; the limit is 4"
    sequential, one_by_one = scan(monkeypatch, limit=1, delay=0)
    assert one_by_one.most == 1
    assert [asdict(r) for r in parallel] == [asdict(r) for r in sequential], "the same rows in the same order"
    failed = [r for r in parallel if isinstance(r, Collection) and not r.ok]
    assert len(failed) == 6 and {r.call for r in failed} == {"sql:GetTransparentDataEncryption"}
    encrypted = {r.name: r.encrypted for r in parallel if isinstance(r, Resource)}
    assert (encrypted["db01"], encrypted["db02"], encrypted["db05"]) == (True, False, None)


def test_protector_and_tde_reads_share_one_fan_out_within_the_limit(monkeypatch):
    rows, gauge = scan(monkeypatch, limit=4, delay=0.03, paths=("/transparentDataEncryption/current",
                                                               "/encryptionProtector/current"))
    assert gauge.calls == 32, "one protector and 31 TDE reads"
    assert 1 < gauge.most <= 4, f"{gauge.most} SQL reads were in flight at once; the limit is 4"
    assert [r.call for r in rows if isinstance(r, Collection) and r.ok] == [
        "sql:GetEncryptionProtector", "sql:GetTransparentDataEncryption"], "one summary per call, protectors first"


def test_defender_plans_are_read_while_the_sql_reads_run(monkeypatch):
    sql_subscription = next(s["subscription_id"] for s in golden()["subscriptions"]
                            if any(r["type"] == "Microsoft.Sql/servers" for r in s["resources"]))
    _, gauge = scan(monkeypatch, limit=1, delay=0.05, paths=(
        "/transparentDataEncryption/current", f"/subscriptions/{sql_subscription}/providers/Microsoft.Security/pricings"))
    assert gauge.calls == 32, "31 TDE reads and the subscription's pricings"
    assert gauge.most == 2, "the pricings call was in flight beside a TDE read (one at a time by the limit)"
