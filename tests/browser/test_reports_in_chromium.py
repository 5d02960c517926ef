"""The HTML and CIO Rijk reports of the demo scan in headless Chromium: no script or CSP errors, scorecard
numbers equal the database's, every non-pass finding reachable, filters, search and sort narrow the table,
hostile text stays text, and the CIO report fits A4 landscape in print."""

import base64

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import text

from tests.browser.conftest import HOSTILE

NON_PASS = "status in ('fail', 'error', 'transition', 'manual', 'explained', 'not_applicable')"


def sql(engine, query: str, **params) -> list:
    with engine.connect() as conn:
        return conn.execute(text(query), params).all()


def open_report(browser, folder, name: str):
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get((folder / name).as_uri())
    return browser


def shown(browser) -> int:
    return int(browser.find_element(By.ID, "shown-count").text)


def page_ids(browser) -> list[int]:
    return [int(i) for i in browser.execute_script(
        "return Array.from(document.querySelectorAll('#findings tbody tr[data-id]')).map(r => r.dataset.id)")]


def reset(browser):
    for select in browser.find_elements(By.CSS_SELECTOR, "select[data-filter]"):
        Select(select).select_by_value("")
    browser.find_element(By.ID, "search").clear()
    browser.execute_script("document.getElementById('search').dispatchEvent(new Event('input'))")
    WebDriverWait(browser, 10).until(lambda b: shown(b) == int(b.find_element(By.ID, "total-count").text))


@pytest.mark.parametrize("name", ["report-nl.html", "report-en.html", "cio.html"])
def test_no_script_or_csp_errors(browser, reports, name):
    folder, _ = reports
    open_report(browser, folder, name)
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    assert browser.execute_script("return document.querySelectorAll('table').length") > 2


def test_scorecard_numbers_equal_the_database(browser, reports):
    folder, engine = reports
    open_report(browser, folder, "report-nl.html")
    cells = browser.execute_script("""return Array.from(document.querySelectorAll('table.scorecard td[data-status]')).map(
        td => [td.closest('table').dataset.pack, td.closest('tr').dataset.control, td.dataset.status, td.textContent])""")
    counts = {(p, c, s): n for p, c, s, n in sql(engine, "select pack, control_id, status, count(*) from finding"
                                                          " where scan_id = 1 group by 1, 2, 3")}
    assert len(cells) == 6 * len(sql(engine, "select 1 from pack_control where scan_id = 1"))
    for pack, control, status, value in cells:
        assert int(value) == counts.get((pack, control, status), 0), (pack, control, status)
    worst = browser.execute_script("return Object.fromEntries(Array.from(document.querySelectorAll("
                                   "'table.scorecard tr[data-control]')).map(r => [r.dataset.control, r.dataset.worst]))")
    assert worst["RBC26-EEA"] == "fail" and worst["RBC26-MAILDOCS"] == "transition" and worst["RBC22-POLICY"] == "pass"


def test_every_non_pass_finding_is_reachable_by_paging(browser, reports):
    folder, engine = reports
    open_report(browser, folder, "report-nl.html")
    expected = {i for (i,) in sql(engine, f"select id from finding where scan_id = 1 and {NON_PASS}")}
    assert shown(browser) == len(expected) > 100  # more than one page at the default size
    seen: list[int] = []
    while True:
        seen += page_ids(browser)
        following = browser.find_element(By.ID, "next")
        if not following.is_enabled():
            break
        following.click()
    assert sorted(seen) == sorted(expected)


