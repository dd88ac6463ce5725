"""Ctrl-C ends ``watch`` quietly (README): exit code 0 and nothing on stderr, not a library's log line
("KeyboardInterrupt caught, stopping watch", watchfiles' own warning when it swallows the signal)."""

from __future__ import annotations

import signal

from test_watch import STATUS, Watcher


def test_ctrl_c_ends_watch_quietly(make_project, tmp_path):
    watcher = Watcher(make_project(), tmp_path / "out")
    try:
        status, _out, _err = watcher.next_status()
        assert STATUS.match(status) and "built" in status, status
        watcher.proc.send_signal(signal.SIGINT)
        code = watcher.proc.wait(60)
    finally:
        watcher.stop()
    late = []
    while not watcher.lines.empty():
        late.append(watcher.lines.get())
    errors = watcher.err + [line for name, line in late if name == "err"]
    assert code == 0, (code, errors)
    assert errors == [], errors
