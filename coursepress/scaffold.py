"""``coursepress init [DIR]``: a new course that builds at once.

Copies the scaffold shipped in ``coursepress/scaffold/`` (course.yaml with every
setting, an example lecture showing each feature, models.yaml, a BibTeX file,
an image) and the JSON Schema files of ``coursepress/schemas/`` into DIR, plus a
``.gitignore`` and a GitHub Actions workflow. A folder that is not empty is
refused and nothing is written.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
# scaffold file → where it goes in the new course (dot files are stored without the dot,
# so packaging and globbing never skip them)
RENAMED = {"gitignore": ".gitignore", "github-workflow.yml": ".github/workflows/build.yml"}


def course_files() -> dict[str, Path]:
    """Every file ``init`` writes: course-relative POSIX path → the shipped file it is copied from."""
    files = {RENAMED.get(p.relative_to(SCAFFOLD).as_posix(), p.relative_to(SCAFFOLD).as_posix()): p
             for p in sorted(SCAFFOLD.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}
    files.update({f"schemas/{p.name}": p for p in sorted(SCHEMAS.glob("*.schema.json"))})
    return files


def init_course(folder: Path, prog: str = "coursepress") -> int:
    """Create a new course in ``folder`` (created if missing); returns an exit code (0, or 2 if refused).

    ``prog``: the command the user runs (named in the messages: ``coursepress``, or ``python …/build.py``).

    The files are first written to a temporary folder beside ``folder`` and then
    moved in, so a failure part way leaves nothing behind.
    """
    folder = folder.resolve()
    if folder.exists() and not folder.is_dir():
        print(f"error: {folder} is a file; name a new or empty folder for the course", file=sys.stderr)
        return 2
    if folder.is_dir() and any(folder.iterdir()):
        what = "a course" if (folder / "content").exists() else "files"
        print(f"error: {folder} already holds {what}; nothing was written. Name a new or empty folder: "
              f"{prog.removesuffix(' --project .')} init NEW-FOLDER", file=sys.stderr)
        return 2
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".coursepress-init-", dir=folder.parent))
    try:
        for rel, source in course_files().items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        folder.mkdir(exist_ok=True)
        for entry in staging.iterdir():
            entry.rename(folder / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    shown = folder.relative_to(Path.cwd()) if folder.is_relative_to(Path.cwd()) else folder
    print(f"created a new course in {shown}: content/course.yaml, content/lectures/intro.md, "
          f"content/data/models.yaml, content/refs.bib, .gitignore, .github/workflows/build.yml\n"
          f"next: cd {shown} && {prog} all    (outputs land in dist/)")
    return 0
