"""Start-up bench: wall time and peak memory of an AWS-only scan, in a fresh process each run.

It builds the moto 6-service estate (S3, EC2 volumes, DynamoDB, RDS, SQS, SNS in 4 regions; 132
resources) on a moto server of its own, then runs ``python -m scanner scan`` on an AWS-only config
``--runs`` times and reports each run's wall time and peak memory, next to two fixed costs: the CLI
alone (``--version``) and a process that imports every connector's SDK (what an AWS-only scan
would carry if the SDKs were imported eagerly). ``--prowler PYTHON`` (the Python of a virtualenv with
Prowler installed) alternates each scan with a Prowler run over the same estate and services and prints
both and their ratios; ``--serve`` keeps the estate up for a scanner run by hand.

    .venv/bin/python bench/startup.py --runs 5 [--prowler /path/to/prowler-venv/bin/python]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scanner.demo import _start_moto  # noqa: E402

REGIONS = ("eu-west-1", "eu-central-1", "eu-north-1", "us-east-1")
SERVICES = ("s3", "ec2", "dynamodb", "rds", "sqs", "sns")  # the estate's; Prowler is limited to them
EVERY_SDK = "import connectors.aws.collect, connectors.azure.collect, connectors.gcp.collect, connectors.m365.collect"
# The child reports its own peak (VmHWM): a child's ru_maxrss also counts the parent it was forked from.
PEAK = """
import atexit, os, runpy, sys
def peak():
    with open("/proc/self/status") as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    with open(os.environ["BENCH_PEAK_FILE"], "w") as out:
        out.write(str(kib))
atexit.register(peak)
kind, target, *sys.argv = sys.argv[1:]
sys.argv.insert(0, target)
runpy.run_module(target, run_name="__main__", alter_sys=True) if kind == "module" else exec(target)
"""


def estate(url: str) -> int:
    """Per region 8 buckets, 8 volumes, 5 tables, 4 DB instances, 4 queues and 4 topics: 33 x 4 = 132 resources."""
    import boto3

    for region in REGIONS:
        client = lambda service, r=region: boto3.client(service, region_name=r, endpoint_url=url)  # noqa: E731
        s3, ec2, dynamodb, rds, sqs, sns = map(client, ("s3", "ec2", "dynamodb", "rds", "sqs", "sns"))
        for i in range(8):
            where = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            s3.create_bucket(Bucket=f"startup-{region}-{i}", **where)
            ec2.create_volume(AvailabilityZone=f"{region}a", Size=1, Encrypted=bool(i % 2))
        for i in range(5):
            dynamodb.create_table(TableName=f"t{i}", BillingMode="PAY_PER_REQUEST",
                                  AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                  KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        for i in range(4):
            rds.create_db_instance(DBInstanceIdentifier=f"db{i}", Engine="postgres", DBInstanceClass="db.t3.micro",
                                   MasterUsername="bench", MasterUserPassword="bench-only-password", AllocatedStorage=20)
            sqs.create_queue(QueueName=f"q{i}")
            sns.create_topic(Name=f"topic{i}")
    return 33 * len(REGIONS)


def run(kind: str, target: str, *argv: str, python: str = sys.executable, env: dict | None = None
        ) -> tuple[float, float, int]:
    """Run module ``target`` with ``argv`` (kind "module") or code ``target`` (kind "code") in a fresh ``python``
    from the repository root: wall seconds, peak memory in MiB, exit code."""
    with tempfile.NamedTemporaryFile() as peak:
        started = time.perf_counter()
        done = subprocess.run([python, "-c", PEAK, kind, target, *argv], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL,
                              env=os.environ | {"PYTHONPATH": str(ROOT), "BENCH_PEAK_FILE": peak.name} | (env or {}))
        wall = time.perf_counter() - started
        return wall, int(Path(peak.name).read_text() or 0) / 1024, done.returncode


def summary(label: str, runs: list[tuple[float, float, int]]) -> dict:
    walls, peaks = [r[0] for r in runs], [r[1] for r in runs]
    return {"what": label, "runs": len(runs), "median_s": round(statistics.median(walls), 2),
            "range_s": [round(min(walls), 2), round(max(walls), 2)], "peak_mib": round(max(peaks), 1),
            "exit_codes": sorted({r[2] for r in runs})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="scans to time (default 3)")
    parser.add_argument("--prowler", metavar="PYTHON", help="Python of a virtualenv with Prowler: alternate with its runs")
    parser.add_argument("--serve", action="store_true", help="after the runs, keep the estate up until Ctrl-C")
    args = parser.parse_args()
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="eu-west-1",
                      MOTO_EC2_LOAD_DEFAULT_AMIS="false")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    with ExitStack() as stack:
        url = _start_moto(stack)
        resources = estate(url)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        config = folder / "config.toml"
        config.write_text(f'database = "sqlite:///{folder / "wolkenwacht.db"}"\n[[aws]]\nname = "bench"\n'
                          f'endpoint_url = "{url}"\nregions = {json.dumps(list(REGIONS))}\n', encoding="utf-8")
        print(json.dumps({"host_load": os.getloadavg(), "cpus": os.cpu_count(), "resources": resources}), flush=True)
        print(json.dumps(summary("python -m scanner --version", [run("module", "scanner", "--version") for _ in range(args.runs)])))
        print(json.dumps(summary("import every connector's SDK", [run("code", EVERY_SDK) for _ in range(args.runs)])))
        scan = ("module", "scanner", "scan", "--config", str(config))
        if not args.prowler:
            print(json.dumps(summary("AWS-only scan (python -m scanner scan)", [run(*scan) for _ in range(args.runs)])))
        else:
            prowler = ("module", "prowler", "aws", "--region", *REGIONS, "--service", *SERVICES, "--no-banner",
                       "--output-directory", str(folder / "prowler"))
            pairs = [(run(*scan), run(*prowler, python=args.prowler, env={"AWS_ENDPOINT_URL": url}))
                     for _ in range(args.runs)]
            ours, theirs = (summary(label, [pair[i] for pair in pairs]) for i, label in
                            enumerate(("AWS-only scan (python -m scanner scan)", "Prowler, same estate and services")))
            print(json.dumps(ours), json.dumps(theirs), sep="\n")
            print(json.dumps({"prowler_time_over_ours": round(theirs["median_s"] / ours["median_s"], 1),
                              "our_peak_over_prowler": round(ours["peak_mib"] / theirs["peak_mib"], 2)}))
        print(json.dumps({"host_load_after": os.getloadavg()}), flush=True)
        if args.serve:
            print(f"moto estate: {url}  (AWS_ENDPOINT_URL={url}, regions {' '.join(REGIONS)}); Ctrl-C ends", flush=True)
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                pass


if __name__ == "__main__":
    main()
