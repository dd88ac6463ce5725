"""Private places for what a build writes outside its output folder.

Two kinds, nothing else (issue 14, item 3):

* the per-user cache ``$XDG_CACHE_HOME/coursepress`` (default ``~/.cache/coursepress``):
  font metrics, font faces, compiled templates and the isolated fontconfig.
  Each folder of it is made with mode 0700 and used only if it is a real
  folder (not a link), owned by the building user and closed to others;
* where no such cache can be used (no home folder, a read-only one, a folder
  owned by someone else), a folder made by :func:`tempfile.mkdtemp` (0700)
  for this process, removed when it exits.

Never a predictable path in a shared temporary folder, and files are written
through :func:`write_private`: a new file made with ``mkstemp`` (``O_EXCL``:
never an existing file or a planted link) in the private folder, renamed into place.
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Optional


def _private(folder: Path) -> bool:
    """Make ``folder`` (0700) if missing; True if it is a real folder of this user closed to others."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    if not (stat.S_ISDIR(info.st_mode) and owner_ok):
        return False
    if info.st_mode & 0o077 and not info.st_mode & 0o022:
        # ours and readable by others but writable by nobody else (an older tool made it 0755): nothing in
        # it can have been planted, so close it rather than give up the cache for good
        try:
            os.chmod(folder, 0o700, follow_symlinks=False)
            info = os.lstat(folder)
        except (OSError, NotImplementedError):
            return False
    return not info.st_mode & 0o077


def _user_root() -> Optional[Path]:
    base = os.environ.get("XDG_CACHE_HOME") or (str(Path.home() / ".cache") if os.environ.get("HOME") else "")
    if not base or not os.path.isabs(base):
        return None
    root = Path(base) / "coursepress"
    return root if _private(root) else None


@lru_cache(maxsize=None)
def _made() -> tuple[int, Path]:
    """(process id, folder) of the temporary cache folder made for the process that first asked."""
    folder = Path(tempfile.mkdtemp(prefix="coursepress-"))
    atexit.register(discard)
    return os.getpid(), folder


def _process_folder() -> Path:
    return _made()[1]


def discard() -> None:
    """Remove the temporary cache folder now if this process made one (never its parent's, which a forked
    process shares). Runs at exit; a process that ends with ``os._exit`` (:func:`coursepress.cli.exit_now`,
    a forked loader) calls it first. A later :func:`cache_folder` makes a new one."""
    if _made.cache_info().currsize:
        pid, folder = _made()
        if pid == os.getpid():
            shutil.rmtree(folder, ignore_errors=True)
            _made.cache_clear()


def cache_folder(name: str) -> Path:
    """A private folder ``name`` for cached data: in the per-user cache, else in this process's mkdtemp folder.

    Returns:
        A folder that exists, is owned by this user and closed to others.

    Raises:
        OSError: not even a temporary folder can be made.
    """
    root = _user_root()
    if root is not None and _private(root / name):
        return root / name
    folder = _process_folder() / name
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def write_private(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to ``folder/name`` through a fresh ``mkstemp`` file and a rename (never follows a link).

    Raises:
        OSError: the folder cannot be written.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, folder / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return folder / name


def read_private(path: Path) -> bytes:
    """Read a cache file without following a link (a planted link reads as a cache miss: OSError)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        return handle.read()
