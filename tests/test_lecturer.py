"""Issue 18, a lecturer's day: `coursepress init`, the console entry, the project found from the
current folder, hand-edit protection, .bib citations in GB/T 7714-2015, JSON schemas and the docs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, run_build
from readback import norm, page_texts

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def coursepress(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m coursepress ARGS`` from ``cwd`` with this checkout's code (the console script's entry)."""
    return subprocess.run([sys.executable, "-m", "coursepress", *args], cwd=cwd, env=ENV, capture_output=True,
                          text=True, timeout=600)


# ---------------------------------------------------------------- init, console entry, project discovery

@pytest.mark.slow
def test_init_then_all_with_no_options_builds_everything(tmp_path):
    made = coursepress("init", "mycourse", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    course = tmp_path / "mycourse"
    for rel in ("content/course.yaml", "content/lectures/intro.md", "content/data/models.yaml", "content/refs.bib",
                ".gitignore", ".github/workflows/build.yml", "schemas/course.schema.json"):
        assert (course / rel).is_file(), rel
    from ruamel.yaml import YAML
    workflow = YAML(typ="safe").load((course / ".github/workflows/build.yml").read_text(encoding="utf-8"))
    steps = [step.get("run", "") + step.get("uses", "") for step in workflow["jobs"]["build"]["steps"]]
    assert any("coursepress all" in s for s in steps) and any("upload-artifact" in s for s in steps)
    built = coursepress("all", cwd=course)
    assert built.returncode == 0, built.stderr
    assert "warning" not in built.stderr
    for name in ("intro.pdf", "intro.pptx", "poster.pdf"):
        assert (course / "dist" / name).stat().st_size > 1000, name
    text = norm("".join(page_texts(course / "dist/intro.pdf")))
    assert norm("[1] ZHAO W X, ZHOU K, LI J, et al. A Survey of Large Language Models[J/OL]") in text
    assert norm("[2] 李航. 统计学习方法[M]. 2 版. 北京: 清华大学出版社, 2019.") in text
    assert "\\frac" not in text and "(1)" in text        # the example's display formula is typeset and numbered
    from pptx import Presentation
    titles = [s.shapes.title.text for s in Presentation(str(course / "dist/intro.pptx")).slides if s.shapes.title]
    assert "参考文献" in titles
    # from a subfolder of the course: the same project, everything up to date
    again = coursepress("all", cwd=course / "content" / "lectures")
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("up to date") == 3


def test_no_course_here_says_how_to_start(tmp_path):
    result = coursepress("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "no course here" in result.stderr and "coursepress init" in result.stderr


def test_project_found_from_a_subfolder(make_project):
    root = make_project()
    result = coursepress("check", cwd=root / "content" / "data")
    assert result.returncode == 0, result.stderr
    assert "1 lecture(s), 2 model(s)" in result.stdout


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = coursepress("init", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "nothing was written" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_files_point_editors_at_the_schemas(tmp_path):
    assert coursepress("init", "c", cwd=tmp_path).returncode == 0
    for rel in ("content/course.yaml", "content/data/models.yaml"):
        path = tmp_path / "c" / rel
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, first
        assert (path.parent / match.group(1)).resolve().is_file()


# ---------------------------------------------------------------- hand-edit protection

def _edit_deck(path: Path) -> bytes:
    """Change the first slide's title as a lecturer would in PowerPoint; returns the edited file's bytes."""
    from pptx import Presentation
    deck = Presentation(str(path))
    deck.slides[0].shapes.title.text = "我改过的标题"
    deck.save(str(path))
    return path.read_bytes()


def test_an_edited_deck_is_kept_when_the_lecture_changes(make_project):
    root = make_project()
    out = root / "dist"
    assert run_build("pptx", "--project", str(root)).code == 0
    edited = _edit_deck(out / "intro.pptx")
    lecture = root / "content/lectures/intro.md"
    lecture.write_text(lecture.read_text(encoding="utf-8") + "\n新加的一段。\n", encoding="utf-8")
    result = run_build("pptx", "--project", str(root))
    assert result.code == 0, result.err
    kept = sorted(out.glob("intro.edited-*.pptx"))
    assert len(kept) == 1 and re.fullmatch(r"intro\.edited-\d{8}-\d{6}\.pptx", kept[0].name)
    assert kept[0].read_bytes() == edited
    assert f"kept as {kept[0].name}" in result.err
    from pptx import Presentation
    assert Presentation(str(out / "intro.pptx")).slides[0].shapes.title.text != "我改过的标题"
    # --force keeps an edit too; an unedited output is simply replaced
    edited_again = _edit_deck(out / "intro.pptx")
    assert run_build("pptx", "--force", "--project", str(root)).code == 0
    assert len(list(out.glob("intro.edited-*.pptx"))) == 2
    assert edited_again in [p.read_bytes() for p in out.glob("intro.edited-*.pptx")]
    assert run_build("pptx", "--force", "--project", str(root)).code == 0
    assert len(list(out.glob("intro.edited-*.pptx"))) == 2


def test_an_edit_that_cannot_be_kept_stops_the_build_before_overwriting(make_project, monkeypatch):
    from coursepress import handedits
    from coursepress.errors import BuildError
    from coursepress.load import load_project
    from coursepress.pipeline import build
    from coursepress.project import locate
    from coursepress.writers import BuildSettings

    root = make_project()
    settings = BuildSettings(out_dir=root / "dist")
    project, course, _ = load_project(locate(root))
    build(project, course, ["pdf", "pptx"], settings, workers=1)
    edited = _edit_deck(root / "dist/intro.pptx")
    pdf_before = (root / "dist/intro.pdf").read_bytes()

    def read_only(src, dst):
        raise PermissionError(30, "Read-only file system")
    monkeypatch.setattr(handedits.os, "rename", read_only)
    with pytest.raises(BuildError, match="cannot be kept.*nothing was overwritten"):
        build(project, course, ["pdf", "pptx"], settings, force=True, workers=1)
    assert (root / "dist/intro.pptx").read_bytes() == edited
    assert (root / "dist/intro.pdf").read_bytes() == pdf_before
    assert not list((root / "dist").glob(".coursepress-staging-*"))


# ---------------------------------------------------------------- bibliography

BIB = r"""
@article{vaswani2017,
  author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and Uszkoreit, Jakob},
  title = {Attention Is All You Need},
  journal = {Advances in Neural Information Processing Systems},
  year = {2017},
  volume = {30},
  pages = {5998--6008},
}

@book{li2019,
  author = {李航},
  title = {统计学习方法},
  edition = {2},
  publisher = {清华大学出版社},
  address = {北京},
  year = {2019},
}

@online{uncited,
  author = {周枫},
  title = {一篇没有被引用的网页},
  year = {2023},
  url = {https://example.org/x},
  urldate = {2023-11-30},
}
"""

CITING = """\
---
title: 引用
---

# 文献

统计学习的经典教材[@li2019, p. 12]。注意力机制见 [@vaswani2017]，两者合起来 [@vaswani2017; @li2019]。
"""


def _bib_project(make_project, lecture: str = CITING, bib: str = BIB, **course):
    yaml = textwrap.dedent("""\
        title: 测试课程
        author: 测试组
        date: 2024-01-15
        version: "0.1"
        bibliography: refs.bib
        """)
    return make_project(course=yaml, lecture=lecture, files={"content/refs.bib": bib})


def test_handout_lists_exactly_the_cited_entries_in_gbt7714(make_project):
    root = _bib_project(make_project)
    result = run_build("all", "--project", str(root))
    assert result.code == 0, result.err
    text = norm("".join(page_texts(root / "dist/intro.pdf")))
    body, refs = text.split("参考文献[1]")
    refs = "[1]" + refs
    assert norm("统计学习的经典教材[1]¹²") in body and norm("注意力机制见 [2]") in body and norm("合起来 [1,2]") in body
    assert re.findall(r"\[(\d)\]", refs) == ["1", "2"]
    assert norm("[1] 李航. 统计学习方法[M]. 2 版. 北京: 清华大学出版社, 2019.") in refs
    assert norm("[2] VASWANI A, SHAZEER N, PARMAR N, et al. Attention Is All You Need[J]. "
                "Advances in Neural Information Processing Systems, 2017, 30: 5998-6008.") in refs
    assert "没有被引用" not in text
    from pptx import Presentation
    slides = [s for s in Presentation(str(root / "dist/intro.pptx")).slides
              if s.shapes.title is not None and s.shapes.title.text == "参考文献"]
    assert len(slides) == 1
    body_text = "\n".join(sh.text_frame.text for sh in slides[0].placeholders
                          if sh.has_text_frame and sh != slides[0].shapes.title)
    assert "[1] 李航. 统计学习方法[M]" in body_text and "[2] VASWANI A" in body_text


def test_a_lecture_citing_nothing_has_no_references(make_project):
    root = _bib_project(make_project, lecture="---\ntitle: 无引用\n---\n\n# 一\n\n正文。\n")
    assert run_build("pptx", "--project", str(root)).code == 0
    from pptx import Presentation
    titles = [s.shapes.title.text for s in Presentation(str(root / "dist/intro.pptx")).slides if s.shapes.title]
    assert "参考文献" not in titles


def test_unknown_key_is_an_error_at_its_line_with_did_you_mean(make_project):
    root = _bib_project(make_project, lecture="---\ntitle: x\n---\n\n# 一\n\n正文\n见 [@vaswani2071]。\n")
    result = run_build("check", "--project", str(root))
    assert result.code == 1
    assert "content/lectures/intro.md:7: citation of unknown key '@vaswani2071'; did you mean '@vaswani2017'?" \
        in result.err


def test_a_bib_that_does_not_parse_is_an_error_at_its_line(make_project):
    broken = BIB + "\n@article{broken,\n  title = {Unclosed,\n  year = 2020\n"
    root = _bib_project(make_project, bib=broken)
    result = run_build("check", "--project", str(root))
    assert result.code == 1
    line = broken.splitlines().index("@article{broken,") + 1
    assert f"content/refs.bib:{line}: this BibTeX entry cannot be read" in result.err


def test_bilingual_et_al_rule():
    from coursepress.bibliography import bilingual
    english = {"author": [{"family": "Zhao", "given": "W"}], "title": "A Survey"}
    chinese = {"author": [{"family": "王小明"}], "title": "大模型"}
    assert bilingual("ZHAO W, ZHOU K, LI J, 等. A Survey[J].", english) == "ZHAO W, ZHOU K, LI J, et al. A Survey[J]."
    assert bilingual("王小明, 李四, 张三, 等. 大模型[J].", chinese) == "王小明, 李四, 张三, 等. 大模型[J]."
    pinyin = {"author": [{"family": "Wang", "given": "X"}], "title": "Da moxing", "language": "zh-CN"}
    assert bilingual("WANG X, LI S, ZHANG S, 等. Da moxing[J].", pinyin) == "WANG X, LI S, ZHANG S, 等. Da moxing[J]."
    assert bilingual("王小明, 等. 大模型[J].", {**chinese, "language": "en"}) == "王小明, et al. 大模型[J]."


def test_citation_syntax_and_labels():
    from coursepress.citations import Citer, parse_citation
    from coursepress.errors import Problems, SourcePos
    assert parse_citation("@a") == [("a", "")]
    assert parse_citation("@key, p. 12") == [("key", "p. 12")]
    assert parse_citation("@a; @b.c") == [("a", ""), ("b.c", "")]
    assert parse_citation("see @a") is None and parse_citation("email me") is None
    citer = Citer(["a", "b", "c", "d"], Problems(False), True)
    at = SourcePos("x.md", 1)
    assert citer.cite([("c", "")], at).label == "[1]"
    assert citer.cite([("a", ""), ("b", ""), ("d", "")], at).label == "[2-4]"
    assert citer.cite([("c", ""), ("b", "")], at).label == "[1,3]"
    assert citer.cite([("a", "pp. 3-5")], at).label == "[2]³⁻⁵"


# ---------------------------------------------------------------- JSON schemas and docs

def test_committed_schemas_are_current():
    from coursepress.jsonschemas import FOLDER, render, schemas
    for name, schema in schemas().items():
        assert (FOLDER / name).read_text(encoding="utf-8") == render(schema), \
            f"{name} is stale: run python -m coursepress.jsonschemas"


def _plain(value):
    """YAML values as an editor's YAML 1.2 parser gives them to the schema (dates as text)."""
    import datetime as dt
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _yaml(text: str):
    from ruamel.yaml import YAML
    return _plain(YAML(typ="safe").load(text))


def test_schemas_validate_the_course_and_reject_a_misspelt_key():
    import jsonschema
    from coursepress.jsonschemas import FOLDER
    course_schema = json.loads((FOLDER / "course.schema.json").read_text(encoding="utf-8"))
    models_schema = json.loads((FOLDER / "models.schema.json").read_text(encoding="utf-8"))
    lecture_schema = json.loads((FOLDER / "lecture.schema.json").read_text(encoding="utf-8"))
    course = _yaml((REPO / "content/course.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(course, course_schema)
    jsonschema.validate(_yaml((REPO / "content/data/models.yaml").read_text(encoding="utf-8")), models_schema)
    scaffold = REPO / "coursepress/scaffold/content"
    jsonschema.validate(_yaml((scaffold / "course.yaml").read_text(encoding="utf-8")), course_schema)
    jsonschema.validate(_yaml((scaffold / "data/models.yaml").read_text(encoding="utf-8")), models_schema)
    for lecture in [*(REPO / "content/lectures").glob("*.md"), scaffold / "lectures/intro.md"]:
        front = lecture.read_text(encoding="utf-8").split("---\n")[1]
        jsonschema.validate(_yaml(front), lecture_schema)
    misspelt = {**course, "titel": course["title"]}
    with pytest.raises(jsonschema.ValidationError, match="titel"):
        jsonschema.validate(misspelt, course_schema)
    with pytest.raises(jsonschema.ValidationError, match="page_sise"):
        jsonschema.validate({**course, "handout": {"page_sise": "A4"}}, course_schema)
    with pytest.raises(jsonschema.ValidationError, match="ordr"):
        jsonschema.validate({"title": "x", "ordr": 1}, lecture_schema)


def _keys(model, seen=None) -> set[str]:
    """Every field name of a pydantic model and the models nested in it (internal fields excluded)."""
    import typing
    from pydantic import BaseModel
    from coursepress.schema import ReleaseDate
    seen = seen if seen is not None else {ReleaseDate}      # written as text (2024-05), not as fields
    keys = set()
    for name, info in model.model_fields.items():
        if name in ("line", "extra"):
            continue
        keys.add(name)
        stack = [info.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel) and tp not in seen:
                seen.add(tp)
                keys |= _keys(tp, seen)
            stack.extend(typing.get_args(tp))
    return keys


def test_every_setting_and_directive_option_is_documented():
    from coursepress.directives import DIRECTIVES
    from coursepress.reader import CONTAINERS
    from coursepress.schema import CourseMeta, FrontMatter, ModelData
    docs = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "docs").glob("*.md"))
    keys = _keys(CourseMeta) | _keys(ModelData) | _keys(FrontMatter)
    missing = sorted(k for k in keys if not re.search(rf"(^|\s|`){re.escape(k)}:", docs, re.M))
    assert not missing, f"settings not documented as 'key:' in docs/: {missing}"
    options = {o for opts in DIRECTIVES.values() for o in opts}
    assert not sorted(o for o in options if f":{o}:" not in docs), "directive options missing from docs/"
    assert not sorted(c for c in CONTAINERS if f"::: {c}" not in docs), "containers missing from docs/"


def test_model_table_sort_option(make_project):
    from coursepress.errors import ContentErrors
    from coursepress.load import load_course
    from coursepress.model import ModelTable

    def table_of(sort: str):
        root = make_project(name=f"s{abs(hash(sort))}", lecture=f"""\
            ---
            title: 排序
            ---

            # 一

            ```{{model-table}}
            :sort: {sort}
            ```
            """)
        course, _ = load_course(root)
        return next(b for b in course.lectures[0].sections[0].blocks if isinstance(b, ModelTable))

    assert [m.name for m in table_of("-parameters").models] == ["Beta-Pro", "Alpha-7B"]
    assert [m.name for m in table_of("parameters").models] == ["Alpha-7B", "Beta-Pro"]
    assert [m.name for m in table_of("release").models] == ["Beta-Pro", "Alpha-7B"]
    with pytest.raises(ContentErrors, match="cannot sort by 'relase'.*did you mean 'release'"):
        table_of("relase")


def test_watch_keeps_an_edit_too(make_project):
    """``watch`` lands each output on its own (``together=False``): the edit is kept there as well."""
    from coursepress.load import load_project
    from coursepress.pipeline import build
    from coursepress.project import locate
    from coursepress.writers import BuildSettings

    root = make_project()
    settings = BuildSettings(out_dir=root / "dist")
    project, course, _ = load_project(locate(root))
    build(project, course, ["pptx"], settings, workers=1, together=False)
    edited = _edit_deck(root / "dist/intro.pptx")
    results = build(project, course, ["pptx"], settings, force=True, workers=1, together=False)
    kept = list((root / "dist").glob("intro.edited-*.pptx"))
    assert len(kept) == 1 and kept[0].read_bytes() == edited
    assert [r.kept for r in results] == [kept[0]]


def test_csl_json_and_bibtex_types_give_gbt_codes(make_project):
    """CSL JSON works like BibTeX; @inproceedings → [C], @online → [EB/OL] with its access date."""
    from coursepress.load import load_course

    csl = json.dumps([
        {"id": "conf", "type": "paper-conference", "title": "Language Models are Few-Shot Learners",
         "author": [{"family": "Brown", "given": "Tom"}], "container-title": "NeurIPS 2020",
         "publisher-place": "Vancouver", "publisher": "Curran", "issued": {"date-parts": [[2020]]},
         "page": "1877-1901"},
        {"id": "web", "type": "webpage", "title": "通义千问", "author": [{"family": "阿里云"}],
         "issued": {"date-parts": [[2023]]}, "accessed": {"date-parts": [[2023, 11, 30]]},
         "URL": "https://example.org/qwen"},
    ], ensure_ascii=False, indent=1)
    root = make_project(name="cslj", course=textwrap.dedent("""\
        title: t
        author: a
        date: 2024-01-15
        version: "1"
        bibliography: refs.json
        """), lecture="---\ntitle: x\n---\n\n# 一\n\n见 [@web] 与 [@conf]。\n", files={"content/refs.json": csl})
    course, _ = load_course(root)
    refs = course.lectures[0].references
    assert [(r.number, r.key) for r in refs] == [(1, "web"), (2, "conf")]
    assert refs[0].text.startswith("阿里云. 通义千问[EB/OL]. (2023)[2023-11-30]. https://example.org/qwen")
    assert refs[0].url == "https://example.org/qwen"
    assert refs[1].text == "BROWN T. Language Models are Few-Shot Learners[C]//NeurIPS 2020. Vancouver: Curran, 2020: 1877-1901."
    bib = BIB.replace("@article{vaswani2017", "@inproceedings{vaswani2017").replace("journal =", "booktitle =")
    root = _bib_project(make_project, bib=bib, lecture="---\ntitle: x\n---\n\n# 一\n\n[@vaswani2017; @uncited]\n")
    course, _ = load_course(root)
    texts = [r.text for r in course.lectures[0].references]
    assert "Attention Is All You Need[C]//Advances in Neural Information Processing Systems" in texts[0]
    assert texts[1].startswith("周枫. 一篇没有被引用的网页[EB/OL]. (2023)[2023-11-30]. https://example.org/x")


def test_an_edited_output_of_a_deleted_lecture_is_kept(make_project):
    second = "---\ntitle: 第二讲\n---\n\n# 二\n\n正文。\n"
    root = make_project(name="del", files={"content/lectures/second.md": second})
    assert run_build("pptx", "--project", str(root)).code == 0
    edited = _edit_deck(root / "dist/second.pptx")
    (root / "content/lectures/second.md").unlink()
    result = run_build("pptx", "--project", str(root))
    assert result.code == 0, result.err
    assert not (root / "dist/second.pptx").exists()
    kept = list((root / "dist").glob("second.edited-*.pptx"))
    assert len(kept) == 1 and kept[0].read_bytes() == edited
    assert f"kept as {kept[0].name}" in result.err


def test_a_csl_json_entry_of_the_wrong_shape_is_an_error_at_its_line(make_project):
    csl = '[\n {"id": "ok", "type": "book", "title": "好书"},\n {"id": "bad", "type": "book", "title": "坏书",\n  "issued": "2023"}\n]\n'
    root = make_project(name="badcsl", course=textwrap.dedent("""\
        title: t
        author: a
        date: 2024-01-15
        version: "1"
        bibliography: refs.json
        """), lecture="---\ntitle: x\n---\n\n# 一\n\n[@ok; @bad]\n", files={"content/refs.json": csl})
    result = run_build("check", "--project", str(root))
    assert result.code == 1 and "internal error" not in result.err
    assert "content/refs.json:3: entry 'bad' cannot be formatted" in result.err


def test_csl_setting_names_a_style_file_or_a_shipped_style(make_project):
    from coursepress.errors import ContentErrors
    from coursepress.load import load_course

    style = (REPO / "templates/csl/gb-t-7714-2015-numeric.csl").read_text(encoding="utf-8")
    mine = style.replace('<text value="M"/>', '<text value="MONO"/>')      # a recognisably different style
    lecture = "---\ntitle: x\n---\n\n# 一\n\n[@li2019]\n"
    root = make_project(name="cslfile", lecture=lecture, course=textwrap.dedent("""\
        title: t
        author: a
        date: 2024-01-15
        version: "1"
        bibliography: refs.bib
        csl: styles/mine.csl
        """), files={"content/refs.bib": BIB, "content/styles/mine.csl": mine})
    course, _ = load_course(root)
    assert "统计学习方法[MONO]" in course.lectures[0].references[0].text
    (root / "content/course.yaml").write_text((root / "content/course.yaml").read_text(encoding="utf-8")
                                              .replace("csl: styles/mine.csl", "csl: gb-t-7714"), encoding="utf-8")
    with pytest.raises(ContentErrors, match=r"content/course.yaml:6:6: no citation style named 'gb-t-7714'"):
        load_course(root)


def test_course_yaml_references_still_work_in_gbt_form():
    """The older ``references:`` list: cited as [](#ref-id), listed in GB/T form, author names parsed."""
    from coursepress.load import load_course
    course, _ = load_course(REPO)
    refs = {r.key: r.text for r in course.lectures[0].references}
    assert refs["survey"].startswith("ZHAO W X, et al. A Survey of Large Language Models[EB/OL]. (2023). https://")
    assert refs["zhoufeng"].startswith("周枫. 当我们谈论大模型时，应该关注哪些新能力？[EB/OL]")


@pytest.mark.slow
def test_a_non_editable_install_carries_templates_fonts_and_the_command(tmp_path):
    """Item 1: a wheel of this checkout, installed into a fresh virtual environment (system packages for the
    dependencies), gives a ``coursepress`` command whose init + build work from any folder."""
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    wheel = next(wheels.glob("coursepress-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    installed = subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([str(venv / "bin/python"), "-c", "import coursepress.templating as t; print(t.TOOL_ROOT)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    tool_root = Path(where.stdout.strip())
    assert tool_root.is_relative_to(venv), where           # the installed copy, not a checkout
    assert (tool_root / "templates/handout/handout.html.j2").is_file()
    assert any((tool_root / "assets/fonts").glob("*.otf"))
    command = str(venv / "bin/coursepress")
    assert subprocess.run([command, "init", "c"], cwd=tmp_path, env=env, timeout=300).returncode == 0
    result = subprocess.run([command, "pdf"], cwd=tmp_path / "c" / "content", env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert norm("[2] 李航. 统计学习方法[M]") in norm("".join(page_texts(tmp_path / "c/dist/intro.pdf")))


def test_check_counts_its_warnings_instead_of_saying_no_problems(make_project):
    """``check`` with a warning (a filter value no model has) says how many, never "no problems found"."""
    root = make_project(lecture="""\
        ---
        title: 检查
        ---

        # 表

        ```{model-table}
        :filter: family=Alpha,Claud
        ```
        """)
    result = run_build("check", "--project", str(root))
    assert result.code == 0, result.err
    assert "warning:" in result.err
    assert "no problems found" not in result.out
    assert re.search(r"ok: .*\b[1-9]\d* warning\(s\), no errors", result.out), result.out
