"""Policy packs, checks (SQL) and reference data, as data files."""

from pathlib import Path

ROOT = Path(__file__).parent
PACKS_DIR = ROOT / "packs"
CHECKS_DIR = ROOT / "checks"
REFERENCE_DIR = ROOT / "reference"
