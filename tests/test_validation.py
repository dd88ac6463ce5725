"""Loading and validation: one clear message per problem with file and line, no traceback,
previous outputs untouched (issue 2 bad input, cases C27 C29)."""

from __future__ import annotations

import hashlib

import pytest

from coursepress.errors import ContentErrors
from coursepress.load import load_course
from conftest import run_build

GOOD_MODEL = """\
models:
  - name: Alpha-7B
    organisation: 甲实验室
    open: true
    release: 2023-06-01
    parameters_b: 7
    context_k: 4
"""


def assert_reported(root, where: str, words: str) -> None:
    """Loading ``root`` fails with a message that names ``where`` (file:line) and says ``words``."""
    messages = errors_of(root)
    assert any(where in m and words in m for m in messages), messages


def errors_of(root) -> list[str]:
    with pytest.raises(ContentErrors) as info:
        load_course(root)
    return [str(e) for e in info.value.errors]


@pytest.mark.parametrize("models, where, words", [
    ("models:\n  - name: [unclosed\n", "models.yaml:2", "YAML syntax error"),
    ("models:\n  - name: A\n    open: true\n", "models.yaml:2", "required field 'organisation'"),
    ("models:\n  - name: A\n    organisation: B\n    parameters_b: many\n", "models.yaml:4", "not a positive number"),
    ("models:\n  - name: A\n    organisation: B\n    parameter_b: 7\n", "models.yaml:4", "did you mean 'parameters_b'"),
    ("models:\n  - name: A\n    organisation: B\n  - name: A\n    organisation: C\n", "models.yaml:4", "listed twice"),
    ("models:\n  - name: A\n    name: B\n    organisation: C\n", "models.yaml:3", "duplicate key 'name'"),
    ("models:\n  - name: A\n\torganisation: B\n", "models.yaml:3", "tab character"),
    ("models:\n  - name: A\n    organisation: B\n    open: maybe\n", "models.yaml:4", "not a yes/no value"),
    ("models:\n  - name: A\n    organisation: B\n    url: javascript:alert(1)\n", "models.yaml:4", "not an http(s) URL"),
])
def test_model_data_errors(make_project, models, where, words):
    assert_reported(make_project(models=models), where, words)


@pytest.mark.parametrize("course, where, words", [
    ("title: T\nauthor: A\ndate: 2024-13-01\nversion: '1'\n", "course.yaml:3", "not a real date"),
    ("title: T\nauthor: A\ndate: 2024-01-01\n", "course.yaml:1", "required field 'version'"),
    ("title: T\nauthor: A\ndate: 2024-01-01\nversion: '1'\nhandout:\n  page_size: A9\n", "course.yaml:6", "page_size"),
    ("title: T\nauthr: A\ndate: 2024-01-01\nversion: '1'\n", "course.yaml:2", "did you mean 'author'"),
    # an unclosed bracket is reported where it opens, not on the next line where YAML gives up
    ("title: T\nauthor: A\ndate: 2024-01-01\nversion: '1'\nkeywords: [大模型, 入门\nhandout:\n  page_size: A4\n",
     "course.yaml:5:11", "'[' opened here is never closed"),
])
def test_course_errors(make_project, course, where, words):
    assert_reported(make_project(course=course), where, words)


def test_unquoted_version_kept_as_written(make_project):
    root = make_project(course="title: T\nauthor: A\ndate: 2024-01-01\nversion: 3.10\n",
                        lecture="---\ntitle: T\n---\n\n# A\n\n正文。\n")
    course, _ = load_course(root)
    assert course.meta.version == "3.10"


@pytest.mark.parametrize("lecture, where, words", [
    ("# A\n\n::: bogus\ntext\n:::\n", "intro.md:3", "unknown container"),
    ("# A\n\n```{bogus}\n:id: x\n```\n", "intro.md:3", "unknown directive"),
    ("# A\n\n```{chart}\n:kind: pie\n:alt: x\n```\n", "intro.md:4", "unknown chart kind"),
    ("# A\n\n```{model-table}\n:colums: name\n```\n", "intro.md:4", "unknown option"),
    ("# A\n\n见[](#fig-nothing)。\n", "intro.md:3", "unknown id 'fig-nothing'"),
    ("# A\n\n![图](images/none.png)\n", "intro.md:3", "does not exist"),
    ("# A\n\n![图](../../../etc/passwd)\n", "intro.md:3", "leaves the project"),
    ("# A\n\n::: slides\n:::\n", "intro.md:3", "is empty"),
    ("---\ntitle: [x\n---\n# A\n", "intro.md:2", "YAML syntax error"),
    ("---\ntitel: x\n---\n# A\n", "intro.md:2", "did you mean 'title'"),
    ("# A\n\n```{model-table}\n:filter: family=Alpha,name=Beta-Pro\n```\n", "intro.md:4", "looks like another filter"),
    ("# A\n\n```{chart}\n:kind: parameters\n:alt: x\n:filter: open=maybe\n```\n", "intro.md:6",
     "open takes true or false"),
])
def test_lecture_errors(make_project, lecture, where, words):
    if not lecture.startswith("---"):
        lecture = "---\ntitle: T\n---\n\n" + lecture
        where = where.replace(f":{where.split(':')[1]}", f":{int(where.split(':')[1]) + 4}")
    assert_reported(make_project(lecture=lecture), where, words)


