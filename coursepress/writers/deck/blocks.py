"""Model blocks and inlines → plan paragraphs and runs (text only; tables, charts, figures are in data.py).

Lists keep their structure (C22): each item becomes a paragraph with its
outline level, its kind (bullet or number) and its number, so numbered lists
in notes and on slides are written with ``a:buAutoNum`` and nested bullets
with their level instead of being flattened into plain lines.
"""

from __future__ import annotations

from dataclasses import replace

from ... import model as m
from ...errors import SourcePos
from .code import code_paras
from .mathruns import inline_runs
from .nodes import Formula, Para, Run

FOOTNOTE_BASELINE = 30000      # DrawingML a:rPr/@baseline, thousandths of a percent: superscript
_LINKABLE = ("http://", "https://", "mailto:")


def runs_of(inlines, bold: bool = False, italic: bool = False, strike: bool = False, href: str = "",
            displaced: list | None = None, below: str = "") -> list[Run]:
    """Flatten inlines into runs, merging neighbours with the same formatting.

    A footnote call is its number raised (the handout's mark; :func:`footnote_notes`
    puts the text in the notes); ``<sup>``, ``<sub>``, ``<u>`` and ``<kbd>`` are raised,
    lowered, underlined and monospace runs; other raw HTML is left out; soft breaks
    join lines (Chinese text has no spaces between lines); hard breaks become
    ``"\\n"`` in the run text, written as ``a:br`` (C37).
    Inline formulas become runs with sub/superscripts (:mod:`.mathruns`); one that
    runs cannot express is appended to ``displaced`` (the caller shows it as a display
    formula) and leaves ``below`` in the text (the catalogue's ``deck.formula_below``, "see the
    formula below").
    """
    out: list[Run] = []

    def add(run: Run) -> None:
        if out and replace(out[-1], text="") == replace(run, text=""):
            out[-1] = replace(run, text=out[-1].text + run.text)
        elif run.text:
            out.append(run)

    for node in inlines:
        if isinstance(node, m.Math):
            runs = inline_runs(node.tex)
            if runs is None:
                if displaced is not None:
                    displaced.append(node)
                add(Run(below, bold, italic, strike, False, href))
            else:
                for text, baseline, math_italic, math_bold in runs:
                    add(Run(text, bold or math_bold, italic or math_italic, strike, False, href, baseline=baseline))
        elif isinstance(node, m.Text):
            add(Run(node.text, bold, italic, strike, False, href))
        elif isinstance(node, m.Code):
            add(Run(node.text, bold, italic, strike, True, href))
        elif isinstance(node, m.XRef):
            add(Run(node.label, bold, italic, strike, False, href))
        elif isinstance(node, m.FootnoteRef):     # the handout's mark, raised; its text is in the notes
            add(Run(str(node.number), bold, italic, strike, False, href, baseline=FOOTNOTE_BASELINE))
        elif isinstance(node, m.Break):
            if node.hard:
                add(Run("\n", bold, italic, strike, False, href))
        elif isinstance(node, m.Strong):
            for run in runs_of(node.children, True, italic, strike, href, displaced, below):
                add(run)
        elif isinstance(node, m.Emph):
            for run in runs_of(node.children, bold, True, strike, href, displaced, below):
                add(run)
        elif isinstance(node, m.Strike):
            for run in runs_of(node.children, bold, italic, True, href, displaced, below):
                add(run)
        elif isinstance(node, m.Styled):
            for run in runs_of(node.children, bold, italic, strike, href, displaced, below):
                add(_styled(run, node.style))
        elif isinstance(node, m.Link):
            target = node.href if node.href.startswith(_LINKABLE) else href
            for run in runs_of(node.children, bold, italic, strike, target, displaced, below):
                add(run)
    return out


# DrawingML a:rPr/@baseline of HTML <sup>/<sub> (thousandths of a percent; PowerPoint's own
# superscript and subscript buttons write these values).
_STYLED_BASELINE = {"sup": 30000, "sub": -25000}


def _styled(run: Run, style: str) -> Run:
    """``run`` formatted as HTML ``style`` marks it: raised, lowered, underlined or in the monospace face (kbd)."""
    if style in _STYLED_BASELINE:
        return replace(run, baseline=_STYLED_BASELINE[style])
    if style == "u":
        return replace(run, underline=True)
    return replace(run, code=True)


def _placed(paras: list[Para], block) -> list[Para]:
    """``paras`` with the source position of ``block`` where they have none yet."""
    pos = getattr(block, "pos", None)
    return [p if p.pos is not None or pos is None else replace(p, pos=pos) for p in paras]


def paras_of(blocks, level: int = 0, below: str = "") -> list[Para]:
    """Text paragraphs of ``blocks`` (lists keep level, kind and number; data blocks are skipped),
    each with the source position of the block it comes from; ``below`` stands where an inline
    formula was that text cannot express (see :func:`runs_of`)."""
    out: list[Para] = []
    pause = False
    for block in blocks:
        if is_pause(block):     # ". . .": the next paragraph starts a click
            pause = True
            continue
        paras = _placed(_block_paras(block, level, below), block)
        if pause and paras:
            paras[0] = replace(paras[0], pause=True)
            pause = False
        out.extend(paras)
    return out


