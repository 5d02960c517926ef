"""Latency bench: every call of an emulated estate waits a fixed latency; how close does each connector get to its floor?

Each connector scans its emulator (moto server for AWS; the fake ARM, Cloud Asset and Graph from
``scanner/demo/emulators``) through a proxy that holds every request for ``--latency`` seconds
before forwarding it; it puts its own URL in place of the emulator's in answers (next-page links,
redirects), so every page goes through it. Emulators and proxies run in processes of their own, so
this process runs only the connector; the CPU each of them spent during the scan is reported beside
the scanner's. The floor is ``calls x latency / concurrency``: the time
the calls take when ``--concurrency`` of them are always in flight. The goal is a wall time within
1.5x of the floor. ``--latency 0`` shows what the emulators and the scanner cost by themselves.

    .venv/bin/python bench/latency.py                         # 50 ms, concurrency 16, every connector
    .venv/bin/python bench/latency.py --only aws --buckets 1000 --volumes 500
"""

import argparse
import copy
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from connectors.base import ScanContext  # noqa: E402
from inventory.rows import Collection  # noqa: E402
from scanner.demo import HERE, _start_moto, _stop  # noqa: E402
from scanner.demo.emulators.server import FakeServer  # noqa: E402
from tests.inflight import InFlight  # noqa: E402

TOKEN_ENV = "WOLKENWACHT_BENCH_TOKEN"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}
STATS = "/_latency/stats"  # the proxy's own counters, not forwarded and not counted


class _Delay(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms wait for a delayed ACK

    def _serve(self) -> None:
        proxy: LatencyProxy = self.server.proxy
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == STATS:
            return self._answer(200, [("Content-Type", "application/json")],
                                json.dumps({"calls": proxy.in_flight.calls, "most": proxy.in_flight.most}).encode())
        status, headers, data = proxy.in_flight.delayed(
            lambda: proxy.forward(self.command, self.path, dict(self.headers.items()), body))
        self._answer(status, *proxy.through_me(headers, data))

    def _answer(self, status: int, headers: list, data: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _serve

    def log_message(self, *args) -> None:
        pass


class LatencyProxy(FakeServer):
    """A reverse proxy on 127.0.0.1 that answers every request ``latency`` seconds late; counts calls and the most in flight."""

    def __init__(self, upstream: str, latency: float):
        super().__init__(_Delay)
        self.server.daemon_threads = True
        self.server.proxy = self
        parts = urlsplit(upstream)
        self.upstream, self.in_flight = (parts.hostname, parts.port), InFlight(latency)
        self.upstream_url = f"{parts.scheme}://{parts.netloc}".encode()
        self._local = threading.local()  # one kept-alive upstream connection per proxy thread

    def through_me(self, headers: list, data: bytes) -> tuple[list, bytes]:
        """The answer with the upstream's own URL (in next-page links, redirects) replaced by the proxy's,
        so that following a link goes through the proxy too."""
        mine = self.url.encode()
        return ([(name, value.replace(self.upstream_url.decode(), self.url)) for name, value in headers],
                data.replace(self.upstream_url, mine))

    def forward(self, method: str, path: str, headers: dict, body: bytes) -> tuple[int, list, bytes]:
        headers = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP} | {"Accept-Encoding": "identity"}
        for fresh in (False, True):
            if fresh or not hasattr(self._local, "connection"):
                self._local.connection = http.client.HTTPConnection(*self.upstream, timeout=120)
            try:
                self._local.connection.request(method, path, body=body or None, headers=headers)
                answer = self._local.connection.getresponse()
                return answer.status, answer.getheaders(), answer.read()
            except (http.client.HTTPException, ConnectionError):
                self._local.connection.close()
                if fresh:
                    raise
        raise AssertionError("unreachable")


# -- estates ---------------------------------------------------------------------------------
def aws_estate(url: str, buckets: int, volumes: int) -> None:
    """``buckets`` tagged buckets (every other one encrypted) and ``volumes`` tagged volumes in eu-west-1."""
    import boto3

    s3 = boto3.client("s3", region_name="eu-west-1", endpoint_url=url)
    ec2 = boto3.client("ec2", region_name="eu-west-1", endpoint_url=url)

    def bucket(i: int) -> None:
        name = f"bench-{i:05d}"
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "classification", "Value": "intern"}]})
        if i % 2:
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})

    def volume(i: int) -> None:
        ec2.create_volume(AvailabilityZone="eu-west-1a", Size=1, Encrypted=bool(i % 2), TagSpecifications=[
            {"ResourceType": "volume", "Tags": [{"Key": "classification", "Value": "intern"}]}])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(bucket, range(buckets)))
        list(pool.map(volume, range(volumes)))


def demo(name: str) -> dict:
    return json.loads((HERE / name).read_text(encoding="utf-8"))


