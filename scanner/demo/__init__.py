"""`wolkenwacht demo`: scan a fictional ministry's estate served by local emulators.

AWS is served by moto server on 127.0.0.1; Microsoft 365, on-premises Exchange and SharePoint,
Azure and GCP by the project's fake servers (tests/fakes/, speaking the documented wire formats)
when the source tree is at hand, as with `make demo`. Nothing leaves this machine.
"""

import json
import logging
import os
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from rich.console import Console

from inventory.db import connect_readonly
from reports.write import write_report
from scanner.config import load_config
from scanner.demo.aws_estate import build_aws_estate
from scanner.run import run_scan

HERE = Path(__file__).parent


def _start_moto(stack: ExitStack) -> str:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    stack.callback(server.stop)
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).close()  # a clean estate
    return url


def _start_fakes(stack: ExitStack) -> str:
    """Start the fake Graph, on-premises, ARM and Cloud Asset servers; returns their config tables."""
    try:
        from tests.fakes.arm import ArmFake
        from tests.fakes.cloudasset import FakeCloudAsset
        from tests.fakes.graph import GraphFake
        from tests.fakes.onprem import OnpremFake
    except ImportError:  # an installed package without the source tree: AWS only
        return ""
    estate = lambda name: json.loads((HERE / name).read_text(encoding="utf-8"))  # noqa: E731
    graph = stack.enter_context(GraphFake(estate("m365_tenant.json")))
    exchange = stack.enter_context(OnpremFake("exchange", "15.2.1748.10"))  # Exchange Server 2019 CU15
    sharepoint = stack.enter_context(OnpremFake("sharepoint", "16.0.0.14326"))  # SharePoint Server SE
    arm = stack.enter_context(ArmFake(estate("azure_estate.json")))
    cloud_asset = stack.enter_context(FakeCloudAsset(estate("gcp_estate.json")))
    os.environ.update(WOLKENWACHT_DEMO_TOKEN="demo-token-not-a-secret")
    return FAKES_CONFIG.format(graph=graph.url, exchange=exchange.url, sharepoint=sharepoint.url, arm=arm.url,
                               asset=cloud_asset.url)


def run_demo(output_dir: Path, lang: str, console: Console) -> Path:
    """Start the emulators, scan them, write report.html; returns its path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(AWS_ACCESS_KEY_ID="demo", AWS_SECRET_ACCESS_KEY="demo", AWS_DEFAULT_REGION="eu-west-1",
                      MOTO_EC2_LOAD_DEFAULT_AMIS="false")
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    database = output_dir / "wolkenwacht.db"
    database.unlink(missing_ok=True)
    with ExitStack() as stack:
        aws_url = _start_moto(stack)
        build_aws_estate(aws_url)
        config_path = output_dir / "config.toml"
        (output_dir / "register.toml").write_text((HERE / "register.toml").read_text(encoding="utf-8"), encoding="utf-8")
        config_path.write_text(DEMO_CONFIG.format(aws_url=aws_url) + _start_fakes(stack), encoding="utf-8")
        config = load_config(config_path)
        result = run_scan(config, config_path)
    report = output_dir / "report.html"
    write_report(connect_readonly(config.database), result.scan_id, "html", report, lang=lang)
    summary = ", ".join(f"{count} {status}" for status, count in sorted(result.findings.items()))
    console.print(f"Demo scan {result.scan_id} ({result.status}): {summary}", highlight=False)
    console.print(f"Inventory: {database}\nHTML report: {report}", highlight=False)
    return report


DEMO_CONFIG = """\
# Written by `wolkenwacht demo`: the local emulators of the fictional Ministerie van Binnenwateren.
database = "sqlite:///wolkenwacht.db"
register = "register.toml"

[organisation]
name = "Ministerie van Binnenwateren"
profile = "essential"

[[aws]]
name = "minbiwa-aws"
endpoint_url = "{aws_url}"
regions = ["eu-west-1", "eu-central-1", "us-east-1", "ap-east-1", "cn-north-1"]
max_workers = 4
max_attempts = 2
"""

FAKES_CONFIG = """
[[m365]]
name = "minbiwa-m365"
tenant_id = "7c3a9d10-2f4e-4b8a-9e61-0d5c8f2a1b34"
credential = "token"
token_env = "WOLKENWACHT_DEMO_TOKEN"
graph_endpoint = "{graph}"

[[onprem]]
name = "minbiwa-onprem"
exchange_urls = ["{exchange}"]
sharepoint_urls = ["{sharepoint}"]

[[azure]]
name = "minbiwa-azure"
tenant_id = "5b0e7a21-9c4d-4e8f-a1b2-c3d4e5f60718"
credential = "token"
token_env = "WOLKENWACHT_DEMO_TOKEN"
arm_endpoint = "{arm}"

[[gcp]]
name = "minbiwa-gcp"
scope = "organizations/615280049123"
credential = "token"
token_env = "WOLKENWACHT_DEMO_TOKEN"
asset_endpoint = "{asset}"
orgpolicy_endpoint = "{asset}"
"""