def is_pause(block) -> bool:
    """Whether ``block`` is a ``. . .`` pause (:class:`coursepress.model.Only` with target "pause")."""
    return isinstance(block, m.Only) and block.target == "pause"


def displaced_paras(displaced: list, pos, level: int = 0) -> list[Para]:
    """Display-formula paragraphs for the inline formulas ``runs_of`` could not write as text."""
    return [Para((), level, formula=Formula(f.tex, SourcePos(pos.file, f.line, f.column) if pos else None,
                                            inline=True)) for f in displaced]


def _text_para(children, pos, level: int, bullet: str = "none", number: int = 0, below: str = "") -> list[Para]:
    """The paragraph of ``children``, then a display formula for each inline one text cannot express."""
    displaced: list[m.Math] = []
    runs = runs_of(children, displaced=displaced, below=below)
    return [Para(tuple(runs), level, bullet, number)] + displaced_paras(displaced, pos, level)


def _block_paras(block, level: int, below: str) -> list[Para]:
    if isinstance(block, m.Paragraph):
        paras = _text_para(block.children, block.pos, level, below=below)
        return [replace(paras[0], align=block.align), *paras[1:]] if block.align else paras
    if isinstance(block, m.MathBlock):
        return [Para((), level, formula=Formula(block.tex, block.pos, number=block.shown_number))]
    if isinstance(block, m.Heading):
        return [Para(tuple(runs_of(block.children, bold=True, below=below)), level)]
    if isinstance(block, m.ListBlock):
        return _list_paras(block, level, below)
    if isinstance(block, m.Only) and block.target == "incremental":   # one click per paragraph
        return [replace(p, step=True) for p in paras_of(block.blocks, level, below)]
    if isinstance(block, (m.BlockQuote, m.Only)):
        return paras_of(block.blocks, level, below)
    if isinstance(block, m.Admonition):
        title = [Para((Run(block.title, bold=True),), level)] if block.title else []
        return title + paras_of(block.blocks, level, below)
    if isinstance(block, m.CodeBlock):
        return code_paras(block)
    return []


def _list_paras(block: m.ListBlock, level: int, below: str) -> list[Para]:
    out: list[Para] = []
    kind = "number" if block.ordered else "bullet"
    for offset, item in enumerate(block.items):
        first = True
        for inner in item.blocks:
            if first and isinstance(inner, m.Paragraph):
                out.extend(_placed(_text_para(inner.children, inner.pos, level, kind, block.start + offset, below),
                                   inner))
                first = False
            elif isinstance(inner, m.ListBlock):
                if first:
                    out.append(Para((), level, kind, block.start + offset))
                    first = False
                out.extend(_list_paras(inner, level + 1, below))
            else:
                out.extend(paras_of([inner], level, below))
        if first:
            out.append(Para((), level, kind, block.start + offset))
    return out


def notes_of(blocks, below: str = "") -> tuple[Para, ...]:
    """Paragraphs of every ``::: notes`` block among ``blocks`` (also inside ``::: slides``)."""
    out: list[Para] = []
    for block in blocks:
        if isinstance(block, m.Notes):
            out.extend(paras_of(block.blocks, below=below))
        elif isinstance(block, m.Only) and block.target == "slides":
            out.extend(notes_of(block.blocks, below))
    return tuple(out)


def prose_notes(blocks, include_visible: bool, below: str = "") -> tuple[Para, ...]:
    """The section's handout prose as a script: ``::: handout`` text, and the visible prose if asked.

    ``include_visible`` is False when the visible prose is already on the slides.
    """
    out: list[Para] = []
    for block in blocks:
        if isinstance(block, m.Only) and block.target == "handout":
            out.extend(paras_of(block.blocks, below=below))
        elif include_visible and (isinstance(block, (m.Paragraph, m.ListBlock, m.BlockQuote, m.Admonition, m.MathBlock))
                                  or (isinstance(block, m.Only) and block.target in ("incremental", "columns"))):
            out.extend(paras_of([block], below=below))
    return tuple(p for p in out if p.plain.strip() or p.formula is not None)


def footnote_notes(blocks, below: str = "") -> tuple[Para, ...]:
    """The text of each footnote first cited in ``blocks`` after its number, raised as the mark in the
    text is (a slide has no foot; the notes show them): only the author's words and the number.

    Footnotes are cited inside paragraphs, headings, list items, quotes,
    containers and table cells; each appears once, where it is first cited.
    """
    out: list[Para] = []

    def inlines(nodes) -> None:
        for node in nodes:
            if isinstance(node, m.FootnoteRef) and node.first:
                text = [r for b in node.blocks if isinstance(b, m.Paragraph) for r in runs_of(b.children, below=below)]
                out.append(Para((Run(str(node.number), baseline=FOOTNOTE_BASELINE), Run(" "), *text)))
            elif hasattr(node, "children") and not isinstance(node, (m.Text, m.Code)):
                inlines(node.children)

    def walk(items) -> None:
        for block in items:
            if isinstance(block, (m.Paragraph, m.Heading)):
                inlines(block.children)
            elif isinstance(block, m.ListBlock):
                for item in block.items:
                    walk(item.blocks)
            elif isinstance(block, m.Table):
                for row in (block.header, *block.rows):
                    for cell in row:
                        inlines(cell.children)
            elif hasattr(block, "blocks"):
                walk(block.blocks)

    walk(blocks)
    return tuple(out)