def azure_estate(servers: int, databases: int) -> dict:
    """The demo estate plus ``servers`` SQL servers with ``databases`` databases each, in its first subscription.

    Pages as large as the real services send them (Resource Graph up to ``$top`` = 1000 rows, ARM lists
    1000 items), not the emulator's test pages of 2 and 3, which would turn the bench into a test of
    Resource Graph's quota of 15 queries per 5 seconds (the emulator's default, as the real service's)."""
    estate = demo("azure_estate.json") | {"page_size": 1000, "graph_page_size": 1000}
    estate.pop("graph_quota", None)
    subscription = estate["subscriptions"][0]
    server = next(r for r in subscription["resources"] if r["type"] == "Microsoft.Sql/servers")
    database = next(r for r in subscription["resources"] if r["id"].startswith(server["id"] + "/databases/")
                    and not r["id"].endswith("/master"))
    for s in range(servers):
        server_id = f"{server['id']}-{s:03d}"
        subscription["resources"].append(copy.deepcopy(server) | {"id": server_id})
        for d in range(databases):
            subscription["resources"].append(copy.deepcopy(database) | {"id": f"{server_id}/databases/db{d:03d}"})
    return estate


def gcp_estate(projects: int) -> tuple[dict, str]:
    """The demo estate's organisation with ``projects`` more projects, each with one bucket; returns it and the scope."""
    estate = demo("gcp_estate.json")
    template = next(r for r in estate["searchResults"] if r["assetType"] == "cloudresourcemanager.googleapis.com/Project")
    bucket = next(a for a in estate["assets"] if a["assetType"] == "storage.googleapis.com/Bucket")
    organization = template["organization"]
    for p in range(projects):
        number, project_id = f"9{p:011d}", f"bench-{p:04d}"
        estate["searchResults"].append(copy.deepcopy(template) | {
            "name": f"//cloudresourcemanager.googleapis.com/projects/{number}", "project": f"projects/{number}",
            "folders": [], "displayName": project_id, "additionalAttributes": {"projectId": project_id},
            "parentFullResourceName": f"//cloudresourcemanager.googleapis.com/{organization}"})
        estate["assets"].append(copy.deepcopy(bucket) | {"name": f"//storage.googleapis.com/{project_id}-data",
                                                         "ancestors": [f"projects/{number}", organization]})
    return estate, organization


def graph_tenant(teams: int, channels: int) -> dict:
    """The demo tenant plus ``teams`` teams of ``channels`` channels each."""
    tenant = demo("m365_tenant.json")
    team = next(g for g in tenant["groups"] if "Team" in g.get("resourceProvisioningOptions", []))
    channel = team["channels"][0]
    for t in range(teams):
        tenant["groups"].append(copy.deepcopy(team) | {
            "id": f"cccccccc-0000-0000-0000-{t:012d}", "displayName": f"Team {t}",
            "channels": [copy.deepcopy(channel) | {"id": f"19:bench{t}x{c}@thread.tacv2", "displayName": f"Kanaal {c}"}
                         for c in range(channels)]})
    return tenant


# -- connectors ------------------------------------------------------------------------------
def context(args) -> ScanContext:
    services = ("s3", "kms", "dynamodb", "sqs", "sns", "sql", "cloudasset", "orgpolicy", "graph")
    return ScanContext(max_workers=args.concurrency, concurrency=dict.fromkeys(services, args.concurrency))


def aws_connector(url: str, args) -> object:
    from connectors.aws.collect import AwsConnector
    from connectors.aws.config import AwsConfig

    config = AwsConfig(name="bench", endpoint_url=url, regions=["eu-west-1"], max_attempts=1)
    return AwsConnector(config, context(args))


def azure_connector(url: str, args) -> object:
    from connectors.azure.collect import AzureConnector
    from connectors.azure.config import AzureConfig

    config = AzureConfig(name="bench", tenant_id="bench", credential="token", token_env=TOKEN_ENV, arm_endpoint=url)
    return AzureConnector(config, context(args))


def gcp_connector(url: str, args, scope: str) -> object:
    from connectors.gcp.collect import GcpConnector
    from connectors.gcp.config import GcpConfig

    config = GcpConfig(name="bench", scope=scope, credential="token", token_env=TOKEN_ENV, asset_endpoint=url,
                       orgpolicy_endpoint=url)
    return GcpConnector(config, context(args))


def m365_connector(url: str, args) -> object:
    from connectors.m365.collect import M365Connector
    from connectors.m365.config import M365Config

    config = M365Config(name="bench", tenant_id="bench", credential="token", token_env=TOKEN_ENV,
                        graph_endpoint=url, exchange_endpoint=url)
    return M365Connector(config, context(args))


def child(stack: ExitStack, *argv: str) -> subprocess.Popen:
    """Start a Python process that prints ``label: url`` once it serves; returns it, with its ``url``."""
    process = subprocess.Popen([sys.executable, *argv], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)})
    stack.callback(_stop, process)
    line = process.stdout.readline()
    if ": http" not in line:
        raise RuntimeError(f"{' '.join(argv)} did not start")
    process.url = line.rsplit(": ", 1)[1].strip()
    return process


