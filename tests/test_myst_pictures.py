"""MyST (Jupyter Book) picture directives and directives with an argument (issue 20, sixth session, second
reading): ```` ```{figure} path ```` printed its options and caption as a code block and left the picture out
of every output with only an "unknown code language" warning; ```` ```{include} file ```` did the same and
read nothing, without an error. Also a d2lbook label that is no id the project reads."""

from __future__ import annotations

import io

import pypdf
import pytest
from pptx import Presentation

from conftest import run_build
from readback import handout_and_deck_text, norm

BODY = '''# 一

前文。

```{figure} images/a.png
:name: fig-attn
:width: 60%

注意力权重的热图
```

```{image} images/b.png
:alt: 第二张图
```

见 {numref}`fig-attn`。
'''
SIZES = {"a": (160, 90), "b": (70, 120)}


def _png(size: tuple[int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.slow
def test_myst_figure_and_image_are_numbered_figures_in_every_output(make_project):
    from PIL import Image

    root = make_project(lecture=BODY, files={f"content/lectures/images/{n}.png": _png(s) for n, s in SIZES.items()})
    out = root / "dist"
    result = run_build("pdf", "pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "warning" not in result.err, result.err
    reader = pypdf.PdfReader(str(out / "intro.pdf"))
    assert sorted({img.data: img.image.size for page in reader.pages for img in page.images}.values()) == \
        sorted(SIZES.values())
    prs = Presentation(str(out / "intro.pptx"))
    assert sorted(Image.open(io.BytesIO(s.image.blob)).size for slide in prs.slides for s in slide.shapes
                  if s.shape_type == 13) == sorted(SIZES.values())
    handout, slides, notes = (norm(text) for text in handout_and_deck_text(out))
    assert "图1注意力权重的热图" in handout and "图2第二张图" in handout
    assert "见图1。" in handout and ":name:" not in handout and ":width:" not in handout
    assert "注意力权重的热图" in slides + notes


def test_myst_directive_with_an_argument_it_does_not_read_is_an_error_at_its_line(make_project):
    root = make_project(lecture="# 一\n\n正文。\n\n```{include} other.md\n```\n\n```{figure}\n:name: fig-a\n说明\n```\n")
    result = run_build("check", "--project", str(root))
    assert result.code == 1 and "Traceback" not in result.err
    assert "content/lectures/intro.md:5: unknown directive '{include}'" in result.err, result.err
    assert "content/lectures/intro.md:8: unknown directive '{figure}'" in result.err, result.err   # no path


NESTED = '''# 一

````{note} 外层
框里的话。

```{code-cell} python
x = 1
```

```{math}
:label: eq-in
a = b
```
````

见 {eq}`eq-in`。
'''


def test_myst_directives_inside_a_myst_box_are_read(make_project):
    """A ``{code-cell}`` or ``{math}`` inside a ````{note}```` was left a fence: an unknown code language, a
    formula printed as code."""
    from coursepress import model as m
    from coursepress.load import load_course

    course, problems = load_course(make_project(lecture=NESTED))
    assert not problems.warnings, problems.warnings
    box, after = course.lectures[0].sections[0].blocks
    assert isinstance(box, m.Admonition) and box.title == "外层"
    kinds = [(type(b).__name__, b.pos.line) for b in box.blocks]
    assert kinds == [("Paragraph", 4), ("CodeBlock", 6), ("MathBlock", 10)], kinds
    code, formula = box.blocks[1], box.blocks[2]
    assert (code.language, code.text.strip()) == ("python", "x = 1")
    assert (formula.tex.strip(), formula.number, formula.ident) == ("a = b", 1, "eq-in")
    assert m.plain_text(after.children) == "见 (1)。"


def test_myst_boxes_nested_past_the_limit_are_an_error_not_a_crash(make_project):
    depth = 30
    body = "# 一\n\n" + "".join("`" * (3 + depth - k) + "{note}\n" for k in range(depth)) + "最里层。\n" + \
        "".join("`" * (3 + k + 1) + "\n" for k in range(depth))
    result = run_build("check", "--project", str(make_project(lecture=body)))
    assert result.code == 1 and "Traceback" not in result.err and "internal error" not in result.err, result.err
    assert "intro.md:23: lists, quotes and ::: blocks nested more than 20 levels deep" in result.err, result.err


def test_a_d2lbook_label_the_project_cannot_read_as_an_id_leaves_the_line_above_alone(make_project):
    """``:eqlabel:`eq.c``` under ``$$a=b$$`` made ``$$a=b$$ {#eq.c}``, which no longer closed the formula: the
    error said "'$$' opens a display formula that is never closed". The label stays text; a reference to it is
    an unknown id at its own line."""
    body = "# 一\n\n$$a=b$$\n:eqlabel:`eq.c`\n\n## 小节\n:label:`sec.a`\n\n见 :eqref:`eq.c`。\n"
    result = run_build("check", "--project", str(make_project(lecture=body)))
    assert result.code == 1 and "never closed" not in result.err, result.err
    errors = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert errors == ["error: content/lectures/intro.md:9: reference to unknown id 'eq.c'; check the id of the "
                      "figure, table, heading, formula or reference"], errors
