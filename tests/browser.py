"""Headless Chromium for the HTML handout tests, driven by Selenium over Debian's chromium-driver.

Selenium (the W3C WebDriver project's own Python bindings, released every few weeks) talks to
``chromedriver``; its ``execute_cdp_cmd`` reaches the DevTools protocol for what WebDriver lacks:
the viewport (``Emulation.setDeviceMetricsOverride``), dark mode (``Emulation.setEmulatedMedia``)
and the network log (the ``performance`` log's ``Network.requestWillBeSent`` events). Both binaries
come from Debian (``chromium``, ``chromium-driver``), so Selenium Manager never downloads a driver.

Without Chromium the tests skip, except under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def need_chromium() -> tuple[str, str]:
    """Paths of the Chromium binary and its chromedriver; skips the test without them (fails under CI)."""
    browser = next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        message = ("headless Chromium is needed: apt-get install chromium chromium-driver "
                   "(README's test command installs them)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    try:
        import selenium  # noqa: F401
    except ImportError:
        message = "selenium is needed: pip install -e '.[test]'"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return browser, driver


class Browser:
    """One headless Chromium session: :meth:`open` a page at a viewport size and colour scheme, then ask it."""

    def __init__(self) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        browser, driver = need_chromium()
        options = webdriver.ChromeOptions()
        options.binary_location = browser
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--hide-scrollbars", "--no-first-run", "--disable-extensions"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service(driver), options=options)
        self.driver.set_script_timeout(60)

    def open(self, url: str, width: int, height: int, dark: bool = False) -> None:
        """Load ``url`` in a ``width`` × ``height`` CSS px viewport (a phone's below 600 px) and wait for its fonts."""
        self.driver.get_log("performance")                # forget the requests of the page before
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})
        self.driver.get(url)
        self.driver.execute_async_script("document.fonts.ready.then(() => arguments[0]())")

    def js(self, script: str):
        """The value of the JavaScript function body ``script`` on the open page."""
        return self.driver.execute_script(script)

    def requests(self) -> list[str]:
        """Every URL the page asked for since :meth:`open` (DevTools ``Network.requestWillBeSent``)."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def axe(self) -> list[dict]:
        """axe-core's violations on the open page: ``[{id, impact, help, targets}]``."""
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        return self.driver.execute_async_script(
            "axe.run(document, {resultTypes: ['violations']}).then(r => arguments[0](r.violations.map(v => "
            "({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))}))))")

    def quit(self) -> None:
        self.driver.quit()
