"""Every source Wolkenwacht knows, in scan order: one manifest per connector package."""

from connectors.aws import MANIFEST as AWS
from connectors.azure import MANIFEST as AZURE
from connectors.base import Manifest
from connectors.gcp import MANIFEST as GCP
from connectors.m365 import MANIFEST as M365
from connectors.onprem import MANIFEST as ONPREM

MANIFESTS: dict[str, Manifest] = {m.provider: m for m in (AWS, M365, AZURE, GCP, ONPREM)}
PROVIDERS: tuple[str, ...] = tuple(MANIFESTS)
AREAS: frozenset[str] = frozenset({"accounts"}).union(*(m.areas for m in MANIFESTS.values()))
TABLES = tuple(table for m in MANIFESTS.values() for table in m.tables)
