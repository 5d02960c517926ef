"""An AWS-only scan pays only for AWS: no other source's SDK is imported (checked in a fresh process)."""

import json
import os
import subprocess
import sys
from pathlib import Path

OTHER_SDKS = {"azure", "google", "msgraph", "msgraph_core", "kiota_abstractions", "kiota_http", "msal", "httpx"}
ROOT = Path(__file__).resolve().parents[2]
SCAN = """
import json, sys
from scanner.cli import main
try:
    main(["scan", "--config", sys.argv[1]], standalone_mode=False)
finally:
    print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def loaded_by_scan(tmp_path: Path, sources: str) -> set[str]:
    config = tmp_path / "config.toml"
    config.write_text(f'database = "sqlite:///{tmp_path / "w.db"}"\n{sources}', encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", SCAN, str(config)], capture_output=True, text=True, cwd=ROOT,
                          env=os.environ | {"PYTHONPATH": str(ROOT)}, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_an_aws_only_scan_imports_no_other_sdk(aws, tmp_path):
    aws.client("s3", "us-east-1").create_bucket(Bucket="lean")
    loaded = loaded_by_scan(tmp_path, f'[[aws]]\nname = "a"\nendpoint_url = "{aws.url}"\nregions = ["eu-west-1"]\n')
    assert "boto3" in loaded, "the scan did reach AWS"
    assert loaded & OTHER_SDKS == set()


def test_the_check_sees_an_sdk_a_source_brings(aws, tmp_path):
    loaded = loaded_by_scan(tmp_path, f'[[aws]]\nname = "a"\nendpoint_url = "{aws.url}"\nregions = ["eu-west-1"]\n'
                                      '[[onprem]]\nname = "o"\n')
    assert "httpx" in loaded & OTHER_SDKS
