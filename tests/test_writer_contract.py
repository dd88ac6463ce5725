"""One writer contract (issue 10): writers found by the registry, one new module adds an output, no import cycle."""

from __future__ import annotations

import ast
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "coursepress"

TOY_WRITER = '''\
"""A plain-text outline of each lecture: its title, then its headings indented by level."""

from __future__ import annotations

from . import BuildSettings, Declared, Output, Target
from ..errors import SourcePos
from ..output import atomic_write

WRITER = Declared(name="outline", description="plain-text outline of each lecture", title="the outline",
                  module=__name__, file_name="{lecture}.outline.txt")


def check(project, course, settings: BuildSettings, problems) -> None:
    for lecture in course.lectures:
        if not lecture.sections:
            problems.warn(SourcePos(f"content/lectures/{lecture.name}.md"), "outline check: the lecture has no headings", "add one")


def write(project, course, target: Target, settings: BuildSettings) -> Output:
    lecture = course.lecture(target.lecture)
    lines = [lecture.title] + ["  " * s.heading.level + s.heading.plain for top in lecture.sections for s in top.walk()]
    path = atomic_write(settings.out_dir / target.file_name, ("\\n".join(lines) + "\\n").encode())
    return Output(path, f"{len(lines)} lines")
'''


def module_imports(path: Path, package: str) -> set[str]:
    """Modules of ``package`` that the module at ``path`` imports when it is imported: statements at its top
    level (also inside ``try``/``if``, but not under ``if TYPE_CHECKING:``), relative imports resolved."""
    name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
    base = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
                continue
            if isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(node.orelse)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)
                visit(getattr(node, "finalbody", []))
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.split(".")[0] == package)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = base.split(".")
                    root = ".".join(parts[:len(parts) - node.level + 1])
                    target = f"{root}.{node.module}" if node.module else root
                else:
                    target = node.module or ""
                if target.split(".")[0] != package:
                    continue
                found.add(target)
                found.update(f"{target}.{a.name}" for a in node.names)     # ``from . import stop`` names a module
    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return found


def import_graph() -> dict[str, set[str]]:
    """``{module: modules of coursepress it imports at import time}`` over every module of the package."""
    modules = {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
               for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in module_imports(path, "coursepress") if m in modules and m != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` as a list of modules (first = last), or [] if there is none.

    A package's ``__init__`` is imported before any of its modules, so ``a.b`` also depends on ``a``."""
    edges = {name: set(deps) | ({name.rpartition(".")[0]} & set(graph)) for name, deps in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for dep in sorted(edges[node]):
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state:
                cycle = visit(dep)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(edges):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return []


def test_no_import_cycle_in_the_package():
    graph = import_graph()
    assert "coursepress.pipeline" in graph and "coursepress.parallel" in graph["coursepress.pipeline"]
    assert find_cycle(graph) == []
    assert "coursepress.pipeline" not in graph["coursepress.parallel"]


def test_the_cycle_finder_finds_a_cycle():
    graph = {"p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.a"}, "p.d": set()}
    assert find_cycle(graph) == ["p.a", "p.b", "p.c", "p.a"]
    assert find_cycle({"p": {"p.x"}, "p.x": set()}) == ["p", "p.x", "p"]    # a package importing its module's importer
    assert find_cycle({"p.a": {"p.b"}, "p.b": set()}) == []


def test_registry_lists_every_output_and_imports_no_library():
    code = ("import sys; from coursepress.writers import registry; "
            "print(','.join(registry())); "
            "print(','.join(sorted(m for m in ('weasyprint', 'pptx', 'jinja2', 'pydantic', 'lxml') if m in sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    names, heavy = proc.stdout.splitlines()
    assert names == "pdf,pptx,slides,notes,poster,book,html"
    assert heavy == ""


@pytest.fixture
def toy_repo(tmp_path_factory):
    """A copy of the tool with ONE new module, ``coursepress/writers/outline.py``, and nothing else changed."""
    repo = tmp_path_factory.mktemp("toy") / "repo"
    repo.mkdir()
    shutil.copytree(PACKAGE, repo / "coursepress", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / "build.py", repo / "build.py")
    for folder in ("templates", "assets"):               # the tool's own templates and fonts, unchanged
        os.symlink(REPO / folder, repo / folder)
    (repo / "coursepress/writers/outline.py").write_text(TOY_WRITER, encoding="utf-8")
    return repo


def toy(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(repo / "build.py"), *args], capture_output=True, text=True,
                          cwd=repo, timeout=600)


@pytest.mark.slow
def test_a_new_writer_is_one_module(toy_repo, make_project):
    """The toy outline writer appears in --help, check, all (when outputs: names it), the up-to-date check
    and watch, with no other file of the tool changed."""
    root = make_project()
    course = root / "content/course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + "outputs: [outline]\n", encoding="utf-8")
    lecture = root / "content/lectures/intro.md"
    out = root / "out"
    common = ("--project", str(root), "--out", str(out))

    helped = toy(toy_repo, "--help")
    assert helped.returncode == 0 and "outline: plain-text outline of each lecture" in " ".join(helped.stdout.split())

    lecture.write_text("---\ntitle: 无标题\n---\n\n没有标题的讲。\n", encoding="utf-8")
    checked = toy(toy_repo, "check", *common)
    assert checked.returncode == 0, checked.stderr
    assert "outline check: the lecture has no headings" in checked.stderr

    lecture.write_text("---\ntitle: 导论\n---\n\n# 第一部分\n\n正文。\n\n## 小节\n\n正文。\n", encoding="utf-8")
    built = toy(toy_repo, "all", *common)
    assert built.returncode == 0, built.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["intro.outline.txt"]
    assert (out / "intro.outline.txt").read_text(encoding="utf-8").splitlines() == ["导论", "  第一部分", "    小节"]

    again = toy(toy_repo, "all", *common)
    assert again.returncode == 0 and again.stdout.strip().endswith("intro.outline.txt: up to date"), again.stdout

    lecture.write_text(lecture.read_text(encoding="utf-8") + "\n# 第二部分\n\n正文。\n", encoding="utf-8")
    edited = toy(toy_repo, "all", *common)
    assert "up to date" not in edited.stdout and "intro.outline.txt: 4 lines" in edited.stdout, edited.stdout
    assert (out / "intro.outline.txt").read_text(encoding="utf-8").splitlines()[-1] == "  第二部分"

    only = toy(toy_repo, "outline", "--lecture", "intro", *common)
    assert only.returncode == 0 and "intro.outline.txt: up to date" in only.stdout

    (out / "intro.outline.txt").unlink()
    watcher = subprocess.Popen([sys.executable, str(toy_repo / "build.py"), "watch", *common], cwd=toy_repo,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        deadline = time.monotonic() + 300
        while "watching for changes" not in line and time.monotonic() < deadline:
            line = watcher.stdout.readline()
            if not line and watcher.poll() is not None:
                break
        assert "built in" in line, line + watcher.stderr.read() if watcher.poll() is not None else line
        assert (out / "intro.outline.txt").read_text(encoding="utf-8").splitlines()[-1] == "  第二部分"
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait(60)