def emulator(stack: ExitStack, module: str, estate: dict) -> str:
    """An emulator of scanner/demo/emulators serving ``estate``, in a process of its own; returns its url."""
    path = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "estate.json"
    path.write_text(json.dumps(estate), encoding="utf-8")
    return child(stack, "-m", f"scanner.demo.emulators.{module}", str(path), "--port", "0").url


def children_cpu() -> dict[int, float]:
    """CPU seconds (user + system) so far of each child process of this one, by pid (from /proc; empty elsewhere)."""
    out, tick = {}, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == os.getpid():  # fields after the name: state, ppid, ..., utime (12th), stime (13th)
            out[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick
    return out


def timed_scan(upstream: str, build, latency: float) -> tuple[float, float, list, dict]:
    """Scan through a latency proxy of its own: wall and CPU seconds of ``collect()``, the rows, the proxy's counters
    with the CPU seconds the proxy and the emulator spent during the scan."""
    with ExitStack() as stack:
        proxy = child(stack, str(Path(__file__).resolve()), "--proxy", upstream, "--latency", str(latency))
        connector = build(proxy.url)
        before = children_cpu()
        started, cpu = time.perf_counter(), time.process_time()
        rows = list(connector.collect())
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        spent = {pid: seconds - before.get(pid, 0.0) for pid, seconds in children_cpu().items()}
        stats = json.loads(urlopen(proxy.url + STATS).read())
        stats["proxy_cpu"] = spent.pop(proxy.pid, None)
        stats["emulator_cpu"] = sum(spent.values()) if spent else None
        return wall, cpu, rows, stats


def measure(label: str, upstream: str, build, args) -> dict:
    """Scan twice and time the second: the first also pays the SDKs' lazy imports (``cold_s``), which are no calls."""
    cold, _, _, _ = timed_scan(upstream, build, args.latency)
    wall, cpu, rows, stats = timed_scan(upstream, build, args.latency)
    floor = stats["calls"] * args.latency / args.concurrency
    failed = sorted({r.call for r in rows if isinstance(r, Collection) and not r.ok})
    return {"connector": label, "calls": stats["calls"], "most_in_flight": stats["most"], "cold_s": round(cold, 2),
            "wall_s": round(wall, 2), "scanner_cpu_s": round(cpu, 2),
            "proxy_cpu_s": _round(stats["proxy_cpu"]), "emulator_cpu_s": _round(stats["emulator_cpu"]),
            "floor_s": round(floor, 2), "ratio": round(wall / floor, 2) if floor else None,
            "rows": len(rows), "failed_calls": failed}


def _round(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 2)


def serve_proxy(upstream: str, latency: float) -> None:
    with LatencyProxy(upstream, latency) as proxy:
        print(f"latency proxy: {proxy.url}", flush=True)
        threading.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds every call waits (default 0.05)")
    parser.add_argument("--concurrency", type=int, default=16, help="max_workers and every service's limit (default 16)")
    parser.add_argument("--only", choices=("aws", "azure", "gcp", "m365"), action="append", help="connectors to run (repeatable)")
    parser.add_argument("--buckets", type=int, default=1000)
    parser.add_argument("--volumes", type=int, default=500)
    parser.add_argument("--sql-servers", type=int, default=50, help="each with --sql-databases databases")
    parser.add_argument("--sql-databases", type=int, default=10)
    parser.add_argument("--projects", type=int, default=250)
    parser.add_argument("--teams", type=int, default=100, help="each with --channels channels")
    parser.add_argument("--channels", type=int, default=4)
    parser.add_argument("--proxy", metavar="UPSTREAM", help=argparse.SUPPRESS)  # serve only the proxy (a child process)
    args = parser.parse_args()
    if args.proxy:
        return serve_proxy(args.proxy, args.latency)
    only = set(args.only or ("aws", "azure", "gcp", "m365"))
    os.environ.update({TOKEN_ENV: "bench-token", "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                       "AWS_DEFAULT_REGION": "eu-west-1", "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"})
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    print(json.dumps({"host_load": os.getloadavg(), "cpus": os.cpu_count(), "latency_s": args.latency,
                      "concurrency": args.concurrency}), flush=True)
    with ExitStack() as stack:
        if "aws" in only:
            url = _start_moto(stack)
            aws_estate(url, args.buckets, args.volumes)
            print(json.dumps(measure("aws", url, lambda u: aws_connector(u, args), args)), flush=True)
        if "azure" in only:
            url = emulator(stack, "arm", azure_estate(args.sql_servers, args.sql_databases))
            print(json.dumps(measure("azure", url, lambda u: azure_connector(u, args), args)), flush=True)
        if "gcp" in only:
            estate, scope = gcp_estate(args.projects)
            url = emulator(stack, "cloudasset", estate)
            print(json.dumps(measure("gcp", url, lambda u: gcp_connector(u, args, scope), args)), flush=True)
        if "m365" in only:
            url = emulator(stack, "graph", graph_tenant(args.teams, args.channels))
            print(json.dumps(measure("m365", url, lambda u: m365_connector(u, args), args)), flush=True)


if __name__ == "__main__":
    main()
