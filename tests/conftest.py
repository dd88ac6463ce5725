"""Shared fixtures: tiny projects under tests/projects, a project factory, and the CLI runner.

The full course is built once per test session (``course_build``) and shared.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECTS = Path(__file__).resolve().parent / "projects"
CASES = Path(__file__).resolve().parent / "cases"   # copies of shared/cases/inputs


def plain_html(html: str) -> str:
    """``html`` without the composition spans of :mod:`coursepress.cjkspacing` (no-break, half-width marks)."""
    return re.sub(r'<span class="(?:halt|nobr)">([^<]*)</span>', r"\1", html)


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_build(*args: str, cwd: Path | None = None) -> Run:
    """Run ``python build.py ARGS`` in a fresh process (like a user would)."""
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), *args], capture_output=True, text=True,
                          cwd=cwd or REPO, timeout=600)
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def make_project(tmp_path):
    """Factory: ``make_project(lecture=..., models=..., course=..., files={rel: bytes|str})`` → project root.

    Starts from tests/projects/minimal and replaces what is given. ``lecture``
    replaces content/lectures/intro.md (the lecture is named ``intro``).
    """
    def factory(lecture: str | None = None, models: str | None = None, course: str | None = None,
                files: dict | None = None, name: str = "proj") -> Path:
        root = tmp_path / name
        shutil.copytree(PROJECTS / "minimal", root)
        if lecture is not None:
            (root / "content/lectures/intro.md").write_text(textwrap.dedent(lecture), encoding="utf-8")
        if models is not None:
            (root / "content/data/models.yaml").write_text(textwrap.dedent(models), encoding="utf-8")
        if course is not None:
            (root / "content/course.yaml").write_text(textwrap.dedent(course), encoding="utf-8")
        for rel, data in (files or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        return root
    return factory


@pytest.fixture
def case_project(make_project):
    """Factory: a project whose lecture (and models.yaml, if any) come from tests/cases/CXX (copies of shared/cases/inputs)."""
    def factory(case: str, extra_models_header: str = "") -> Path:
        folder = CASES / case
        if not folder.is_dir():
            pytest.skip(f"case inputs {case} not available")
        root = make_project(name=case)
        lecture = folder / "lecture.md"
        if lecture.exists():
            (root / "content/lectures/intro.md").unlink()
            shutil.copy(lecture, root / "content/lectures/lecture.md")
        for sub in folder.iterdir():
            if sub.is_dir():
                shutil.copytree(sub, root / "content/lectures" / sub.name)
        models = folder / "models.yaml"
        if models.exists():
            (root / "content/data/models.yaml").write_text(extra_models_header + models.read_text(encoding="utf-8"),
                                                           encoding="utf-8")
        return root
    return factory


@pytest.fixture(scope="session")
def course_build(tmp_path_factory):
    """The real course built once per session with ``build.py all``: ``(out folder, Run)``.

    ``out`` holds ``llm-intro.pdf`` (handout), ``llm-intro.pptx`` (deck) and ``poster.pdf``. Every test of
    the real course's default outputs reads this one build (a cold ``all`` costs ~15 CPU s); tests must
    not change or delete what is in ``out``. Use :func:`course_output` to get one file with the build's
    checks (exit 0, no warning, no traceback) applied.
    """
    out = tmp_path_factory.mktemp("dist")
    result = run_build("all", "--out", str(out), "--force")
    return out, result


def course_output(course_build, name: str) -> tuple[Path, Run]:
    """``(path of NAME in the shared course build, Run)``, after checking the build succeeded cleanly.

    Raises AssertionError (the test fails) if the build exited non-zero, printed a warning or a
    traceback, or did not write ``name``.
    """
    out, result = course_build
    assert result.code == 0, result.err
    assert "warning" not in result.err and "Traceback" not in result.err, result.err
    path = out / name
    assert path.is_file(), f"{name} not built: {sorted(p.name for p in out.iterdir())}"
    return path, result


@pytest.fixture(scope="session")
def course_poster(tmp_path_factory):
    """Factory: ``course_poster(*args)`` → ``(poster.pdf, Run)`` of ``build.py poster --force ARGS`` on the real course.

    Each distinct ``args`` (e.g. ``("--size", "A2", "--landscape")``) is built once per session, in a folder
    of its own, and shared by every test asking for it (the real course's poster is the most built output
    of the suite). The command's exit code and messages are the test's to check; tests must not change
    the file.
    """
    built: dict[tuple[str, ...], tuple[Path, Run]] = {}

    def factory(*args: str) -> tuple[Path, Run]:
        if args not in built:
            out = tmp_path_factory.mktemp("poster")
            built[args] = (out / "poster.pdf", run_build("poster", "--out", str(out), "--force", *args))
        return built[args]
    return factory


def append_course(root: Path, extra: str) -> Path:
    """Append ``extra`` (YAML, dedented) to ``root``'s content/course.yaml; returns ``root``."""
    cfg = root / "content/course.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + textwrap.dedent(extra), encoding="utf-8")
    return root


def problems_of(root: Path) -> tuple[list[str], list[str]]:
    """(errors, warnings) of loading ``root`` in process, as printed strings."""
    from coursepress.errors import ContentErrors
    from coursepress.load import load_course

    try:
        _course, problems = load_course(root)
    except ContentErrors as exc:
        return [str(e) for e in exc.errors], [str(w) for w in exc.warnings]
    return [], [str(w) for w in problems.warnings]


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def require_soffice() -> str:
    """Path of LibreOffice's ``soffice``; fails the test when it is missing and ``CI=true`` (README's test
    command installs it), skips it otherwise."""
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required when CI=true; README's test command installs it")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found
