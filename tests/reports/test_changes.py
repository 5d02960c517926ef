"""The HTML report opens with what changed since the organisation's previous scan, and hostile
bidirectional text stays inert in it."""

from datetime import UTC, datetime
from io import StringIO

from reports.write import write_report
from tests.checks.golden import golden_estate
from tests.support import new_inventory
from tests.test_diff import finished_scan

RLO = "\u202e"


def html(engine, scan_id: int, lang: str = "en") -> str:
    out = StringIO()
    write_report(engine, scan_id, "html", out, lang=lang)
    return out.getvalue()


def test_changes_since_the_previous_scan_head_the_report(tmp_path):
    engine, _ = new_inventory(tmp_path)
    one = finished_scan(engine, golden_estate().rows(), datetime(2026, 11, 25, 2, tzinfo=UTC))
    assert 'id="changes"' not in html(engine, one)  # no previous scan: nothing to compare
    second = golden_estate()
    second.resources["aws-bucket"].encrypted = False
    second.resources["aws-bucket"].name = f"gpj{RLO}.exe"
    two = finished_scan(engine, second.rows(), datetime(2026, 11, 26, 2, tzinfo=UTC))
    page = html(engine, two)
    head = page[page.index('id="changes"'):page.index('id="scorecard"')]
    assert f"Changed since the previous scan ({one})" in head
    assert 'data-change="changed"' in head and "0 new, 0 resolved" in head
    assert f"Gewijzigd sinds de vorige scan ({one})" in html(engine, two, "nl")
    assert RLO not in page and "gpj[U+202E].exe" in page
