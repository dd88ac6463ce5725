"""Staging folders and the commit step: outputs move into place all together or not at all.

A build writes its outputs into a staging folder inside the output folder
(same file system, so each move is one atomic ``rename``). The staging folder
is named by a random owner token and owned through a lock file beside it
(``<stage>.lock``, held with ``flock`` for as long as the build runs): a later
build removes a staging folder only when it can take that lock, i.e. when its
owner has ended, however the process ids of the two builds compare (containers
start every build as the same pid).

The commit first checks every destination (an existing folder or other
non-file where an output goes, an output folder that cannot be written), then
writes a journal (``.coursepress-commit.json``: the moves and the state to
record), renames, records the state and deletes the journal, with Ctrl-C and
SIGTERM held back until it is done. A commit cut short all the same (power
loss, ``kill -9``) is finished by the next build from the journal before it
does anything else, so the output folder never keeps half a commit.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from .cachedir import read_private
from .errors import BuildError
from .handedits import HASHES
from .output import atomic_write

STATE_FILE = ".coursepress-state.json"
JOURNAL_FILE = ".coursepress-commit.json"
STAGE_PREFIX = ".coursepress-staging-"        # + a random owner token; the lock file adds ".lock"

_FIX = {errno.ENOSPC: "the disk is full; free some space and build again",
        errno.EDQUOT: "the disk quota is used up; free some space and build again",
        errno.EROFS: "the output folder is on a read-only file system; choose another with --out",
        errno.EACCES: "you may not write there; make it writable or choose another folder with --out",
        errno.EPERM: "you may not write there; make it writable or choose another folder with --out",
        errno.ENOENT: "a folder on its path does not exist and cannot be made; choose another folder with --out",
        errno.ENOTDIR: "a part of its path is a file, not a folder; choose another folder with --out"}


def os_problem(exc: OSError, path: Path, doing: str) -> BuildError:
    """A :class:`BuildError` for ``exc`` raised while ``doing`` (e.g. "writing") ``path``: what failed, why
    (the system's words) and what to do (full disk, quota, read-only file system, permissions)."""
    reason = exc.strerror or type(exc).__name__
    hint = _FIX.get(exc.errno or 0, "check that the output folder can be written")
    return BuildError(f"{path}: {doing} failed ({reason}); {hint}")


def load_state(out_dir: Path) -> dict:
    """The recorded fingerprints ``{job key: fingerprint}`` of ``out_dir`` (and, under ``outputs``, the
    hashes of the files as written: :mod:`handedits`); {} if none.

    A state file that is not what this tool writes (corrupt, hand-edited,
    another program's) is treated as empty: every output is rebuilt, and the
    next commit replaces it (:func:`state_problem` says so).
    """
    return _read_state(out_dir)[0]


def state_problem(out_dir: Path) -> Optional[str]:
    """What is wrong with the state file of ``out_dir`` (for a warning), or None if it is fine or absent."""
    return _read_state(out_dir)[1]


def _read_state(out_dir: Path) -> tuple[dict, Optional[str]]:
    path = out_dir / STATE_FILE
    try:
        state = json.loads(read_private(path))       # a link planted there reads as no state
    except OSError:
        return {}, None                    # none yet, or an output folder that cannot be read (reported when written)
    except ValueError as exc:
        return {}, f"{path}: the build state cannot be read ({exc}); every output is rebuilt and the file replaced"
    if not isinstance(state, dict) or not all(isinstance(v, dict if k == HASHES else str) for k, v in state.items()):
        return {}, f"{path}: not a build state this tool wrote; every output is rebuilt and the file replaced"
    return state, None


def save_state(out_dir: Path, state: dict) -> None:
    """Record ``state`` atomically in ``out_dir``.

    Raises:
        BuildError: the state file cannot be written (full disk, read-only folder …).
    """
    try:
        atomic_write(out_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True).encode())
    except OSError as exc:
        raise os_problem(exc, out_dir / STATE_FILE, "writing the build state") from None


def prepare_out_dir(out_dir: Path) -> None:
    """Create ``out_dir`` if needed and make sure this build can write into it.

    Raises:
        BuildError: it cannot be created, is not a folder, or cannot be written.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise BuildError(f"{out_dir}: the output folder is a file (or a link to one); "
                         "remove it or choose another folder with --out") from None
    except OSError as exc:
        raise os_problem(exc, out_dir, "creating the output folder") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise os_problem(OSError(errno.EACCES, "permission denied"), out_dir, "writing into the output folder")


def check_destinations(finals: list[Path], folders: frozenset[Path] | set[Path] = frozenset()) -> None:
    """Raise if any output cannot be renamed into place at its path (before anything is moved).

    ``folders``: the outputs among ``finals`` that are folders (the HTML handout): their place may
    hold a real folder (the previous version), nothing else.

    Raises:
        BuildError: a destination is a folder (a file, for ``folders``) or another non-file, naming it and what to do.
    """
    for final in finals:
        if final in folders:
            if final.is_symlink() or (final.exists() and not final.is_dir()):
                raise BuildError(f"{final}: this output is a folder and its place is taken by a file or link, "
                                 "so no output was changed; move it away and build again")
            continue
        if final.is_symlink() or (final.exists() and not final.is_file()):
            kind = "a folder" if final.is_dir() and not final.is_symlink() else "not a regular file"
            raise BuildError(f"{final}: this output's place is taken by {kind}, so no output was changed; "
                             "move it away and build again")


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while the block runs; a signal that came meanwhile acts after it, also
    in a process with other threads (``watch``: :mod:`coursepress.stopshield`)."""
    from .stopshield import hold, release

    held = hold()
    try:
        yield
    finally:
        release(held)