def test_a_filter_value_no_model_has_is_reported_not_silently_dropped(make_project):
    """A typo in one value of a filter (Alph for Alpha) would drop that model's rows without a word:
    it is a warning at the filter's line with the closest value, and an error under --strict."""
    lecture = "---\ntitle: T\n---\n\n# A\n\n```{model-table}\n:filter: family=Alph,Beta\n```\n"
    root = make_project(lecture=lecture)
    course, problems = load_course(root)
    warnings = [str(w) for w in problems.warnings]
    assert any("intro.md:8" in w and "family=Alph" in w and "did you mean 'Alpha'" in w for w in warnings), warnings
    table = next(b for s in course.lectures[0].sections for b in s.blocks if hasattr(b, "models"))
    assert [m.name for m in table.models] == ["Beta-Pro"]       # the other value still selects
    strict = errors_of_strict(root)
    assert any("intro.md:8" in m and "family=Alph" in m for m in strict), strict
    clean = make_project(lecture=lecture.replace("Alph,", "alpha,"), name="clean")   # case is ignored
    assert not load_course(clean)[1].warnings


def errors_of_strict(root) -> list[str]:
    with pytest.raises(ContentErrors) as info:
        load_course(root, strict=True)
    return [str(e) for e in info.value.errors]


def test_symlink_out_of_project_refused(make_project, tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 30)
    root = make_project(lecture="---\ntitle: T\n---\n\n# A\n\n![图](link.png)\n")
    (root / "content/lectures/link.png").symlink_to(outside)
    assert any("leaves the project" in m for m in errors_of(root))


def test_failed_build_exit_code_message_and_previous_output_kept(make_project):
    root = make_project()
    out = root / "dist"
    first = run_build("pdf", "--project", str(root), "--out", str(out))
    assert first.code == 0, first.err
    before = hashlib.sha256((out / "intro.pdf").read_bytes()).hexdigest()
    lecture = root / "content/lectures/intro.md"
    lecture.write_text(lecture.read_text(encoding="utf-8") + "\n::: bogus\nx\n:::\n", encoding="utf-8")
    second = run_build("pdf", "--project", str(root), "--out", str(out))
    assert second.code == 1
    assert "content/lectures/intro.md:" in second.err and "unknown container" in second.err
    assert "Traceback" not in second.err
    assert hashlib.sha256((out / "intro.pdf").read_bytes()).hexdigest() == before
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".coursepress")) == ["intro.pdf"]


def test_usage_errors_exit_2(make_project, tmp_path):
    assert run_build("nonsense").code == 2
    assert run_build("pdf", "--project", str(tmp_path)).code == 2
    root = make_project()
    bad = run_build("poster", "--project", str(root), "--size", "B7")
    assert bad.code == 2 and "A0, A1, A2, A3, A4" in bad.err


def test_c27_yaml_booleans_keep_strings(case_project):
    root = case_project("C27")
    course, _ = load_course(root)
    models = {m.name: m for m in course.data.models}
    assert set(models) == {"Fjord-13B", "Yes", "On"}
    assert models["Fjord-13B"].extra["country"] == "NO"
    assert models["Fjord-13B"].open is True
    assert models["Yes"].extra["license"] == "off" and models["Yes"].open is False
    assert models["On"].open is False          # documented rule: y/n are yes/no in boolean fields


def test_c29_impossible_date_named_with_line_and_model(case_project):
    root = case_project("C29")
    result = run_build("check", "--project", str(root))
    assert result.code == 1
    assert "models.yaml:5" in result.err and "D-1B" in result.err and "2023-02-30" in result.err
    assert "Traceback" not in result.err


def test_c29_mixed_precision_dates_normalised_and_sortable(case_project):
    root = case_project("C29")
    data = root / "content/data/models.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("2023-02-30", "2023-02-28"), encoding="utf-8")
    course, _ = load_course(root)
    releases = {m.name: m.release for m in course.data.models}
    assert {r.iso for r in releases.values()} == {"2024-05-13", "2024-05", "2024-03-01", "2023-02-28"}
    ordered = sorted(course.data.models, key=lambda m: m.release.sort_key)
    assert [m.name for m in ordered] == ["D-1B", "C-9B", "B-Pro", "A-7B"]


