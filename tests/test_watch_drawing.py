"""``watch`` draws again only the handout pages it laid out again (issue 20): the other pages' drawings of
the last round are put in again (:mod:`coursepress.writers.pagedraws`), and the PDF is still, byte for
byte, the one a cold build of the same sources writes (both come from this code and the same libraries,
so this is not a golden file). The lecture has what a page's drawing shares with the other pages: a
contents page, figures (one picture on two pages), links, formulas (SVG: always drawn), running headers
and footers with page numbers, and glyphs first shown on one page and shown again on later ones."""

from __future__ import annotations

import re

from test_handout_flow import tall_png
from test_watch_relayout import SENTENCE, _handout_bytes

RARE = "鑫"       # shown in a caption of part 1 and in a paragraph of part 5: its width is measured on part 1


def _part(n: int, extra: str = "") -> str:
    body = "\n\n".join(SENTENCE * 4 for _ in range(4))
    figure = f'![第{n}张图](images/{"a" if n % 2 else "b"}.png "第{n}部分的图"){{#fig-{n}}}\n\n' if n != 3 else ""
    formula = "质能关系 $E = mc^2$ 与 $\\sum_{i=1}^{n} x_i$ 出现在这里。\n\n" if n == 3 else ""
    link = f"参见[第{n % 5 + 1}部分](#part{n % 5 + 1})和[综述](https://arxiv.org/abs/2303.18223)。\n\n"
    return (f"# 第{n}部分 {{#part{n}}}\n\n{extra}{link}{body}\n\n{figure}{formula}"
            f"## 第{n}部分的小节\n\n{body}\n")


def drawing_lecture() -> str:
    """Five parts (each opens a page; the handout has a contents page before them), figures, links, formulas;
    :data:`RARE` in part 1's figure caption (set smaller than the text) and in a paragraph of part 5."""
    front = "---\ntitle: 第一讲 绘制\nheader: 测试课程\nfooter: 内部资料\n---\n\n"
    parts = [_part(n, f"本部分提到{RARE}字。\n\n" if n == 5 else "") for n in range(1, 6)]
    parts[0] = parts[0].replace('"第1部分的图"', f'"第1部分的图{RARE}"')
    return front + "\n".join(parts)


def _drawn(layouts: dict) -> tuple[int, int]:
    drawn = layouts["pdf:intro"].drawn
    return drawn.drawn, drawn.reused


def _edit(root, old: str, new: str) -> None:
    lecture = root / "content/lectures/intro.md"
    text = lecture.read_text(encoding="utf-8")
    assert old in text, old
    lecture.write_text(text.replace(old, new, 1), encoding="utf-8")


def _project(make_project):
    import io

    from PIL import Image

    other = io.BytesIO()
    Image.new("RGB", (400, 260), (200, 120, 40)).save(other, "PNG")
    return make_project(lecture=drawing_lecture(), files={"content/lectures/images/a.png": tall_png(300, 300),
                                                           "content/lectures/images/b.png": other.getvalue()})


def test_kept_pages_are_not_drawn_again_and_every_round_gives_the_cold_pdf(make_project):
    root = _project(make_project)
    layouts: dict = {}
    _pdf, pages, how = _handout_bytes(root, layouts)
    assert pages >= 10 and how.startswith("laid out in full"), (pages, how)
    assert _drawn(layouts) == (pages, 0)
    more = "\n\n".join(SENTENCE * 4 for _ in range(3))
    edits = [   # (what, old, new)
        ("a word in part 1", "大语言模型在海量文本上训练", "大语言模型在大量文本上训练"),
        ("a glyph the PDF never showed, early on (every later glyph table moves)", "参见[第2部分]", "参见龘[第2部分]"),
        (f"{RARE} gone from the caption that measured its width (part 5 measures it now)",
         f'"第1部分的图{RARE}"', '"第1部分的图"'),
        ("paragraphs in part 2 (its page breaks move)", "# 第2部分 {#part2}\n\n",
         f"# 第2部分 {{#part2}}\n\n{more}\n\n"),
        ("a word again", "大语言模型在大量文本上训练", "大语言模型在巨量文本上训练"),
    ]
    for what, old, new in edits:
        _edit(root, old, new)
        again, pages_again, how = _handout_bytes(root, layouts)
        made = re.fullmatch(r"(\d+) page\(s\) laid out again", how)
        assert made, (what, how)
        drawn, reused = _drawn(layouts)
        assert drawn + reused == pages_again and reused >= pages_again - int(made[1]) - 1, (what, drawn, reused)
        cold, cold_pages, _ = _handout_bytes(root, None)
        assert pages_again == cold_pages and again == cold, what


