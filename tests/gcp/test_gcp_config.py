"""Config, credentials, documented permissions, wire format and the demo estate."""

import json
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.oauth2 import service_account
from pydantic import ValidationError

from connectors.base import ScanContext
from connectors.gcp import MANIFEST, normalise
from connectors.gcp.collect import GcpConnector
from connectors.gcp.config import GcpConfig
from connectors.gcp.credentials import build_credentials
from inventory.errors import UserError
from inventory.rows import Resource
from scanner.demo.emulators.cloudasset import FakeCloudAsset

ROOT = Path(__file__).resolve().parents[2]
# What Google documents each REST method of the fake to need (Cloud Asset / Org Policy access control).
DOCUMENTED = {"search": "cloudasset.assets.searchAllResources", "list": "cloudasset.assets.listResource",
              "policy": "orgpolicy.policy.get"}


def test_permissions_match_the_calls_made_and_the_readme(scan, fake):
    scan()
    used = {DOCUMENTED[kind] for kind, _, _ in fake.requests} | {"serviceusage.services.use"}
    assert set(MANIFEST.permissions) == used
    readme = (ROOT / "connectors/gcp/README.md").read_text(encoding="utf-8")
    section = readme.split("## Permissions", 1)[1].split("\n## ", 1)[0]
    assert set(re.findall(r"^\| `roles/[^|]*\| `([a-z]+\.[a-zA-Z.]+)` \|", section, re.M)) == used


def test_wire_format(scan, fake):
    scan()
    assert fake.authorizations == {"Bearer test-token"}
    (listed,) = [p for kind, path, p in fake.requests if kind == "list" and "ministerie-data" in path]
    assert listed["contentType"] == ["1"]
    assert listed["assetTypes"] == list(normalise.DETAIL_TYPES)
    (projects,) = [p for kind, _, p in fake.requests
                   if p.get("assetTypes") == ["cloudresourcemanager.googleapis.com/Project"]]
    assert projects["pageSize"] == ["500"]


def test_missing_token_env_is_one_line(config, monkeypatch):
    cfg = config()
    monkeypatch.delenv(cfg.token_env)
    with pytest.raises(UserError) as err:
        build_credentials(cfg)
    assert cfg.token_env in str(err.value) and "\n" not in str(err.value)


def test_missing_service_account_file_is_one_line(tmp_path):
    cfg = GcpConfig(name="g", scope="projects/p-1", credential="service_account_file",
                    service_account_file=str(tmp_path / "absent.json"))
    with pytest.raises(UserError, match=r"service_account_file: file not found"):
        build_credentials(cfg)


def test_service_account_file(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path = tmp_path / "sa.json"
    path.write_text(json.dumps({"type": "service_account", "client_email": "reader@p-1.iam.gserviceaccount.com",
                                "private_key": pem, "private_key_id": "1", "token_uri": "https://oauth2.googleapis.com/token",
                                "project_id": "p-1"}))
    cfg = GcpConfig(name="g", scope="projects/p-1", credential="service_account_file", service_account_file=str(path))
    credentials = build_credentials(cfg)
    assert isinstance(credentials, service_account.Credentials)
    assert credentials.service_account_email == "reader@p-1.iam.gserviceaccount.com"


def test_default_credentials_missing_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "absent.json"))
    with pytest.raises(UserError) as err:
        build_credentials(GcpConfig(name="g", scope="organizations/1"))
    assert str(err.value).startswith("[[gcp]] g: credential = 'default': ") and "\n" not in str(err.value)


@pytest.mark.parametrize("fields, problem", [
    ({"asset_endpoint": "http://cloudasset.example.org"}, "loopback"),
    ({"orgpolicy_endpoint": "ftp://127.0.0.1"}, "not an http"),
    ({"credential": "token"}, "token_env"),
    ({"credential": "service_account_file"}, "service_account_file"),
    ({"scope": "billingAccounts/1"}, "pattern"),
])
def test_bad_config(fields, problem):
    with pytest.raises(ValidationError, match=problem):
        GcpConfig.model_validate({"name": "g", "scope": "organizations/1", **fields})


def test_demo_estate(config):
    demo = json.loads((ROOT / "scanner/demo/gcp_estate.json").read_text(encoding="utf-8"))
    with FakeCloudAsset(demo) as server:
        cfg = config("organizations/615280049123").model_copy(
            update={"asset_endpoint": server.url, "orgpolicy_endpoint": server.url})
        rows = list(GcpConnector(cfg, ScanContext(), retry_initial=0.01).collect())
    resources = [r for r in rows if isinstance(r, Resource)]
    assert {"europe-west4", "eu", "eur5", "us", "asia-east2", "global"} <= {r.region for r in resources}
    assert {r.key_custody for r in resources if r.stores_data} == {"provider", "customer", "external"}
    assert all(getattr(r, "ok", True) for r in rows)