def test_folded_and_multiline_yaml_text_joined_like_chinese_prose(make_project):
    models = GOOD_MODEL + "    notes: >-\n      第一行中文，\n      第二行中文 and\n      English words\n"
    course, _ = load_course(make_project(models=models))
    assert course.data.models[0].notes == "第一行中文，第二行中文 and English words"


def test_unreferenced_footnote_is_reported(make_project):
    root = make_project(lecture="---\ntitle: T\n---\n\n# A\n\n正文。\n\n[^lost]: 没有被引用的脚注。\n")
    course, problems = load_course(root)
    assert any("intro.md:9" in str(w) and "[^lost]" in str(w) for w in problems.warnings)


@pytest.mark.parametrize("lecture, line, words", [
    ("---\ntitle: T\n---\n\n::: slides\n- a\n\n# 标题\n\n正文。\n", 5, "never closed"),
    ("---\ntitle: T\n---\n\n::: handout\n正文。\n\n## 小节\n\n:::\n", 8, "heading inside '::: handout'"),
    ("---\ntitle: T\nsubtitle: S\n\n# 标题\n\n正文。\n", 1, "front matter starts here but is never closed"),
    ("---\ntitle: T\n---\n", 1, "no content"),
    ("# 标题\n\n正文\x00\x00。\n", 3, "NUL bytes"),
])
def test_structural_mistakes_never_swallow_content(make_project, lecture, line, words):
    messages = errors_of(make_project(lecture=lecture))
    assert any(f"intro.md:{line}:" in m and words in m for m in messages), messages


def test_usage_mistakes_exit_2_before_building(make_project, tmp_path):
    root = make_project()
    afile = tmp_path / "afile"
    afile.write_text("keep me")
    for args, words in ((("pdf", "--out", str(afile)), "is a file"),
                        (("pdf", "--lecture", "nothere"), "no lecture named 'nothere'"),
                        (("pptx", "--reference", str(tmp_path / "none.pptx")), "no such file")):
        result = run_build(*args, "--project", str(root))
        assert result.code == 2 and words in result.err, (args, result.err)
    assert afile.read_text() == "keep me"
    assert run_build("pdf", "--lecture", "intro.md", "--project", str(root), "--out", str(tmp_path / "o")).code == 0


def test_estimate_note_without_a_value_is_an_error(make_project):
    models = GOOD_MODEL.replace("    parameters_b: 7\n", "    parameters_b: null\n    estimated:\n      parameters_b: 估计值\n")
    messages = errors_of(make_project(models=models))
    assert any("models.yaml:2" in m and "has no value" in m for m in messages), messages


def test_poster_without_models_is_refused_clearly(make_project):
    root = make_project(models="models: []\n")
    result = run_build("poster", "--project", str(root), "--out", str(root / "out"))
    assert result.code == 1 and "lists no models" in result.err and "Traceback" not in result.err


def test_reload_reuses_parsed_yaml_only_while_the_text_is_unchanged(make_project):
    """``build.py watch`` keeps parsed YAML between saves: an unchanged file gives the same data, an edited
    one is parsed again (a new value and a new error are both seen)."""
    root = make_project()
    parsed: dict = {}
    first, _ = load_course(root, parsed=parsed)
    again, _ = load_course(root, parsed=parsed)
    assert again.data == first.data and again.meta == first.meta
    models = root / "content/data/models.yaml"
    text = models.read_text(encoding="utf-8")
    models.write_text(text.replace("parameters_b: 7\n", "parameters_b: 8\n", 1), encoding="utf-8")
    edited, _ = load_course(root, parsed=parsed)
    assert [m.parameters_b for m in edited.data.models] != [m.parameters_b for m in first.data.models]
    assert 8 in [m.parameters_b for m in edited.data.models]
    models.write_text(text.replace("parameters_b: 7\n", "parameters_b: [oops\n", 1), encoding="utf-8")
    with pytest.raises(ContentErrors, match="YAML syntax error"):
        load_course(root, parsed=parsed)


@pytest.mark.parametrize("blank_lines", [0, 3])
def test_a_quote_left_open_is_reported_at_its_own_line(make_project, blank_lines):
    """``author: "张老师`` (quote never closed on its line): YAML reads on to the next quote, lines later;
    the error names the line that opened it, wherever it is."""
    course = ("title: T\n" + "\n" * blank_lines + 'author: "张老师\ndate: 2024-01-01\nversion: "0.1"\n'
              "language: zh-CN\n")
    line = 2 + blank_lines
    assert_reported(make_project(course=course), f"content/course.yaml:{line}:9", "never closed")
