"""Path setup for the on-premises tests (tests/ is not a package; the fakes live in tests/fakes)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
