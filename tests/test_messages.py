"""The message catalogue and the theme (issue 10): shipped catalogues complete, project overrides key by key,
mistakes in an override reported at their line. Pure loading, no build."""

from __future__ import annotations

import re
import shutil
import string
from pathlib import Path

import pytest

from conftest import REPO
from coursepress.errors import ContentError
from coursepress.load import load_course
from coursepress.messages import catalogue_language, layered, messages_for
from coursepress.theme import theme_for

ONLY_ZH = {"numbering.digits", "numbering.ten", "numbering.zero_in_long"}     # chinese numerals
ONLY_EN = {"date.month_names"}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_shipped_catalogues_have_the_same_keys_and_fields() -> None:
    zh = layered(None, "locale/zh-CN.yaml", "message catalogue", False)
    en = layered(None, "locale/en.yaml", "message catalogue", False)
    assert set(zh) - ONLY_ZH == set(en) - ONLY_EN
    for key in set(zh) & set(en):
        if isinstance(zh[key], str):
            assert _fields(en[key]) <= _fields(zh[key]) | {"month_name", "plain"}, key


@pytest.mark.parametrize("language, catalogue", [("zh-CN", "zh-CN"), ("zh-TW", "zh-CN"), ("zh-HK", "zh-CN"),
                                                 ("en", "en"), ("en-GB", "en"), ("en-US", "en")])
def test_language_chooses_the_catalogue(language: str, catalogue: str) -> None:
    assert catalogue_language(language) == catalogue


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(REPO / "tests" / "projects" / "minimal", root)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_project_overrides_one_word_and_keeps_the_rest(tmp_path: Path) -> None:
    root = _project(tmp_path, {"templates/locale/zh-CN.yaml": "deck:\n  closing: 感谢聆听\n",
                               "templates/theme.yaml": "deck:\n  bullets: ['▪', '–']\n"})
    course, _ = load_course(root)
    assert course.words("deck.closing") == "感谢聆听" and course.words("deck.agenda") == "目录"
    assert course.theme.bullets == ("▪", "–") and course.theme.sans == "Noto Sans CJK SC"


@pytest.mark.parametrize("text, line, says", [
    ("deck:\n  agenda: 目录\n  closingg: 谢谢\n", 3, "unknown key 'deck.closingg'"),
    ("numbering:\n  table: 表 {number}\n", 2, "uses {number}"),
    ("date:\n  full: [1, 2]\n", 2, "must be text"),
])
def test_a_mistaken_override_is_reported_at_its_line(tmp_path: Path, text: str, line: int, says: str) -> None:
    root = _project(tmp_path, {"templates/locale/zh-CN.yaml": text})
    with pytest.raises(ContentError) as caught:
        messages_for(root, "zh-CN")
    assert caught.value.pos.file == "templates/locale/zh-CN.yaml" and caught.value.pos.line == line
    assert says in caught.value.message


def test_a_theme_key_of_another_kind_is_an_error(tmp_path: Path) -> None:
    root = _project(tmp_path, {"templates/theme.yaml": "deck:\n  bullets: '•'\n"})
    with pytest.raises(ContentError, match="bullets"):
        theme_for(root)


def test_the_themes_poster_type_scale_sizes_the_poster(tmp_path: Path) -> None:
    """The poster's least body size comes from templates/theme.yaml: raised in the project, the fitted
    body text is at least the new minimum (and the default build stays at ≥ 14 pt on A2)."""
    from conftest import run_build

    root = _project(tmp_path, {"templates/theme.yaml": "poster:\n  min_body_pt_a2: 24\n"})
    result = run_build("poster", "--project", str(root), "--out", str(tmp_path / "out"), "--force")
    assert result.code == 0, result.err
    body_pt = float(re.search(r"body text ([\d.]+) pt", result.out).group(1))
    assert body_pt >= 24.0, result.out            # the default scale lets the body grow to 14 × 1.5 = 21 pt
