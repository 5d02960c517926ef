"""Snapshots owned by other accounts are left out, even where the API (moto) ignores OwnerIds=self.

A moto server of its own, in a subprocess, with moto's default AMIs loaded: their ~1,300 public
snapshots per region belong to another account and must not be reported as this account's data.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest

from connectors.aws.collect import AwsConnector
from connectors.aws.config import AwsConfig
from connectors.base import ScanContext
from inventory.rows import Resource

ACCOUNT = "123456789012"


@pytest.fixture
def moto_with_default_amis(monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "MOTO_EC2_LOAD_DEFAULT_AMIS"}
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/moto-api/").close()
            break
        except OSError:
            time.sleep(0.1)
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(name, value)
    yield url
    server.terminate()
    server.wait(timeout=10)


def test_only_the_accounts_own_snapshots(moto_with_default_amis):
    ec2 = boto3.client("ec2", region_name="eu-west-1", endpoint_url=moto_with_default_amis)
    assert len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]) > 100  # moto's quirk, which we guard against
    volume = ec2.create_volume(AvailabilityZone="eu-west-1a", Size=1)
    own = ec2.create_snapshot(VolumeId=volume["VolumeId"])["SnapshotId"]
    config = AwsConfig(name="t", endpoint_url=moto_with_default_amis, regions=["eu-west-1"], max_attempts=1)
    rows = list(AwsConnector(config, ScanContext()).collect())
    snapshots = [r for r in rows if isinstance(r, Resource) and r.type == "ec2.snapshot"]
    assert [s.uid.rsplit("/", 1)[1] for s in snapshots] == [own]
    assert all(s.account_id == ACCOUNT for s in snapshots)
