"""`wolkenwacht demo`: scan a fictional ministry's estate served by local emulators.

AWS is served by moto server (the optional extra ``wolkenwacht[demo]``) in a process of its own;
Microsoft 365, on-premises Exchange and SharePoint, Azure and GCP by the emulators in
``scanner/demo/emulators``, which speak the documented wire formats. All listen on 127.0.0.1:
nothing leaves this machine. What the emulators print or log goes to ``emulators.log`` in the
output folder, so the terminal shows what a real scan shows.
"""

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from importlib.util import find_spec
from pathlib import Path
from typing import TextIO

from rich.console import Console
from sqlalchemy import select

from inventory.db import connect_readonly
from inventory.errors import UserError
from inventory.messages import say
from inventory.tables import Collection
from reports.data import latest_scan_id
from reports.write import write_report
from scanner.config import load_config
from scanner.demo.aws_estate import build_aws_estate

HERE = Path(__file__).parent
LOG = "emulators.log"
MOTO_START_SECONDS = 120
MOTO_GAPS = (("detective:", ""), ("macie2:", "cn-"))  # (call prefix, region prefix) moto server does not answer


def _log_to_file(stack: ExitStack, path: Path) -> TextIO:
    """Send what the emulators log to ``path`` until ``stack`` closes; returns the open file."""
    stream = stack.enter_context(path.open("w", encoding="utf-8"))
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("scanner.demo.emulators")
    stack.callback(_restore, logger, logger.handlers, logger.propagate, logger.level)
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.INFO)
    return stream


def _restore(logger: logging.Logger, handlers: list, propagate: bool, level: int) -> None:
    logger.handlers, logger.propagate = handlers, propagate
    logger.setLevel(level)


def _start_moto(stack: ExitStack, log: TextIO | None = None) -> str:
    """moto server in a process of its own on 127.0.0.1, printing to ``log`` (default: nowhere); returns its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdin=subprocess.DEVNULL, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT)
    stack.callback(_stop, server)
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + MOTO_START_SECONDS
    while True:
        try:  # a clean estate, and the sign that the server is up
            urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).close()
            return url
        except urllib.error.URLError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"moto server did not start on {url}") from None
            time.sleep(0.2)


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _start_emulators(stack: ExitStack) -> str:
    """Start the Graph, on-premises, ARM and Cloud Asset emulators; returns their config tables."""
    from scanner.demo.emulators.arm import ArmFake  # here, so `python -m scanner.demo.emulators.arm` runs cleanly
    from scanner.demo.emulators.cloudasset import FakeCloudAsset
    from scanner.demo.emulators.graph import GraphFake
    from scanner.demo.emulators.onprem import OnpremFake

    estate = lambda name: json.loads((HERE / name).read_text(encoding="utf-8"))  # noqa: E731
    graph = stack.enter_context(GraphFake(estate("m365_tenant.json")))
    exchange = stack.enter_context(OnpremFake("exchange", "15.2.1748.10"))  # Exchange Server 2019 CU15
    sharepoint = stack.enter_context(OnpremFake("sharepoint", "16.0.0.14326"))  # SharePoint Server SE
    arm = stack.enter_context(ArmFake(estate("azure_estate.json")))
    cloud_asset = stack.enter_context(FakeCloudAsset(estate("gcp_estate.json")))
    return EMULATORS_CONFIG.format(graph=graph.url, exchange=exchange.url, sharepoint=sharepoint.url, arm=arm.url,
                                   asset=cloud_asset.url)


@contextmanager
def demo_estate(output_dir: Path) -> Iterator[Path]:
    """Serve the demo estate from the emulators while the context lasts; yields the config to scan it with."""
    if find_spec("moto") is None:  # installed without the demo extra
        raise UserError("demo.needs_moto")
    output_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(AWS_ACCESS_KEY_ID="demo", AWS_SECRET_ACCESS_KEY="demo", AWS_DEFAULT_REGION="eu-west-1",
                      MOTO_EC2_LOAD_DEFAULT_AMIS="false", WOLKENWACHT_DEMO_TOKEN="demo-token-not-a-secret")
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    for suffix in ("", "-wal", "-shm"):  # a fresh database each time
        (output_dir / f"wolkenwacht.db{suffix}").unlink(missing_ok=True)
    (output_dir / "register.toml").write_text((HERE / "register.toml").read_text(encoding="utf-8"), encoding="utf-8")
    config_path = output_dir / "config.toml"
    with ExitStack() as stack:
        aws_url = _start_moto(stack, _log_to_file(stack, output_dir / LOG))
        build_aws_estate(aws_url)
        config_path.write_text(DEMO_CONFIG.format(aws_url=aws_url) + _start_emulators(stack), encoding="utf-8")
        yield config_path


def _failed_calls(engine, scan_id: int) -> tuple[str, str]:
    """The failed calls of a scan as ``call (region, ...)``: those moto server does not answer, and the others."""
    with engine.connect() as conn:
        failed = conn.execute(select(Collection.call, Collection.region).where(
            Collection.scan_id == scan_id, Collection.ok.is_(False)).order_by(Collection.call, Collection.id)).all()
    gaps: dict[str, list[str]] = {}
    others: dict[str, list[str]] = {}
    for call, region in failed:
        gap = any(call.startswith(c) and (region or "").startswith(r) for c, r in MOTO_GAPS)
        (gaps if gap else others).setdefault(call, []).append(region or "")
    return tuple("; ".join(call + (f" ({', '.join(filter(None, regions))})" if any(regions) else "")
                           for call, regions in calls.items()) for calls in (gaps, others))


def finish_demo(config_path: Path, lang: str, console: Console) -> None:
    """Write report.html for the demo scan; say why the scan is partial and where its files are."""
    config = load_config(config_path)
    engine = connect_readonly(config.database)
    scan_id = latest_scan_id(engine)
    report = config_path.parent / "report.html"
    write_report(engine, scan_id, "html", report, lang=lang)
    gaps, others = _failed_calls(engine, scan_id)
    folder = config_path.parent
    lines = [say("demo.moto_gaps", calls=gaps)] if gaps else []
    lines += [say("demo.other_failures", calls=others)] if others else []
    lines += [say("demo.files", database=folder / "wolkenwacht.db", report=report, log=folder / LOG)]
    for line in lines:
        console.print(line, markup=False, highlight=False)


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

EMULATORS_CONFIG = """
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
