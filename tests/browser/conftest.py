"""Reports of the demo scan opened in headless Chromium; a missing browser fails the tests, never skips them."""

import sqlite3

import pytest

from inventory.db import connect_readonly
from reports.write import write_report
from tests.browser.chromium import chromium
from tests.reports.demo import demo_folder

HOSTILE = '<img src=x onerror="document.title=\'pwned\'">'


@pytest.fixture(scope="session")
def browser():
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="session")
def reports(tmp_path_factory):
    """The demo database (a copy, one resource renamed to an attacker's payload) and its HTML and CIO reports."""
    folder = tmp_path_factory.mktemp("browser-reports")
    with sqlite3.connect(demo_folder(tmp_path_factory) / "wolkenwacht.db") as source, \
            sqlite3.connect(folder / "wolkenwacht.db") as copy:
        source.backup(copy)  # with what is still in the write-ahead log
    with sqlite3.connect(folder / "wolkenwacht.db") as conn:
        conn.execute("update resource_state set name = ? where id = (select state_id from resource_row where id ="
                     " (select min(resource_id) from finding where status = 'fail' and resource_id is not null))", (HOSTILE,))
        conn.execute("update scan set organisation_name = ?", ("Ministerie </style><b>x</b>",))
    engine = connect_readonly(f"sqlite:///{folder / 'wolkenwacht.db'}")
    for name, fmt, lang in (("report-nl.html", "html", "nl"), ("report-en.html", "html", "en"), ("cio.html", "cio", "nl")):
        write_report(engine, 1, fmt, folder / name, lang=lang)
    return folder, engine
