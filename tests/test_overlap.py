"""Issue 20: a one-shot build loads the course in a forked process while WeasyPrint imports
(coursepress.overlap). What the user sees must not change: the same PDF, the same messages, the last good
output kept on failure, no process left behind. Builds run in fresh processes through a small driver that
can make the forked load hang, crash or stop; no timing is asserted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from conftest import REPO, Run, alive

from coursepress.commit import STAGE_PREFIX

# Runs build.py's main. argv: repo, mode, pid file, build arguments. Modes: "overlap" (as shipped),
# "here" (the load in this process), "hang"/"crash" (the forked load writes its pid, then sleeps or dies).
DRIVER = textwrap.dedent("""\
    import os, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    mode, pid_file = sys.argv[2], Path(sys.argv[3])
    import coursepress.load, coursepress.overlap
    if mode == "here":
        coursepress.overlap.worth_it = lambda kinds: False
    parent, upstream = os.getpid(), coursepress.load.load_project
    def load_project(*args, **kwargs):
        if os.getpid() != parent:
            pid_file.write_text(str(os.getpid()))
            if mode == "hang":
                time.sleep(600)
            if mode == "crash":
                os._exit(3)
        return upstream(*args, **kwargs)
    coursepress.load.load_project = load_project
    from coursepress.cli import exit_now, main
    exit_now(main(sys.argv[4:], default_root=Path.cwd()))
    """)


def _driver(tmp_path: Path) -> Path:
    script = tmp_path / "driver.py"
    script.write_text(DRIVER, encoding="utf-8")
    return script


def build(tmp_path: Path, mode: str, *args: str) -> tuple[Run, Path]:
    """Run the driver in ``mode`` with build.py ``args``; (the run, the pid file of the forked load)."""
    pid_file = tmp_path / f"{mode}.pid"
    pid_file.unlink(missing_ok=True)
    proc = subprocess.run([sys.executable, str(_driver(tmp_path)), str(REPO), mode, str(pid_file), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=600)
    return Run(proc.returncode, proc.stdout, proc.stderr), pid_file


def _gone(pid: int, within_s: float = 20.0) -> bool:
    """Whether ``pid`` has ended, waiting up to ``within_s`` for a loaded machine (not a timing assertion)."""
    end = time.monotonic() + within_s
    while alive(pid):
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def test_the_overlapped_build_writes_the_same_pdf_and_messages(make_project, tmp_path):
    root = make_project()
    lecture = root / "content/lectures/intro.md"          # a warning of the load: it must come back from the fork
    lecture.write_text(lecture.read_text(encoding="utf-8").replace("# 背景", "# 第一章 背景"), encoding="utf-8")
    runs = {}
    for mode in ("here", "overlap"):
        run, pid_file = build(tmp_path, mode, "pdf", "--project", str(root), "--out", str(tmp_path / mode))
        assert run.code == 0, run.err
        assert pid_file.exists() == (mode == "overlap")     # the overlapped build loaded in another process
        runs[mode] = run
    assert runs["overlap"].err == runs["here"].err and runs["here"].err.count("warning:") == 1
    assert "intro.md:7: heading starts with a typed number" in runs["here"].err
    pages = {mode: run.out.split(": ", 1)[1].split(",")[0] for mode, run in runs.items()}
    assert pages["overlap"] == pages["here"] and pages["here"].endswith(" pages")
    assert (tmp_path / "overlap/intro.pdf").read_bytes() == (tmp_path / "here/intro.pdf").read_bytes()


def test_a_content_error_is_reported_once_at_its_line_and_the_last_pdf_stays(make_project, tmp_path):
    root = make_project()
    out = tmp_path / "out"
    assert build(tmp_path, "overlap", "pdf", "--project", str(root), "--out", str(out))[0].code == 0
    good = (out / "intro.pdf").read_bytes()
    lecture = root / "content/lectures/intro.md"       # two errors and a warning, all reported together
    text = lecture.read_text(encoding="utf-8").replace("# 背景", "# 第一章 背景")
    lecture.write_text(text + "\n能量 $E = mc^2 \\betta$。\n\n动量 $p = m \\vv$。\n", encoding="utf-8")
    line = len(lecture.read_text(encoding="utf-8").splitlines())
    errors = {}
    for mode in ("here", "overlap"):
        run, _pid_file = build(tmp_path, mode, "pdf", "--project", str(root), "--out", str(out))
        assert run.code == 1 and "Traceback" not in run.err
        errors[mode] = run.err
    assert errors["overlap"] == errors["here"]
    assert errors["overlap"].count("error:") == 2 and errors["overlap"].count("warning:") == 1
    assert f"intro.md:{line - 2}:" in errors["overlap"] and f"intro.md:{line}:" in errors["overlap"]
    assert (out / "intro.pdf").read_bytes() == good


def test_a_forked_load_that_dies_is_done_again_in_the_build_process(make_project, tmp_path):
    root = make_project()
    run, pid_file = build(tmp_path, "crash", "pdf", "--project", str(root), "--out", str(tmp_path / "out"))
    assert pid_file.exists()                     # the forked load ran, and died
    assert run.code == 0 and run.err == "", run.err
    reference, _ = build(tmp_path, "here", "pdf", "--project", str(root), "--out", str(tmp_path / "here"))
    assert reference.code == 0
    assert (tmp_path / "out/intro.pdf").read_bytes() == (tmp_path / "here/intro.pdf").read_bytes()


def _start_hanging(tmp_path: Path, root: Path, out: Path) -> tuple[subprocess.Popen, int]:
    """A build whose forked load hangs, in its own process group; (the build, the forked load's pid)."""
    pid_file = tmp_path / "hang.pid"
    pid_file.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, str(_driver(tmp_path)), str(REPO), "hang", str(pid_file),
                             "pdf", "--force", "--project", str(root), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
                            start_new_session=True)
    end = time.monotonic() + 120
    while not pid_file.exists() or not pid_file.read_text():
        assert proc.poll() is None and time.monotonic() < end, "the forked load never started"
        time.sleep(0.05)
    return proc, int(pid_file.read_text())


