"""Fingerprints of outputs: content hashes of the files a build depends on, with a cache that cannot go stale.

Fingerprints hash file *contents*: a file replaced by another of the same
size with the old time stamp (``cp -p``, ``touch -r``, a restored backup) is
seen as changed. Hashing the shipped fonts (≈ 35 MB) on every no-op build
would cost ≈ 0.07 s, so each digest is kept in ``<out>/.coursepress-hashes.json``
(written when a build commits outputs; a no-op build writes nothing)
keyed by the file's inode, size, modification *and change* time: the change
time (``st_ctime``) is set by the kernel on every write, rename or ``utime``
and cannot be set back by any user tool, so a file ``cp -p`` replaced has a
new one. As in git's "racy clean" rule, a digest is not kept for a file
changed less than two seconds before it was hashed (a write in the same
clock tick would keep the same times).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import fields
import time
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from . import __version__
from .fonts import font_dirs
from .output import atomic_write
from .resources import inside
from .templating import TOOL_ROOT, search_path

if TYPE_CHECKING:
    from .pipeline import Job
    from .writers import BuildSettings

CACHE_FILE = ".coursepress-hashes.json"
RACY_S = 2.0


class FileHashes:
    """SHA-256 digests (hex) of files, cached in ``out_dir`` (None: no cache)."""

    def __init__(self, out_dir: Path | None) -> None:
        self.out_dir = out_dir
        self._cache: dict[str, list] = {}
        self._dirty = False
        if out_dir is not None:
            try:
                cache = json.loads((out_dir / CACHE_FILE).read_text(encoding="utf-8"))
                if isinstance(cache, dict):
                    self._cache = cache
            except (OSError, ValueError):
                pass

    def digest(self, path: Path) -> str:
        """SHA-256 of the bytes of ``path`` (hex).

        Raises:
            OSError: the file cannot be read.
        """
        stat = path.stat()
        key = [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]
        entry = self._cache.get(str(path))
        if isinstance(entry, list) and entry[:4] == key and len(entry) == 5:
            return entry[4]
        value = hashlib.sha256(path.read_bytes()).hexdigest()
        if time.time() - max(stat.st_mtime_ns, stat.st_ctime_ns) / 1e9 > RACY_S:
            self._cache[str(path)] = key + [value]
            self._dirty = True
        return value

    def save(self) -> None:
        """Write the cache if it changed and the output folder exists; a failure to write is harmless."""
        if not self._dirty or self.out_dir is None or not self.out_dir.is_dir():
            return
        try:
            atomic_write(self.out_dir / CACHE_FILE, json.dumps(self._cache, separators=(",", ":")).encode())
            self._dirty = False
        except OSError:
            pass


def hash_tree(digest, hashes: FileHashes, folders: list[Path], skip=lambda path: False, pattern: str = "*") -> None:
    """Feed each file under ``folders`` (sorted; matching ``pattern``; not ``skip``ped) into ``digest``
    as its path and content hash. Unreadable files (a symlink loop, no permission) feed a marker
    instead, so the build itself reports them."""
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(_files(folder, pattern)):
            if skip(path):
                continue
            try:
                value = hashes.digest(path)
            except OSError as exc:
                value = f"unreadable:{exc.errno}"
            digest.update(f"{path}:{value}\n".encode("utf-8", "surrogateescape"))


def _files(folder: Path, pattern: str) -> list[Path]:
    found = []
    for path in folder.rglob(pattern):
        try:
            if path.is_file():
                found.append(path)
        except OSError:                     # a symlink loop: is_file() raises ELOOP on some Pythons
            found.append(path)
    return found


def shared_stamp(root: Path, hashes: Optional[FileHashes] = None) -> str:
    """Digest of what every output depends on alike: templates, assets (fonts) and the package source,
    each file by its content (``hashes``: the cache of :mod:`stamps`).

    Computed once per build and passed to :func:`fingerprint` (walking those trees per output repeated the I/O).
    """
    hashes = hashes or FileHashes(None)
    digest = hashlib.sha256()
    for folder in ("templates", "assets", "assets/fonts"):     # a folder turned into a link is a change
        digest.update(f"{folder}={os.path.realpath(root / folder)}\n".encode("utf-8", "surrogateescape"))
    tool = [TOOL_ROOT / "assets", root / "assets"] + [Path(p) for p in search_path(root)]
    hash_tree(digest, hashes, list(dict.fromkeys(p.resolve() for p in tool)) + font_dirs(root))
    hash_tree(digest, hashes, [Path(__file__).resolve().parent], pattern="*.py")
    return digest.hexdigest()


# Settings that change what is reported, never an output's bytes
_NOT_OUTPUT = ("out_dir", "verbose")


def settings_key(settings: BuildSettings) -> str:
    """Every setting that can change an output's bytes: each field of ``settings`` (options, strictness,
    the reference deck named on the command line; a field added later is included by default) but
    those of :data:`_NOT_OUTPUT`, and ``SOURCE_DATE_EPOCH`` (the dates written into PDFs and decks)."""
    options = "|".join(f"{f.name}={getattr(settings, f.name)!r}" for f in fields(settings) if f.name not in _NOT_OUTPUT)
    return f"{__version__}|{options}|{os.environ.get('SOURCE_DATE_EPOCH')!r}"


def fingerprint(root: Path, job: Job, settings: BuildSettings, configured_reference: Optional[str] = None,
                shared: Optional[str] = None, hashes: Optional[FileHashes] = None) -> str:
    """SHA-256 over everything ``job`` depends on, every file by its content.

    Every job depends on course.yaml, models.yaml, the templates, the assets
    (fonts), the package's source and the settings (:func:`settings_key`). A
    lecture's handout and deck also depend on its own Markdown file and on
    the other files under ``content/`` (images), but not on other lectures;
    the poster depends on no lecture and no image, so editing a lecture never
    rebuilds it; the course book depends on every lecture and image. A deck also depends on its reference deck
    (``configured_reference`` is ``deck.reference`` of course.yaml, relative
    to ``root``). Works from the file system alone, so an up-to-date check
    needs no content loaded; :func:`build` takes these fingerprints *before*
    the content is read, so an edit saved during a build leaves the output
    recorded under the older fingerprint, and the next build rebuilds it.
    """
    hashes = hashes or FileHashes(None)
    digest = hashlib.sha256(f"{settings_key(settings)}|{job.key}".encode("utf-8", "surrogateescape"))
    content = root / "content"
    files = [content / "course.yaml", content / "data" / "models.yaml"]
    if job.lecture is not None:
        files.append(content / "lectures" / f"{job.lecture}.md")
    elif job.kind in ("book", "html"):  # the course book and the HTML handout hold every lecture
        lectures_dir = content / "lectures"
        if lectures_dir.is_dir() and inside(root, lectures_dir):
            files.extend(sorted(lectures_dir.glob("*.md")))
    for path in files:       # a link out of the project or a FIFO is refused by the load; never read here
        try:
            readable = path.is_file() and inside(root, path)
            digest.update(hashes.digest(path).encode() if readable else b"-")
        except OSError as exc:
            digest.update(f"unreadable:{exc.errno}".encode())
    digest.update((shared if shared is not None else shared_stamp(root, hashes)).encode())
    if job.lecture is not None or job.kind in ("book", "html"):
        lectures = (content / "lectures").resolve()
        hash_tree(digest, hashes, [content], skip=lambda p: p in files or (p.suffix == ".md" and p.parent == lectures))
    if job.kind == "pptx":
        config_path = root / configured_reference if isinstance(configured_reference, str) else None
        if config_path is not None and not inside(root, config_path):
            config_path = None          # refused when the deck is built; never read here
        for reference in (settings.reference, config_path):
            if reference is not None and reference.is_file():
                digest.update(hashes.digest(reference).encode())
    return digest.hexdigest()


def fingerprint_jobs(root: Path, jobs: list[Job], settings: BuildSettings,
                     configured_reference: Optional[str] = None) -> "Stamps":
    """:class:`Stamps` of ``jobs``, from the files as they are now."""
    hashes = FileHashes(settings.out_dir)
    shared = shared_stamp(root, hashes)
    stamps = Stamps()
    stamps.hashes = hashes
    for job in jobs:
        stamps[job.key] = fingerprint(root, job, settings, configured_reference, shared, hashes)
    return stamps


class Stamps(dict):
    """``{job key: fingerprint}`` with the :class:`FileHashes` that made them (saved when a build commits,
    so a no-op build writes nothing)."""

    hashes: Optional[FileHashes] = None