def test_filters_search_and_sort_narrow_the_table(browser, reports):
    folder, engine = reports
    open_report(browser, folder, "report-en.html")
    Select(browser.find_element(By.ID, "page-size")).select_by_value("500")
    Select(browser.find_element(By.CSS_SELECTOR, 'select[data-filter="status"]')).select_by_value("fail")
    Select(browser.find_element(By.CSS_SELECTOR, 'select[data-filter="provider"]')).select_by_value("aws")
    expected = {i for (i,) in sql(engine, "select id from finding where scan_id = 1 and status = 'fail' and provider = 'aws'")}
    assert set(page_ids(browser)) == expected and shown(browser) == len(expected) > 0
    reset(browser)

    query = "minbiwa-analytics-us"
    browser.find_element(By.ID, "search").send_keys(query)
    matched = {i for (i,) in sql(engine, f"""select f.id from finding f left join resource r on r.id = f.resource_id
        where f.scan_id = 1 and f.{NON_PASS} and (lower(r.uid) like :q or lower(r.name) like :q or lower(f.message) like :q)""",
                                 q=f"%{query}%")}
    WebDriverWait(browser, 10).until(lambda b: shown(b) == len(matched))
    assert set(page_ids(browser)) == matched and 0 < len(matched) < 20
    reset(browser)

    browser.find_element(By.CSS_SELECTOR, '#findings th[data-sort="deadline"]').click()
    deadlines = browser.execute_script("return Array.from(document.querySelectorAll('#findings tbody tr[data-id]'))"
                                       ".map(r => r.cells[7].firstChild ? r.cells[7].firstChild.textContent : '')")
    dated = [d for d in deadlines if d]
    assert dated and dated == sorted(dated) and deadlines[:len(dated)] == dated  # dated rows first, ascending

    browser.find_element(By.CSS_SELECTOR, '#scorecard button[data-control="RBC26-EEA"]').click()
    eea = {i for (i,) in sql(engine, f"select id from finding where scan_id = 1 and control_id = 'RBC26-EEA' and {NON_PASS}")}
    assert set(page_ids(browser)) == eea


def test_details_show_citation_and_remediation_for_the_provider(browser, reports):
    folder, engine = reports
    open_report(browser, folder, "report-en.html")
    Select(browser.find_element(By.CSS_SELECTOR, 'select[data-filter="control"]')).select_by_value("rijksbreed-2026|RBC26-EEA")
    Select(browser.find_element(By.CSS_SELECTOR, 'select[data-filter="provider"]')).select_by_value("aws")
    browser.find_element(By.CSS_SELECTOR, "#findings tbody tr[data-id] button").click()
    detail = browser.find_element(By.CSS_SELECTOR, "#findings tr.detail")
    (quote,) = sql(engine, "select quote from pack_control where scan_id = 1 and control_id = 'RBC26-EEA'")[0]
    assert quote in detail.text and "Move the resource to a region in the EEA" in detail.text
    assert "service control policy" in detail.text  # the AWS-specific step
    links = [a.get_attribute("href") for a in detail.find_elements(By.TAG_NAME, "a")]
    assert links and all(href.startswith("https://docs.aws.amazon.com/") for href in links)


def test_hostile_resource_name_renders_as_text(browser, reports):
    folder, _ = reports
    open_report(browser, folder, "report-nl.html")
    total = shown(browser)
    browser.find_element(By.ID, "search").send_keys("onerror")
    WebDriverWait(browser, 10).until(lambda b: 1 <= shown(b) < total)
    names = browser.execute_script("return Array.from(document.querySelectorAll('#findings tbody span.name'), e => e.textContent)")
    assert HOSTILE in names
    assert browser.find_elements(By.CSS_SELECTOR, "img, b") == [] and browser.title != "pwned"
    assert browser.get_log("browser") == []


def test_cio_report_prints_every_column_on_a4_landscape(browser, reports):
    folder, _ = reports
    open_report(browser, folder, "cio.html")
    assert "Ministerie </style><b>x</b>" in browser.find_element(By.TAG_NAME, "dl").text
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    # A4 landscape minus the stylesheet's 10 mm side margins: 277 mm at 96 px per inch
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1047, "height": 740, "deviceScaleFactor": 1,
                                                                   "mobile": False})
    try:
        overflow = browser.execute_script("""return Array.from(document.querySelectorAll('table')).flatMap(t =>
            Array.from(t.querySelectorAll('th, td')).filter(c => c.getBoundingClientRect().right > window.innerWidth + 1)
            .map(c => (t.id || t.className) + ': ' + c.textContent.slice(0, 30)))""")
        assert overflow == []
        assert browser.execute_script("return getComputedStyle(document.querySelector('thead')).display") == "table-header-group"
        assert browser.execute_script("return getComputedStyle(document.querySelector('tbody tr')).breakInside") == "avoid"
        pdf = browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})
        assert base64.b64decode(pdf["data"]).startswith(b"%PDF")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
