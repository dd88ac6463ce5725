"""What ``build.py watch`` has already said: each warning once, again only when its file changes.

Every watch round reloads the course, so without a memory the warnings of every unchanged lecture
(a formula the deck shows as a picture, a missing value) were printed again after each save of any
file, burying the one that matters. A :class:`WarningMemory` keeps the warnings printed so far; a
round prints only the new ones, and a saved file's warnings are forgotten first, so that file's
remaining warnings are printed again (its lines may have moved). A change outside ``content/`` (a
template, a font) forgets everything: any warning may read differently now.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .errors import position_file


class WarningMemory:
    """Warnings (as printed, ``file:line[:column]: message``) a watch has shown; ``root`` the project
    folder the positions are relative to."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.shown: set[str] = set()
        self.held = 0                      # warnings the last round did not repeat

    def forget(self, changed: Iterable[str]) -> None:
        """Forget the warnings of the files in ``changed`` (paths as the file watcher reports them,
        absolute or relative to the project); everything when one lies outside ``content/``."""
        files = set()
        for name in changed:
            path = Path(name)
            path = path.resolve() if path.is_absolute() else (self.root / path).resolve()
            try:
                rel = path.relative_to(self.root).as_posix()
            except ValueError:
                rel = ""
            if not rel.startswith("content/"):
                self.shown.clear()
                return
            files.add(rel)
        self.shown = {w for w in self.shown if position_file(w) not in files}

    def fresh(self, lines: list[str]) -> list[str]:
        """The warnings of ``lines`` not shown before, in order; they are remembered as shown, and
        :attr:`held` counts the others."""
        new = [line for line in lines if line not in self.shown]
        self.held = len(lines) - len(new)
        self.shown.update(new)
        return new
