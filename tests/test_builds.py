"""Trustworthy builds: reproducible bytes, up-to-date skipping, atomic outputs, no network."""

from __future__ import annotations

import hashlib
import socket
import threading

from conftest import run_build


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_rebuild_is_byte_identical(make_project):
    root = make_project()
    a = run_build("pdf", "--project", str(root), "--out", str(root / "a"))
    b = run_build("pdf", "--project", str(root), "--out", str(root / "b"))
    assert a.code == b.code == 0
    assert digest(root / "a/intro.pdf") == digest(root / "b/intro.pdf")


def test_noop_rebuild_is_up_to_date_and_changes_nothing(make_project):
    root = make_project()
    out = root / "out"
    assert run_build("pdf", "--project", str(root), "--out", str(out)).code == 0
    before = {p.name: (p.stat().st_mtime_ns, digest(p)) for p in out.iterdir()}
    again = run_build("pdf", "--project", str(root), "--out", str(out))
    assert again.code == 0 and "up to date" in again.out
    assert {p.name: (p.stat().st_mtime_ns, digest(p)) for p in out.iterdir()} == before
    lecture = root / "content/lectures/intro.md"
    lecture.write_text(lecture.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    third = run_build("pdf", "--project", str(root), "--out", str(out))
    assert "up to date" not in third.out and "pages" in third.out


def test_build_never_connects_to_the_network(make_project):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    hits = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                hits.append(conn)
                conn.close()
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    lecture = f"""---
title: 网络
---

# A

![远程图片](http://127.0.0.1:{port}/a.png)
"""
    root = make_project(lecture=lecture)
    result = run_build("pdf", "--project", str(root), "--out", str(root / "out"))
    stop.set()
    thread.join(1)
    server.close()
    assert result.code == 1 and "never fetch" in result.err
    assert hits == []