def test_pages_with_formulas_are_drawn_every_round(make_project):
    """Drawing an SVG changes its node tree (a second drawing differs from the first), so a page with a
    formula is drawn in every round, as in a cold build; the pages without one are put in again."""
    root = _project(make_project)
    layouts: dict = {}
    _handout_bytes(root, layouts)
    for word in ("大量", "巨量"):       # in part 1: the formulas are in part 3
        _edit(root, "大语言模型在海量文本上训练", f"大语言模型在{word}文本上训练")
        _pdf, pages, how = _handout_bytes(root, layouts)
        made = re.fullmatch(r"(\d+) page\(s\) laid out again", how)
        assert made, how
        assert _drawn(layouts) == (int(made[1]) + 1, pages - int(made[1]) - 1), (how, _drawn(layouts))
        _edit(root, f"大语言模型在{word}文本上训练", "大语言模型在海量文本上训练")
        _handout_bytes(root, layouts)


def test_a_font_file_or_the_images_setting_changed_lays_out_and_draws_in_full(make_project):
    import shutil

    from conftest import REPO

    root = _project(make_project)
    face = root / "assets/fonts/DejaVuSansMono.ttf"
    face.parent.mkdir(parents=True)
    shutil.copy(REPO / "assets/fonts/DejaVuSansMono.ttf", face)
    layouts: dict = {}
    _pdf, pages, _how = _handout_bytes(root, layouts)
    course = root / "content/course.yaml"
    changes = [("a font file", lambda: face.write_bytes(face.read_bytes())),
               ("the images setting", lambda: course.write_text(course.read_text(encoding="utf-8") + "images:\n  dpi: 150\n",
                                                                encoding="utf-8"))]
    for serial, (what, change) in enumerate(changes):
        _edit(root, f"参见{serial - 1 if serial else ''}[第3部分]", f"参见{serial}[第3部分]")
        change()
        again, pages_again, how = _handout_bytes(root, layouts)
        assert how == "laid out in full (a font file or the images setting changed)", (what, how)
        assert _drawn(layouts) == (pages_again, 0), what
        cold, _pages, _ = _handout_bytes(root, None)
        assert again == cold, what


def test_a_page_is_put_in_again_only_with_the_glyph_widths_it_drew_with():
    """A glyph's width (which a page's kerning operators are computed from) is measured where the PDF
    first shows it. A kept drawing is put in again only when each of its glyphs' widths is the one it drew
    with, or is not measured yet and the page measured it itself; otherwise the page is drawn.
    (With the shipped fonts a width measured at another size comes out the same, so this is shown on
    the rule itself.)"""
    from types import SimpleNamespace

    from coursepress.writers.pagedraws import _Drawing, _put_in

    def attempt(widths: dict, own: bool) -> bool:
        page = SimpleNamespace(children=[])
        font = SimpleNamespace(widths=dict(widths), to_unicode={})
        stream = SimpleNamespace(_tags=None, _fonts={"k": font}, _resources={"ExtGState": {}}, stream=[])
        drawing = _Drawing(page, ((), ()), [], [b"BT"], [], [("k", [(7, "字", 500, own)])], [], [], None, [])
        done = _put_in(drawing, stream)
        assert done == (stream.stream == [b"BT"]) == (font.widths.get(7) == 500) == (font.to_unicode == {7: "字"})
        return done

    assert attempt({7: 500}, own=False) and attempt({7: 500}, own=True)      # drew with the width there now
    assert attempt({}, own=True)                # this page measured it: drawing it now measures the same
    assert not attempt({}, own=False)           # an earlier page measured it: this page might measure another
    assert not attempt({7: 501}, own=True) and not attempt({7: 501}, own=False)


def test_a_kept_page_whose_footer_changed_is_drawn(make_project):
    """An edit that adds a page: the pages before it keep their boxes, but their footers print another page
    total, so their margin boxes are made again (:mod:`coursepress.writers.marginkeep` keeps them only for
    the same page state) and the pages are drawn again, not put in as last round's."""
    from test_watch_relayout import long_lecture

    root = make_project(lecture=long_lecture())
    layouts: dict = {}
    _pdf, pages, _how = _handout_bytes(root, layouts)
    _edit(root, "海量文本", "大量文本")         # a round that keeps most pages, their margin boxes remembered
    _handout_bytes(root, layouts)
    kept_margins = layouts["pdf:intro"].margins
    assert kept_margins.made == pages      # the first round after a full layout makes every page's
    _edit(root, "大量文本", "巨量文本")
    _handout_bytes(root, layouts)
    assert kept_margins.kept >= pages - 3, (kept_margins.kept, kept_margins.made)
    more = "\n\n".join(SENTENCE * 4 for _ in range(6))
    _edit(root, "# 第3部分\n\n", f"# 第3部分\n\n{more}\n\n")
    again, pages_again, how = _handout_bytes(root, layouts)
    made = re.fullmatch(r"(\d+) page\(s\) laid out again", how)
    assert made and pages_again == pages + 1, (how, pages, pages_again)
    assert kept_margins.kept == 0, "a kept page's margin boxes show the old page total"
    drawn, reused = _drawn(layouts)
    assert drawn > int(made[1]) and drawn + reused == pages_again, (how, drawn, reused)
    cold, _pages, _ = _handout_bytes(root, None)
    assert again == cold
