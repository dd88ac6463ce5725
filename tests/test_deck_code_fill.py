"""A long code block on slides (a new user's 70-line PyTorch example, tests/cases/attention-code): the
paragraph that introduces it shares the first slide with its first lines, and each slide it continues
on is filled (its code panel reaches at least 75 % down the text frame, the last slide excepted), split
only between statements. Read back from the PPTX: paragraphs, shape names and geometry in EMU."""

from __future__ import annotations

from pptx import Presentation

from conftest import CASES, run_build
from test_code import _code_paragraphs
from test_deck import title_of

LEAD_IN = "下面是一个完整的 PyTorch 实现，可以直接运行"
FILL = 0.75


def test_long_code_keeps_its_lead_in_and_fills_its_slides(make_project):
    lecture = (CASES / "attention-code" / "lecture.md").read_text(encoding="utf-8")
    source = lecture.split("```python\n", 1)[1].split("```", 1)[0].splitlines()
    root = make_project(lecture=lecture)
    out = root / "out"
    result = run_build("pptx", "--project", str(root), "--out", str(out))
    assert result.code == 0 and "Traceback" not in result.err, result.err
    prs = Presentation(str(out / "intro.pptx"))
    slides = []                                  # (slide, its code lines from the python block)
    for slide in prs.slides:
        code: list[str] = []
        for text, _runs in _code_paragraphs(slide):
            if text.lstrip().startswith("↪ ") and code:            # a wrapped line's continuation
                code[-1] += text.lstrip()[2:]
            else:
                code.append(text)
        code = [text for text in code if text in source and text.strip()]
        if code:
            slides.append((slide, code))
    shown = [line for _slide, code in slides for line in code]
    assert shown == [line for line in source if line.strip()]          # every line, once, in order
    assert len(slides) >= 3, "the block should need several slides: the test proves nothing"

    first, first_code = slides[0]
    body = next(shape for shape in first.shapes if shape.has_text_frame
                and first_code[0] in [p.text for p in shape.text_frame.paragraphs])
    texts = [p.text for p in body.text_frame.paragraphs]
    at = texts.index(first_code[0])
    assert at >= 1 and texts[at - 1].rstrip("：:") == LEAD_IN, texts[:3]   # the lead-in right above its code

    for index, (slide, code) in enumerate(slides[:-1]):
        body = next(shape for shape in slide.shapes if shape.has_text_frame
                    and code[0] in [p.text for p in shape.text_frame.paragraphs])
        panels = [shape for shape in slide.shapes if shape.name.startswith("Code panel")]
        assert panels, title_of(slide)
        frame_top = body.top + body.text_frame.margin_top
        frame_height = body.height - body.text_frame.margin_top - body.text_frame.margin_bottom
        bottom = max(panel.top + panel.height for panel in panels)
        # the first slide also holds the lead-in, and its next statement boundary (the class's forward,
        # its "if" after a comment and the line it comments) would need 18 lines: 70 % there
        assert (bottom - frame_top) / frame_height >= (FILL - 0.05 if index == 0 else FILL), \
            (title_of(slide), len(code), code[0])

    for (_slide, before), (slide, code) in zip(slides, slides[1:]):
        assert title_of(slide).endswith("（续）")
        first_line = code[0].strip()
        assert not first_line.startswith(("else", "elif", "except", "finally", ")", "]", "}")), first_line
        assert not before[-1].split("#")[0].rstrip().endswith((":", "(", "[", "{", ",")), before[-1]
        assert not before[-1].lstrip().startswith("#"), before[-1]        # a comment stays with its code
