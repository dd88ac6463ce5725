"""Trustworthy builds: reproducible bytes, up-to-date skipping, atomic outputs, no network."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, run_build
from readback import digest


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
    assert result.code == 0 and "never fetch" in result.err, result.err     # a warning: the address is a link
    assert hits == []


def test_all_outputs_rebuild_byte_identical(make_project):
    root = make_project()
    for folder in ("a", "b"):
        result = run_build("all", "--project", str(root), "--out", str(root / folder), "--force")
        assert result.code == 0, result.err
    names = ["intro.pdf", "intro.pptx", "poster.pdf"]
    assert sorted(p.name for p in (root / "a").iterdir() if not p.name.startswith(".")) == names
    for name in names:
        assert digest(root / "a" / name) == digest(root / "b" / name), name


def status_lines(out: str) -> dict[str, str]:
    """``{file name: status}`` from the one summary line per output on stdout."""
    lines = {}
    for line in out.splitlines():
        path, _, status = line.partition(": ")
        lines[path.rsplit("/", 1)[-1]] = status
    return lines


def snapshot(folder):
    return {p.name: (p.stat().st_mtime_ns, digest(p)) for p in folder.iterdir()}


def test_noop_all_and_one_line_edit_rebuilds_only_that_lecture(make_project):
    second = "---\ntitle: 第二讲\n---\n\n# 另一讲\n\n正文。\n"
    root = make_project(files={"content/lectures/second.md": second})
    out = root / "out"
    first = run_build("all", "--project", str(root), "--out", str(out))
    assert first.code == 0, first.err
    outputs = {"intro.pdf", "intro.pptx", "second.pdf", "second.pptx", "poster.pdf"}
    assert set(status_lines(first.out)) == outputs
    before = snapshot(out)
    again = run_build("all", "--project", str(root), "--out", str(out))
    assert again.code == 0, again.err
    assert status_lines(again.out) == {name: "up to date" for name in outputs}
    assert snapshot(out) == before
    lecture = root / "content/lectures/intro.md"
    lecture.write_text(lecture.read_text(encoding="utf-8").replace("# 总结", "# 总结\n\n新增一句。"), encoding="utf-8")
    third = run_build("all", "--project", str(root), "--out", str(out))
    assert third.code == 0, third.err
    status = status_lines(third.out)
    assert {name for name, s in status.items() if s != "up to date"} == {"intro.pdf", "intro.pptx"}, third.out
    after = snapshot(out)
    for name in ("second.pdf", "second.pptx", "poster.pdf"):
        assert after[name] == before[name], name
    for name in ("intro.pdf", "intro.pptx"):
        assert after[name][1] != before[name][1], name


def test_data_or_image_edits_rebuild_what_depends_on_them(make_project):
    root = make_project(files={"content/lectures/img/a.svg": SVG})
    out = root / "out"
    assert run_build("all", "--project", str(root), "--out", str(out)).code == 0
    (root / "content/lectures/img/a.svg").write_text(SVG.replace("red", "blue"), encoding="utf-8")
    changed = status_lines(run_build("all", "--project", str(root), "--out", str(out)).out)
    assert changed == {"intro.pdf": changed["intro.pdf"], "intro.pptx": changed["intro.pptx"],
                       "poster.pdf": "up to date"} and changed["intro.pdf"] != "up to date"
    models = root / "content/data/models.yaml"
    models.write_text(models.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = status_lines(run_build("all", "--project", str(root), "--out", str(out)).out)
    assert "up to date" not in changed.values(), changed


SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 30"><rect width="60" height="30" fill="red"/></svg>'
# A deck-only failure: one slide point taller than a slide (the handout prints it on a page)
TOO_TALL = "\n::: slides\n- " + "很长的一点，" * 400 + "\n:::\n"
TOO_TALL_WORDS = "too long for one slide even alone"


def test_one_failing_output_leaves_every_previous_output_untouched(make_project):
    """A deck-only error (a point too tall for a slide) raised in a worker process is reported with file:line;
    all or nothing: no output changes (the handout and deck stay in step), nothing is summarised."""
    root = make_project(files={"content/lectures/img/a.svg": SVG})
    out = root / "out"
    assert run_build("all", "--project", str(root), "--out", str(out)).code == 0
    before = {name: digest(out / name) for name in ("intro.pdf", "intro.pptx", "poster.pdf")}
    lecture = root / "content/lectures/intro.md"
    lecture.write_text(lecture.read_text(encoding="utf-8") + TOO_TALL, encoding="utf-8")
    line = len(lecture.read_text(encoding="utf-8").splitlines()) - 1
    result = run_build("all", "--project", str(root), "--out", str(out))
    assert result.code == 1
    assert f"content/lectures/intro.md:{line}:" in result.err and TOO_TALL_WORDS in result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert set(status_lines(result.out)) <= {"poster.pdf"}      # only "up to date" lines
    assert {name: digest(out / name) for name in before} == before
    assert sorted(p.name for p in out.iterdir() if p.name != ".coursepress-hashes.json") == \
        sorted([*before, ".coursepress-state.json"])


def test_sequential_build_reports_the_failure_and_writes_nothing(make_project, tmp_path):
    from coursepress.errors import ContentErrors
    from coursepress.load import load_project
    from coursepress.pipeline import build
    from coursepress.project import locate
    from coursepress.writers import BuildSettings

    root = make_project(lecture="---\ntitle: T\n---\n\n# A\n\n正文。\n" + TOO_TALL)
    project, course, _ = load_project(locate(root))
    seen = []
    with pytest.raises(ContentErrors, match=TOO_TALL_WORDS):
        build(project, course, ["pptx", "pdf"], BuildSettings(tmp_path / "out"), workers=1, on_result=seen.append)
    assert seen == [] and not (tmp_path / "out/intro.pdf").exists()


@pytest.mark.parametrize("workers", [1, 2])
def test_watch_builds_land_each_output_as_soon_as_it_is_done(make_project, tmp_path, workers):
    """``together=False`` (build.py watch): the handout lands although the deck fails; the failure is
    still raised, the deck is not written, and the state records only what landed."""
    from coursepress.errors import ContentErrors
    from coursepress.load import load_project
    from coursepress.pipeline import STATE_FILE, build
    from coursepress.project import locate
    from coursepress.writers import BuildSettings

    root = make_project(lecture="---\ntitle: T\n---\n\n# A\n\n正文。\n" + TOO_TALL)
    project, course, _ = load_project(locate(root))
    out = tmp_path / "out"
    seen = []
    with pytest.raises(ContentErrors, match=TOO_TALL_WORDS):
        build(project, course, ["pptx", "pdf"], BuildSettings(out), workers=workers, on_result=seen.append, together=False)
    assert [r.path.name for r in seen] == ["intro.pdf"]
    assert (out / "intro.pdf").read_bytes().startswith(b"%PDF") and not (out / "intro.pptx").exists()
    assert set(json.loads((out / STATE_FILE).read_text())) - {"outputs"} == {"pdf:intro"}    # "outputs": hashes (issue 18)
    assert sorted(p.name for p in out.iterdir() if p.name != ".coursepress-hashes.json") == \
        sorted(["intro.pdf", STATE_FILE])    # no staging folder left


def test_up_to_date_check_sees_a_changed_configured_reference_deck(make_project):
    from pptx import Presentation

    from conftest import REPO

    root = make_project()
    (root / "masters").mkdir()     # outside content/ and templates/: only the reference hashing sees it
    shutil.copy(REPO / "templates/deck/reference.pptx", root / "masters/master.pptx")
    course_yaml = root / "content/course.yaml"
    course_yaml.write_text(course_yaml.read_text(encoding="utf-8") + "deck:\n  reference: masters/master.pptx\n",
                           encoding="utf-8")
    out = root / "out"
    assert run_build("pptx", "--project", str(root), "--out", str(out)).code == 0
    assert "up to date" in run_build("pptx", "--project", str(root), "--out", str(out)).out
    master = Presentation(str(root / "masters/master.pptx"))
    master.core_properties.title = "another master"
    master.save(str(root / "masters/master.pptx"))
    again = run_build("pptx", "--project", str(root), "--out", str(out))
    assert again.code == 0 and "up to date" not in again.out and "slides" in again.out


def test_a_deleted_lecture_loses_its_outputs_and_nothing_else(make_project):
    second = "---\ntitle: 第二讲\n---\n\n# 另一讲\n\n正文。\n"
    root = make_project(files={"content/lectures/second.md": second, "content/lectures/img/a.svg": SVG})
    out = root / "out"
    first = run_build("all", "--project", str(root), "--out", str(out))
    assert first.code == 0, first.err
    (out / "notes.txt").write_text("the lecturer's own file")
    before = snapshot(out)

    renamed = root / "content/lectures/third.md"
    (root / "content/lectures/second.md").rename(renamed)
    renamed.write_text(second + TOO_TALL, encoding="utf-8")     # the deck writer refuses it
    failed = run_build("all", "--project", str(root), "--out", str(out))
    assert failed.code == 1 and TOO_TALL_WORDS in failed.err
    assert snapshot(out) == before                       # a failed build removes nothing
    renamed.write_text(second, encoding="utf-8")
    again = run_build("all", "--project", str(root), "--out", str(out))
    assert again.code == 0, again.err
    status = status_lines(again.out)
    assert status["second.pdf"].startswith("removed") and status["second.pptx"].startswith("removed"), again.out
    assert status["intro.pdf"] == status["intro.pptx"] == status["poster.pdf"] == "up to date"
    after = snapshot(out)
    assert not {"second.pdf", "second.pptx"} & set(after)
    assert {"third.pdf", "third.pptx", "notes.txt"} <= set(after)
    for name in ("intro.pdf", "intro.pptx", "poster.pdf", "notes.txt"):
        assert after[name] == before[name], name
    state = json.loads((out / ".coursepress-state.json").read_text())
    assert not [key for key in state if key.endswith(":second")]
    third = run_build("all", "--project", str(root), "--out", str(out))
    assert set(status_lines(third.out).values()) == {"up to date"}, third.out   # the no-op path sees no stale output
    renamed.unlink()            # deleted, everything else up to date: the no-op fast path must not skip the removal
    fourth = run_build("all", "--project", str(root), "--out", str(out))
    assert fourth.code == 0, fourth.err
    assert status_lines(fourth.out)["third.pdf"].startswith("removed"), fourth.out
    assert not {"third.pdf", "third.pptx"} & {p.name for p in out.iterdir()}


def _build_processes(marker: str) -> list[int]:
    """Pids of live processes whose command line contains ``marker`` (the build and its forks)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
                state = (entry / "stat").read_text().split(")")[-1].split()[0]
            except OSError:
                continue
            if marker in cmdline and state != "Z":
                pids.append(int(entry.name))
    return pids