def test_ctrl_c_during_the_forked_load_leaves_no_process_and_the_last_pdf(make_project, tmp_path):
    root = make_project()
    out = tmp_path / "out"
    assert build(tmp_path, "overlap", "pdf", "--project", str(root), "--out", str(out))[0].code == 0
    good = (out / "intro.pdf").read_bytes()
    proc, loader = _start_hanging(tmp_path, root, out)
    os.killpg(proc.pid, signal.SIGINT)           # Ctrl-C: the terminal signals the whole process group
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
    assert _gone(loader)
    assert (out / "intro.pdf").read_bytes() == good
    assert not [p for p in out.iterdir() if p.name.startswith(STAGE_PREFIX)]    # no staging folder left


def test_a_killed_build_takes_its_forked_load_with_it(make_project, tmp_path):
    root = make_project()
    proc, loader = _start_hanging(tmp_path, root, tmp_path / "out")
    os.kill(proc.pid, signal.SIGKILL)            # no cleanup of its own: the forked load must end by itself
    proc.communicate(timeout=120)
    assert _gone(loader)


def test_only_writers_sharing_weasyprints_warm_up_overlap_their_load():
    from coursepress.overlap import worth_it

    assert worth_it(["pdf"]) and worth_it(["poster"]) and worth_it(["pdf", "poster"])
    assert not worth_it(["pptx"])                # a short preload: not worth a second process
    assert not worth_it(["pdf", "pptx"])         # built in parallel processes already (all)


def test_a_process_with_other_threads_loads_in_process():
    import threading

    from coursepress.overlap import worth_it

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not worth_it(["pdf"])
    finally:
        release.set()
        other.join()
    assert worth_it(["pdf"])


def test_the_warm_up_also_imports_what_rendering_the_html_needs_first():
    """While the course loads in the forked process, the build process imports WeasyPrint and Jinja with the
    template sandbox (issue 20: ≈ 0.012 s the HTML spent first, after the load); the templates themselves
    wait for the course's catalogue."""
    code = ("import sys; from pathlib import Path\n"
            "from coursepress.project import locate\n"
            "from coursepress.writers import pdfengine\n"
            "assert 'jinja2' not in sys.modules\n"
            "pdfengine.warm(locate(Path(sys.argv[1]), None))\n"
            "assert {'weasyprint', 'jinja2.sandbox', 'coursepress.sandbox'} <= set(sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(REPO)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_a_forked_load_whose_result_cannot_be_sent_is_not_waited_for(tmp_path, monkeypatch):
    """Issue 20 (a reviewer's report): the forked load planned image preparations, then its result did not
    pickle; it sent "load again" but went on preparing those images, and the build process waited for it
    to finish them before loading again itself. Now the forked process ends at once and nothing waits for
    its images."""
    import coursepress.imagecheck as imagecheck
    import coursepress.load as load
    import coursepress.overlap as overlap

    started = tmp_path / "preparing"
    parent = os.getpid()

    def finish_ahead():                     # the forked load's image work: long
        started.write_text(str(os.getpid()))
        time.sleep(30)

    def load_project(project, strict=False, lecture=None, ahead=None):
        if os.getpid() != parent:
            return (lambda: None), None, None         # a result that does not pickle
        return "loaded here", None, None

    monkeypatch.setattr(imagecheck, "planned_keys", lambda: ["key"])
    monkeypatch.setattr(imagecheck, "finish_ahead", finish_ahead)
    monkeypatch.setattr(load, "load_project", load_project)
    monkeypatch.setattr(overlap, "warm_up", lambda project, kinds: None)
    forks: list[int] = []
    fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(pid := fork()) or pid)
    assert overlap.load_warming(object(), ["pdf"]) == ("loaded here", None, None)
    assert len(forks) == 1 and not alive(forks[0])        # ended, not left preparing …
    try:
        os.waitpid(forks[0], os.WNOHANG)
        raise AssertionError("the forked load was not reaped")
    except ChildProcessError:                              # … and reaped
        pass
    assert not started.exists()                            # its images were never prepared
