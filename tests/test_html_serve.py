"""``watch`` serves the HTML handout on 127.0.0.1 with live reload (issue 19, item 4).

The server alone (in this process), then a real ``build.py watch`` with a page open in headless Chromium:
saving a lecture makes the open page show the new text by itself.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import PROJECTS, REPO

CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"')


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def make_site(folder: Path, text: str) -> None:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;">'
        f"</head><body><p>{text}</p></body></html>", encoding="utf-8")
    (folder / "site.css").write_text("p { color: red }", encoding="utf-8")


def test_server_adds_reload_only_to_what_it_sends(tmp_path):
    from coursepress.writers.html.serve import SiteServer

    out = tmp_path / "out"
    make_site(out / "html", "first")
    (tmp_path / "secret.txt").write_text("outside the site", encoding="utf-8")
    server = SiteServer(out / "html", PROJECTS / "minimal", port=0).start()
    try:
        assert server.httpd.server_address[0] == "127.0.0.1"          # this machine only
        status, page = fetch(server.url)
        assert status == 200 and "first" in page
        assert '<script src="/__coursepress/reload.js"></script></body>' in page
        policy = CSP_META.search(page).group(1)
        assert "default-src &#39;none&#39;" in policy and "script-src &#39;self&#39;" in policy
        assert "<script" not in (out / "html/index.html").read_text(encoding="utf-8")     # the file stays clean
        status, script = fetch(server.url + "__coursepress/reload.js")
        assert status == 200 and "/__coursepress/version" in script and "location.reload()" in script
        assert fetch(server.url + "site.css") == (200, "p { color: red }")
        assert fetch(server.url + "../secret.txt")[0] == 404
        assert fetch(server.url + "%2e%2e/secret.txt")[0] == 404
        version = fetch(server.url + "__coursepress/version")[1]
        make_site(out / "new", "second")                    # a rebuild: a new folder renamed into place
        (out / "html").rename(out / "old")
        (out / "new").rename(out / "html")
        assert fetch(server.url + "__coursepress/version")[1] != version
        assert "second" in fetch(server.url + "index.html")[1]
    finally:
        server.stop()


@pytest.mark.slow
def test_watch_reloads_the_open_page(tmp_path):
    from browser import Browser, need_chromium

    need_chromium()
    root = tmp_path / "proj"
    shutil.copytree(PROJECTS / "minimal", root)
    course = root / "content/course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + "outputs: [html]\n", encoding="utf-8")
    lecture = root / "content/lectures/intro.md"
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "watch", "--project", str(root)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    browser = None
    try:
        lines = []
        url = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (url and any("watching" in line for line in lines)):
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            found = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            url = url or (found and found.group(1))
        assert url and any("watching" in line for line in lines), "".join(lines)
        browser = Browser()
        browser.open(url + "intro.html", 360, 740)
        assert browser.js("return document.querySelector('h1').textContent") == "第一讲 概述"
        lecture.write_text(lecture.read_text(encoding="utf-8").replace("title: 第一讲 概述", "title: 第一讲 改过的标题"),
                           encoding="utf-8")
        title = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and title != "第一讲 改过的标题":
            time.sleep(0.5)
            title = browser.js("return document.querySelector('h1') && document.querySelector('h1').textContent")
        assert title == "第一讲 改过的标题"           # the page reloaded itself
        assert "<script" not in (root / "dist/html/intro.html").read_text(encoding="utf-8")
    finally:
        if browser is not None:
            browser.quit()
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
