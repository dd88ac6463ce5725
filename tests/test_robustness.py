"""Trustworthy builds under bad and hostile input (issue 5): pathological sizes and nesting,
SVG safety, safe paths for the reference deck, messages and exit codes, random input
(hypothesis), and the deck side of cases C15, C23 and C25.

Every test of bad input checks the exit code, a message with file and line, no
traceback, and that the previous outputs are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree
from pptx import Presentation

from conftest import REPO, Run, run_build
from pdfread import norm, page_texts
from coursepress.errors import ContentError, ContentErrors
from coursepress.load import load_course
from coursepress.reader import MAX_BLOCK_DEPTH, MAX_INLINE_DEPTH

HEAD = "---\ntitle: 测试\n---\n\n# 开始\n\n"
MEMORY_LIMIT_BYTES = 2 * 2**30       # generous robustness bounds, not speed targets
TIME_LIMIT_S = 300

# Runs the build as its child and reports the peak RSS of the build and its workers
# (RUSAGE_CHILDREN covers every waited-for descendant; ru_maxrss is in KiB on Linux).
_MEASURE = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as fh:
    fh.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024))
sys.exit(code)
"""


def measured_build(tmp_path: Path, *args: str) -> tuple[Run, int]:
    """Run ``build.py ARGS`` with a time bound; returns the run and its peak RSS in bytes."""
    report = tmp_path / "maxrss.txt"
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(report), sys.executable, str(REPO / "build.py"), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=TIME_LIMIT_S)
    return Run(proc.returncode, proc.stdout, proc.stderr), int(report.read_text())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def outputs(out: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in sorted(out.iterdir()) if not p.name.startswith(".")}


def built_project(make_project, kinds: str = "pdf") -> tuple[Path, Path, dict[str, str]]:
    """A minimal project built once (good outputs to protect) → (root, out, digests)."""
    root = make_project()
    out = root / "dist"
    result = run_build(kinds, "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    return root, out, outputs(out)


def assert_refused(result: Run, where: str, words: str, out: Path, before: dict[str, str]) -> None:
    """Exit 1, a message naming ``where`` (file:line) and ``words``, no traceback, outputs untouched."""
    assert result.code == 1, (result.out, result.err)
    assert any(where in line and words in line for line in result.err.splitlines()), result.err
    assert "Traceback" not in result.err
    assert outputs(out) == before


# ---------------------------------------------------------------- pathological input
def big_markdown(n_bytes: int = 1_000_000) -> str:
    para = "大语言模型是一类**语言模型**，用于生成文本 and English words，见 `code` 与 *强调*。" * 4 + "\n\n"
    parts, size, i = [], 0, 0
    while size < n_bytes:
        i += 1
        part = f"## 小节 {i}\n\n" + para * 5 + f"- 要点 {i}\n- 另一点\n\n"
        parts.append(part)
        size += len(part.encode())
    return "".join(parts)


def long_table(rows: int = 5000) -> str:
    return "| 名称 | 数值 | 说明 |\n|---|--:|---|\n" + "".join(f"| 行{i} | {i} | 文本 |\n" for i in range(rows))


@pytest.mark.parametrize("name", ["1 MB of Markdown", "5,000-row table"])
def test_large_input_builds_within_bounds(make_project, tmp_path, name):
    body = big_markdown() if name.startswith("1 MB") else long_table()
    root = make_project(lecture=HEAD + body)
    out = tmp_path / "out"
    result, peak = measured_build(tmp_path, "all", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err[-2000:]
    assert "Traceback" not in result.err
    assert {"intro.pdf", "intro.pptx", "poster.pdf"} <= set(outputs(out))
    assert peak < MEMORY_LIMIT_BYTES, f"{name}: peak RSS {peak / 2**20:.0f} MiB"


def _nested(kind: str, depth: int) -> str:
    if kind == "list":
        return "".join("  " * i + f"- 项{i}\n" for i in range(depth))
    if kind == "quote":
        return "> " * depth + "深引用\n"
    if kind == "container":
        return "::: note\n" * depth + "文字\n" + ":::\n" * depth
    if kind == "fences":      # properly nested: each inner fence shorter than its parent
        return ("".join(":" * (3 + depth - i) + " note\n" for i in range(depth)) + "文字\n"
                + "".join(":" * (4 + i) + "\n" for i in range(depth)))
    if kind == "mixed":
        return "".join("  " * i + ("- " if i % 2 else "> ") + "项\n" for i in range(depth))
    if kind == "emphasis":
        return "*" * depth + "文字" + "*" * depth + "\n"
    raise ValueError(kind)


@pytest.mark.parametrize("kind, line, words", [
    ("list", 7 + MAX_BLOCK_DEPTH, "nested more than"),
    ("quote", 7, "nested more than"),
    ("container", 7 + MAX_BLOCK_DEPTH, "nested more than"),
    ("mixed", 7 + 2 * MAX_BLOCK_DEPTH, "nested more than"),     # "- " and "> " lines alternate
    ("emphasis", 7, "emphasis, strike-through and links nested"),
])
def test_nesting_1000_deep_fails_cleanly(make_project, tmp_path, kind, line, words):
    root, out, before = built_project(make_project)
    (root / "content/lectures/intro.md").write_text(HEAD + _nested(kind, 1000), encoding="utf-8")
    result, peak = measured_build(tmp_path, "pdf", "--project", str(root), "--out", str(out))
    assert_refused(result, f"content/lectures/intro.md:{line}:", words, out, before)
    assert peak < MEMORY_LIMIT_BYTES


def test_nesting_at_the_limit_keeps_every_word(make_project, tmp_path):
    """Just inside the limits nothing is dropped (markdown-it alone drops lists nested past 9 levels)."""
    body = (_nested("list", MAX_BLOCK_DEPTH) + "\n" + _nested("fences", MAX_BLOCK_DEPTH) + "\n"
            + "**" * (MAX_INLINE_DEPTH // 2) + "强调" + "**" * (MAX_INLINE_DEPTH // 2) + "\n")
    root = make_project(lecture=HEAD + body)
    out = tmp_path / "out"
    result = run_build("pdf", "--project", str(root), "--out", str(out))
    assert result.code == 0, result.err
    text = norm("".join(page_texts(out / "intro.pdf")))
    for word in (f"项{MAX_BLOCK_DEPTH - 1}", "文字", "强调"):
        assert word in text, word
