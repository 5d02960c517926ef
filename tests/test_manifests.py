"""The connector manifests: cheap to import, uniform call names, areas named per provider."""

import re
import subprocess
import sys

import pytest

from connectors.base import CONNECTOR
from connectors.registry import MANIFESTS

SDKS = ("boto3", "botocore", "azure", "google", "msgraph", "kiota_abstractions", "httpx")
SHARED_AREAS = {"accounts", "inventory", "security_services"}
CALL_NAME = re.compile(r"^[a-z][a-z0-9]*:[A-Z][A-Za-z0-9-]*$")  # <service>:<Operation>, see connectors.base.Call


def test_the_registry_imports_no_sdk():
    """A source's SDK is imported only when a connector of that source is built."""
    code = f"import sys, connectors.registry; print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(SDKS)!r}))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


@pytest.mark.parametrize("provider", MANIFESTS)
def test_calls_are_named_service_colon_operation(provider):
    names = {call.call for call in MANIFESTS[provider].calls}
    assert names and all(CALL_NAME.match(name) for name in names), sorted(n for n in names if not CALL_NAME.match(n))
    assert CONNECTOR not in names


@pytest.mark.parametrize("provider", MANIFESTS)
def test_areas_are_shared_or_the_providers_own(provider):
    manifest = MANIFESTS[provider]
    assert all(area in SHARED_AREAS or area.startswith(f"{provider}.") for area in manifest.areas)
    assert len(set(manifest.calls)) == len(manifest.calls)
