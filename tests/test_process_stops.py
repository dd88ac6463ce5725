"""Process and thread defects a reviewer reported (issue 20, fifth session), each read back from what a
user would find: the output folder after a Ctrl-C, the processes left running, the error message."""

from __future__ import annotations

import io
import json
import os
import signal
import threading
from pathlib import Path

import pytest
from PIL import Image

from coursepress.commit import JOURNAL_FILE, STATE_FILE, commit
from conftest import alive


@pytest.fixture
def other_thread():
    """A second thread, as in ``watch`` (the handout's build thread, watchfiles, the HTML server)."""
    release = threading.Event()
    thread = threading.Thread(target=release.wait, daemon=True)
    thread.start()
    yield thread
    release.set()
    thread.join()


def test_a_ctrl_c_while_outputs_land_in_a_process_with_threads_acts_after_all_landed(tmp_path, monkeypatch,
                                                                                    other_thread):
    """Ctrl-C in ``watch`` while a round moved its outputs into place: the signals were blocked in the main
    thread only, so the kernel gave the Ctrl-C to another thread and Python raised it in the main thread
    between two moves; the folder kept half a commit (and its journal) until some later build."""
    out = tmp_path / "dist"
    stage = out / ".coursepress-staging-test"
    stage.mkdir(parents=True)
    for name in ("intro.pdf", "intro.pptx"):
        (out / name).write_text("old", encoding="utf-8")
        (stage / name).write_text("new", encoding="utf-8")
    real = os.replace
    sent: list[int] = []

    def replace(source, target):
        if not sent:
            sent.append(1)
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(200_000):        # Python steps: the handler would run here
                pass
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    moves = [(stage / name, out / name) for name in ("intro.pdf", "intro.pptx")]
    with pytest.raises(KeyboardInterrupt):
        commit(out, moves, {"pdf:intro": "a", "pptx:intro": "b"})
    assert [(out / name).read_text(encoding="utf-8") for name in ("intro.pdf", "intro.pptx")] == ["new", "new"]
    assert not (out / JOURNAL_FILE).exists()
    assert json.loads((out / STATE_FILE).read_text(encoding="utf-8")) == {"pdf:intro": "a", "pptx:intro": "b"}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def _source():
    from coursepress.resources import ImageData

    return ImageData(_png(), "image/png", "png", 64, 64, "red.png")


def test_the_image_pool_forks_its_workers_with_stops_held(tmp_path, monkeypatch, other_thread):
    """A Ctrl-C (or the time limit's SIGALRM) inside ``os.fork`` runs its handler in an at-fork hook; the pool
    forked without :func:`coursepress.parallel.hold_stops`."""
    from coursepress.imagepool import ImagePool

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    seen: list[tuple[bool, bool]] = []
    fork = os.fork

    def recording_fork() -> int:
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, set())
        seen.append((signal.SIGINT in blocked, signal.getsignal(signal.SIGINT) is not signal.default_int_handler))
        return fork()

    monkeypatch.setattr(os, "fork", recording_fork)
    pool = ImagePool(2)
    try:
        assert pool.submit(_source(), (32, 32), 85, "k").result().width_px == 32
    finally:
        pool.close()
    assert len(seen) == 2 and all(blocked and deferred for blocked, deferred in seen), seen


def test_a_stop_between_the_pools_forks_leaves_no_worker(tmp_path, monkeypatch):
    """The time limit of the handout built in ``watch``'s thread is raised between two Python steps, which no
    signal mask holds: if it comes after the first worker is forked, that worker is killed, not left
    waiting for work for the rest of the watch."""
    from coursepress.imagepool import ImagePool

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    forked: list[int] = []
    fork = os.fork

    def stopped_fork() -> int:
        if forked:
            raise KeyboardInterrupt
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", stopped_fork)
    pool = ImagePool(2)
    with pytest.raises(KeyboardInterrupt):
        pool.submit(_source(), (32, 32), 85, "k")
    assert len(forked) == 1 and not alive(forked[0])


def test_a_result_that_cannot_be_sent_back_is_reported_with_its_own_error(tmp_path):
    """A build process whose output could not be pickled reported "NoneType: None" (the missing exception)."""
    from coursepress.errors import InternalError
    from coursepress.parallel import run_parallel
    from coursepress.writers import BuildSettings, Target

    done: list = []
    jobs = [Target("pptx", "intro", "intro.pptx"), Target("poster", "poster", "poster.pdf")]
    run_parallel(None, None, jobs, BuildSettings(out_dir=tmp_path), 2,   # type: ignore[arg-type]
                 lambda *_args: (lambda: None, 0.0), lambda job, result: done.append((job.key, result)))
    assert len(done) == 2
    for key, error in done:
        assert isinstance(error, InternalError), error
        assert "NoneType" not in str(error) and "pickle" in str(error).lower() and key in str(error), str(error)