def commit(out_dir: Path, moves: list[tuple[Path, Path]], state: dict) -> None:
    """Rename each ``(staged, final)`` of ``moves`` and record ``state``: all of it or none of it.

    Raises:
        BuildError: a destination is taken by a non-file (nothing moved), or
            the output folder cannot be written (nothing moved, or the journal
            lets the next build finish the commit).
    """
    check_destinations([final for _staged, final in moves], {final for staged, final in moves if staged.is_dir()})
    journal = {"moves": [[str(s.relative_to(out_dir)), str(f.relative_to(out_dir))] for s, f in moves],
               "state": state}
    with signals_held():
        try:
            atomic_write(out_dir / JOURNAL_FILE, json.dumps(journal).encode())
        except OSError as exc:
            raise os_problem(exc, out_dir / JOURNAL_FILE, "writing the commit journal") from None
        _replay(out_dir, journal)


def _replay(out_dir: Path, journal: dict) -> None:
    """Do (or finish) the moves of ``journal``, record its state, delete it. Moves already done are skipped."""
    try:
        for staged, final in journal["moves"]:
            source = out_dir / staged
            if source.is_file():
                os.replace(source, out_dir / final)
            elif source.is_dir() and not source.is_symlink():
                _replace_folder(source, out_dir / final)
    except OSError as exc:
        raise os_problem(exc, out_dir / final, "moving the output into place") from None
    save_state(out_dir, journal["state"])
    (out_dir / JOURNAL_FILE).unlink(missing_ok=True)


def _replace_folder(source: Path, final: Path) -> None:
    """Put the folder ``source`` (in a staging folder) at ``final``: the old folder there moves into the
    staging folder first (removed with it), then ``source`` is renamed into place. Each step is one
    rename, so a replay after a stop between them finds ``final`` free and finishes."""
    if final.is_dir() and not final.is_symlink():
        aside = source.with_name(f".replaced-{source.name}")
        shutil.rmtree(aside, ignore_errors=True)
        os.rename(final, aside)
    os.rename(source, final)


def recover(out_dir: Path) -> bool:
    """Finish a commit an earlier build was stopped in (its journal is in ``out_dir``); True if there was one.

    A journal that cannot be read (it is written atomically, so only by hand)
    is removed; its staging folder is then removed as abandoned.
    """
    path = out_dir / JOURNAL_FILE
    if not path.is_file():
        return False
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        moves = [(str(s), str(f)) for s, f in journal["moves"]]
        ok = all("/" not in f and s.startswith(STAGE_PREFIX) for s, f in moves) and isinstance(journal["state"], dict)
    except (OSError, ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        path.unlink(missing_ok=True)
        return True
    with signals_held():
        _replay(out_dir, journal)
    return True


class Stage:
    """A staging folder owned by this build: ``<out_dir>/.coursepress-staging-<token>``.

    Use as a context manager: the folder and its lock are made on entry and
    removed on exit. ``path`` is the folder.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / (STAGE_PREFIX + secrets.token_hex(8))
        self._lock: Optional[int] = None

    def __enter__(self) -> "Stage":
        lock = Path(f"{self.path}.lock")
        try:
            self._lock = os.open(lock, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
            fcntl.flock(self._lock, fcntl.LOCK_EX)
            self.path.mkdir()
        except OSError as exc:
            self._release()
            raise os_problem(exc, self.out_dir, "creating the staging folder") from None
        return self

    def __exit__(self, *exc_info) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            Path(f"{self.path}.lock").unlink(missing_ok=True)
            os.close(self._lock)
            self._lock = None


def remove_abandoned_stages(out_dir: Path) -> list[Path]:
    """Delete staging folders in ``out_dir`` whose owner has ended (their lock can be taken).

    A folder whose lock is held (a ``watch`` or another build running now) is
    left alone; one without a lock file (left by an older version of this
    tool, or a build killed between the two steps) is removed. A journal that
    names a staging folder is replayed first (:func:`recover`). Returns the
    folders removed.
    """
    recover(out_dir)
    removed = []
    for folder in out_dir.glob(STAGE_PREFIX + "*"):
        if folder.suffix == ".lock" or not folder.is_dir():
            continue
        lock = Path(f"{folder}.lock")
        handle = None
        try:
            handle = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except FileNotFoundError:
            pass                                   # no owner ever locked it, or it is long gone
        except OSError:
            os.close(handle) if handle is not None else None
            continue                               # its build still runs
        shutil.rmtree(folder, ignore_errors=True)
        lock.unlink(missing_ok=True)
        if handle is not None:
            os.close(handle)
        removed.append(folder)
    for lock in out_dir.glob(STAGE_PREFIX + "*.lock"):    # a lock whose folder is gone: its owner died in between
        if not lock.with_suffix("").exists():
            try:
                handle = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                lock.unlink(missing_ok=True)
            except OSError:
                pass
            finally:
                os.close(handle)
    return removed
