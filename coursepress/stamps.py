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

A digest the output folder's cache lacks is looked up in a second cache under the same key in the
per-user cache (``hashes/digests.json``, :mod:`coursepress.cachedir`): a build into a new output folder
(another ``--out``, a removed ``dist/``, the benchmark's cold builds) otherwise read and hashed every
shipped font again (≈ 35 MB: 0.04 s before anything else
could start). That cache is read only on such a miss and holds at most :data:`SHARED_KEEP` files.
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
from .layout import ASSETS, FONTS, LECTURES, TEMPLATES
from .output import atomic_write
from .resources import inside
from .templating import TOOL_ROOT, search_path
from .writers import writer

if TYPE_CHECKING:
    from .project import Project
    from .writers import BuildSettings, Inputs, Target

CACHE_FILE = ".coursepress-hashes.json"
RACY_S = 2.0
SHARED_FOLDER, SHARED_FILE = "hashes", "digests.json"     # the per-user layer (cachedir)
SHARED_KEEP = 4000          # files whose digests the per-user layer keeps (the most recently hashed)


class FileHashes:
    """SHA-256 digests (hex) of files, cached in ``out_dir`` (None: no cache) and, behind it, in the per-user
    cache (``shared``: False for none)."""

    def __init__(self, out_dir: Path | None, shared: bool = True) -> None:
        self.out_dir = out_dir
        self._cache: dict[str, list] = {}
        self._dirty = False
        self._shared: Optional[dict[str, list]] = None if shared else {}    # None: not read yet
        self._shared_dirty = False
        self._use_shared = shared
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
        name = str(path)
        entry = self._cache.get(name)
        if isinstance(entry, list) and entry[:4] == key and len(entry) == 5:
            return entry[4]
        shared = self._shared_cache()
        entry = shared.get(name)
        if isinstance(entry, list) and entry[:4] == key and len(entry) == 5 and isinstance(entry[4], str):
            self._cache[name] = entry
            self._dirty = True
            return entry[4]
        value = hashlib.sha256(path.read_bytes()).hexdigest()
        if time.time() - max(stat.st_mtime_ns, stat.st_ctime_ns) / 1e9 > RACY_S:
            self._cache[name] = key + [value]
            self._dirty = True
            if self._use_shared:
                shared.pop(name, None)          # re-inserted last: the most recently hashed are kept
                shared[name] = key + [value]
                self._shared_dirty = True
        return value

    def _shared_cache(self) -> dict[str, list]:
        """The per-user layer, read on first need (a missing or broken file is an empty cache)."""
        if self._shared is None:
            self._shared = {}
            try:
                from .cachedir import cache_folder, read_private

                cache = json.loads(read_private(cache_folder(SHARED_FOLDER) / SHARED_FILE))
                if isinstance(cache, dict):
                    self._shared = cache
            except (OSError, ValueError):
                pass
        return self._shared

    def save(self) -> None:
        """Write the cache if it changed and the output folder exists; a failure to write is harmless."""
        if self._shared_dirty and self._shared is not None:
            kept = dict(list(self._shared.items())[-SHARED_KEEP:])
            try:
                from .cachedir import cache_folder, write_private

                write_private(cache_folder(SHARED_FOLDER), SHARED_FILE, json.dumps(kept, separators=(",", ":")).encode())
                self._shared_dirty = False
            except OSError:
                pass
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
    for folder in (TEMPLATES, ASSETS, FONTS):     # a folder turned into a link is a change
        digest.update(f"{folder}={os.path.realpath(root / folder)}\n".encode("utf-8", "surrogateescape"))
    tool = [TOOL_ROOT / ASSETS, root / ASSETS] + [Path(p) for p in search_path(root)]
    hash_tree(digest, hashes, list(dict.fromkeys(p.resolve() for p in tool)) + font_dirs(root))
    hash_tree(digest, hashes, [Path(__file__).resolve().parent], pattern="*.py")
    return digest.hexdigest()


# Settings that change what is reported, never an output's bytes
_NOT_OUTPUT = ("out_dir", "verbose", "layouts")


def settings_key(settings: BuildSettings) -> str:
    """Every setting that can change an output's bytes: each field of ``settings`` (options, strictness,
    the reference deck named on the command line; a field added later is included by default) but
    those of :data:`_NOT_OUTPUT`, and ``SOURCE_DATE_EPOCH`` (the dates written into PDFs and decks)."""
    options = "|".join(f"{f.name}={getattr(settings, f.name)!r}" for f in fields(settings) if f.name not in _NOT_OUTPUT)
    return f"{__version__}|{options}|{os.environ.get('SOURCE_DATE_EPOCH')!r}"


def fingerprint(project: Project, target: Target, inputs: Inputs, settings: BuildSettings,
                shared: Optional[str] = None, hashes: Optional[FileHashes] = None) -> str:
    """SHA-256 (hex) over everything ``target`` depends on, every file by its content.

    Every target depends on the templates, the assets (fonts), the package's
    source (``shared``: :func:`shared_stamp`) and the settings
    (:func:`settings_key`), and on the files its writer names
    (:meth:`~coursepress.writers.Writer.inputs`): course.yaml and the model
    data always; a lecture's handout and deck also on its own lecture file and
    the other files under ``content/`` (images) but not on other lectures, so
    editing a lecture never rebuilds the poster; a deck also on its reference
    deck. Works from the file system alone, so an up-to-date check needs no
    content loaded; :func:`~coursepress.pipeline.build` takes these fingerprints
    *before* the content is read, so an edit saved during a build leaves the
    output recorded under the older fingerprint, and the next build rebuilds it.
    """
    root = project.root
    hashes = hashes or FileHashes(None)
    digest = hashlib.sha256(f"{settings_key(settings)}|{target.key}".encode("utf-8", "surrogateescape"))
    for path in inputs.files:       # a link out of the project or a FIFO is refused by the load; never read here
        try:
            readable = path.is_file() and inside(root, path)
            digest.update(hashes.digest(path).encode() if readable else b"-")
        except OSError as exc:
            digest.update(f"unreadable:{exc.errno}".encode())
    digest.update((shared if shared is not None else shared_stamp(root, hashes)).encode())
    if inputs.tree is not None:
        lectures = (root / LECTURES).resolve()
        files = set(inputs.files)
        hash_tree(digest, hashes, [inputs.tree], skip=lambda p: p in files or (p.suffix == ".md" and p.parent == lectures))
    for path in inputs.optional:
        if path.is_file():
            digest.update(hashes.digest(path).encode())
    return digest.hexdigest()


def fingerprint_targets(project: Project, targets: list[Target], settings: BuildSettings) -> "Stamps":
    """:class:`Stamps` of ``targets`` (each of a registered writer), from the files as they are now."""
    hashes = FileHashes(settings.out_dir)
    shared = shared_stamp(project.root, hashes)
    stamps = Stamps()
    stamps.hashes = hashes
    for target in targets:
        inputs = writer(target.kind).inputs(project, target)
        stamps[target.key] = fingerprint(project, target, inputs, settings, shared, hashes)
    return stamps


class Stamps(dict):
    """``{job key: fingerprint}`` with the :class:`FileHashes` that made them (saved when a build commits,
    so a no-op build writes nothing)."""

    hashes: Optional[FileHashes] = None
