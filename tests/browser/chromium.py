"""Headless Chromium (Debian's ``chromium`` and ``chromium-driver``) driven over WebDriver by selenium.

Selenium is pointed at /usr/bin/chromedriver and /usr/bin/chromium, so it never downloads a
browser. A fresh profile directory per session; no network beyond loopback files.
"""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--window-size=1440,900")


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """A headless Chromium session with the browser console log readable (``driver.get_log("browser")``)."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not shutil.which(path)]
    if missing:
        raise RuntimeError(f"{', '.join(missing)} not found: apt-get install chromium chromium-driver")
    profile = tempfile.mkdtemp(prefix="wolkenwacht-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