def _course_project(make_project) -> Path:
    """A project holding the real course: its handout takes seconds, long enough to stop a build midway."""
    root = make_project()
    shutil.rmtree(root / "content")
    shutil.copytree(REPO / "content", root / "content")
    return root


def _start_build_and_wait_for_workers(root: Path, out: Path) -> subprocess.Popen:
    """Start ``build.py all --force``; return once its two build processes run. Its stderr goes to a
    file (a pipe would make waiting for the build also wait for any process that outlived it)."""
    err = (root / "stderr.txt").open("w")
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "all", "--force", "--project", str(root),
                             "--out", str(out)], stdout=subprocess.DEVNULL, stderr=err)
    err.close()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(_build_processes(str(root))) < 3:   # the parent and two forks
        assert proc.poll() is None, (root / "stderr.txt").read_text()
        time.sleep(0.02)
    assert list(out.glob(".coursepress-staging-*")), "no staging folder while building"
    return proc


def _wait_until_gone(marker: str, seconds: float = 1.0) -> list[int]:
    """Pids still running ``seconds`` after a stop (a handout build that ran on would take longer)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and _build_processes(marker):
        time.sleep(0.05)
    return _build_processes(marker)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stopped_build_leaves_no_process_and_no_staging_folder(make_project, signum, code):
    """``kill PID`` or ``kill -INT PID`` (the build alone, not its process group): its build processes
    stop at once, its staging folder goes, and the last complete outputs stay as they were."""
    root = _course_project(make_project)
    out = root / "out"
    assert run_build("pptx", "--project", str(root), "--out", str(out)).code == 0
    before = snapshot(out)
    proc = _start_build_and_wait_for_workers(root, out)
    proc.send_signal(signum)
    proc.wait(timeout=60)
    err = (root / "stderr.txt").read_text()
    assert proc.returncode == code, err
    assert _wait_until_gone(str(root)) == []
    assert snapshot(out) == before
    assert "Traceback" not in err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_build_stops_its_workers_and_the_next_build_removes_its_staging_folder(make_project):
    """SIGKILL cannot be caught: the build processes die with their parent, the staging folder stays
    behind, and the next build removes it (but not the staging folder of a build still running)."""
    root = _course_project(make_project)
    out = root / "out"
    proc = _start_build_and_wait_for_workers(root, out)
    proc.kill()
    proc.wait(timeout=60)
    assert _wait_until_gone(str(root)) == []
    abandoned = list(out.glob(".coursepress-staging-*"))
    assert abandoned
    live = out / ".coursepress-staging-livetest"          # owned by this test: its lock is held
    live.mkdir()
    lock = os.open(f"{live}.lock", os.O_CREAT | os.O_RDWR)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        result = run_build("pptx", "--project", str(root), "--out", str(out))
    finally:
        os.close(lock)
    assert result.code == 0, result.err
    assert not any(p.exists() for p in abandoned)
    assert live.is_dir()
    assert sorted(p.name for p in out.glob(".coursepress-staging-*")) == [live.name, f"{live.name}.lock"]


def test_a_staging_folder_is_removed_by_owner_not_by_process_id(make_project):
    """Containers start every build with the same pid: a staging folder named after a live pid (this
    test's, as an older build named it) or whose lock nobody holds is abandoned and removed, one
    whose lock is held is kept."""
    root = make_project()
    out = root / "out"
    out.mkdir()
    same_pid = out / f".coursepress-staging-{os.getpid()}-old"       # the pid is alive, the build is not
    unlocked = out / ".coursepress-staging-0123456789abcdef"
    for folder in (same_pid, unlocked):
        folder.mkdir()
        (folder / "intro.pdf").write_bytes(b"half")
    Path(f"{unlocked}.lock").write_bytes(b"")
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    assert list(out.glob(".coursepress-staging-*")) == []
