"""The document model: course → lecture → section → blocks → inlines.

Like Pandoc's AST or Sphinx's doctree, it holds no HTML and no python-pptx
objects. Every block keeps its source position. Writers read it; nothing in it
is rendered yet. Nodes carry a ``kind`` string so templates can dispatch on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

from .errors import BuildError, SourcePos
from .messages import Messages, default_messages
from .theme import Theme, default_theme
from .picturesize import PictureSize
from .resources import ImageData
from .schema import CourseMeta, Model, ModelData, FrontMatter

# ---------------------------------------------------------------- inlines


@dataclass(frozen=True)
class Text:
    text: str
    kind: str = "text"


@dataclass(frozen=True)
class Strong:
    children: tuple["Inline", ...]
    kind: str = "strong"


@dataclass(frozen=True)
class Emph:
    children: tuple["Inline", ...]
    kind: str = "emph"


@dataclass(frozen=True)
class Strike:
    children: tuple["Inline", ...]
    kind: str = "strike"


@dataclass(frozen=True)
class Code:
    text: str
    kind: str = "code"


@dataclass(frozen=True)
class Link:
    """A hyperlink; ``href`` is http(s), mailto or ``#id`` (internal)."""

    href: str
    children: tuple["Inline", ...]
    kind: str = "link"


@dataclass(frozen=True)
class XRef:
    """A cross-reference to a numbered figure, table, heading or reference.

    ``label`` is the resolved text (``numbering.figure`` 1, ``numbering.table`` 2, [1], 1.3.1),
    ``target`` the id.
    """

    target: str
    label: str
    kind: str = "xref"


@dataclass(frozen=True)
class FootnoteRef:
    """A footnote call; ``number`` is 1-based in the lecture, ``blocks`` its text.

    ``first`` is False for a later call of a footnote already cited: writers
    print the same mark again and show the text once (C24: marks 1, 1, 2).
    """

    number: int
    blocks: tuple["Block", ...]
    kind: str = "footnote"
    first: bool = True


@dataclass(frozen=True)
class Break:
    """A line break: ``hard`` for an explicit break, else a soft break (joins lines)."""

    hard: bool
    kind: str = "break"


@dataclass(frozen=True)
class RawHtml:
    """Sanitised inline HTML; only present when ``markdown.raw_html`` is on."""

    html: str
    kind: str = "raw_html"


@dataclass(frozen=True)
class Math:
    """An inline formula ``$…$``: ``tex`` exactly as written between the dollars (byte for byte),
    ``line``/``column`` (1-based) where the TeX starts in its file."""

    tex: str
    line: int = 0
    column: int = 0
    kind: str = "math"


@dataclass(frozen=True)
class Styled:
    """Text an author marked with HTML (``markdown.raw_html`` on): ``style`` is ``"sup"``
    (superscript), ``"sub"`` (subscript), ``"u"`` (underlined) or ``"kbd"`` (a key name, set in
    the monospace face); the tag names of HTML, which the handout writes back as they are."""

    style: str
    children: tuple["Inline", ...]
    kind: str = "styled"


STYLED_TAGS = ("sup", "sub", "u", "kbd")


@dataclass(frozen=True)
class Picture:
    """A picture inside a line of a heading, a table cell or a caption (an icon, a logo, a small
    screenshot): ``image`` as loaded, ``alt`` its description (never empty: the file name stands in),
    ``line`` where it is written. Not numbered: the handout shows it in the line, the deck (which
    cannot put a picture in a table cell or a title) on a picture slide right after. ``size``: the size its
    author asked for (an ``<img>``'s width, height or zoom), as for a :class:`Figure`."""

    image: ImageData
    alt: str
    line: int = 0
    kind: str = "picture"
    size: PictureSize = PictureSize()


@dataclass(frozen=True)
class BibEntry:
    """A formatted bibliography entry a lecture cites: ``number`` in citation order (1-based),
    ``ident`` the anchor (``ref-KEY``), ``text`` the entry in the course's citation style (plain
    text, without its number), ``url`` its web address if any (writers may link it)."""

    key: str
    number: int
    ident: str
    text: str
    url: Optional[str] = None


Inline = Union[Text, Strong, Emph, Strike, Code, Link, XRef, FootnoteRef, Break, RawHtml, Math, Styled, Picture]

# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``align`` is ``center``, ``right`` or ``""`` (HTML ``<p align=…>`` with raw_html on);
    ``continued``: the rest of a paragraph after a display formula or picture written inside it (set without
    a first-line indent, as LaTeX sets the text after a display)."""

    children: tuple[Inline, ...]
    pos: SourcePos
    kind: str = "paragraph"
    align: str = ""
    continued: bool = False


@dataclass(frozen=True)
class Heading:
    """A heading; ``level`` 1 is a part (``numbering.part``), ``number`` the formatted number."""

    level: int
    number: str
    ident: str
    children: tuple[Inline, ...]
    pos: SourcePos
    kind: str = "heading"

    @property
    def plain(self) -> str:
        return plain_text(self.children).strip()       # a picture after the title leaves no space


@dataclass(frozen=True)
class ListItem:
    blocks: tuple["Block", ...]


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    start: int
    items: tuple[ListItem, ...]
    pos: SourcePos
    kind: str = "list"


@dataclass(frozen=True)
class BlockQuote:
    blocks: tuple["Block", ...]
    pos: SourcePos
    kind: str = "blockquote"


@dataclass(frozen=True)
class CodeBlock:
    """A code block: ``text`` as written, ``language`` the fence's first info word ("" when none)."""

    text: str
    language: str
    pos: SourcePos
    kind: str = "code_block"

    @property
    def output(self) -> bool:
        """Whether the block is program or notebook output (```` ```text ````, ```` ```output ````)."""
        from .code import is_output

        return is_output(self.language)


@dataclass(frozen=True)
class MathBlock:
    """A display formula (``$$…$$`` or a ``math`` fence): ``tex`` as written, byte for byte;
    ``number`` its equation number (0: unnumbered; only formulas with an ``{#eq-id}`` are numbered),
    ``ident`` that id, ``column`` the 1-based column of the TeX on ``pos.line`` (0: unknown);
    ``tag`` the number a ``\\tag{x}`` gives it as printed, ``(x)`` (then ``number`` is 0 and ``tex`` holds no
    tag: :func:`coursepress.texlabels.split_tag`)."""

    tex: str
    number: int
    ident: str
    pos: SourcePos
    column: int = 0
    tag: str = ""
    kind: str = "math_block"

    @property
    def shown_number(self) -> str:
        """What the right margin prints: ``(3)``, the tag as printed, or "" for an unnumbered formula."""
        return f"({self.number})" if self.number else self.tag


@dataclass(frozen=True)
class Cell:
    children: tuple[Inline, ...]
    align: str = ""


@dataclass(frozen=True)
class Table:
    """A Markdown table. ``number``/``caption``/``ident`` are set when captioned."""

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    pos: SourcePos
    number: int = 0
    ident: str = ""
    caption: tuple[Inline, ...] = ()
    kind: str = "table"


@dataclass(frozen=True)
class Figure:
    """A numbered figure with an image; ``alt`` is required, ``caption`` may be empty; ``size`` the size its
    author asked for (an ``<img>``'s width, height or zoom; empty: its natural size, at most the column)."""

    image: ImageData
    alt: str
    caption: tuple[Inline, ...]
    number: int
    ident: str
    pos: SourcePos
    kind: str = "figure"
    size: PictureSize = PictureSize()


@dataclass(frozen=True)
class ModelTable:
    """A ``{model-table}`` directive: the selected ``models`` and ``columns`` to show; ``slide_columns``
    the columns the deck shows (``:slide-columns:``; empty: the deck chooses, see
    :func:`coursepress.writers.deck.data.slide_columns`)."""

    models: tuple[Model, ...]
    columns: tuple[str, ...]
    caption: tuple[Inline, ...]
    number: int
    ident: str
    pos: SourcePos
    kind: str = "model_table"
    slide_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chart:
    """A ``{chart}`` directive: a data figure drawn from ``models`` by chart ``chart``."""

    chart: str
    models: tuple[Model, ...]
    caption: tuple[Inline, ...]
    alt: str
    number: int
    ident: str
    pos: SourcePos
    kind: str = "chart"


@dataclass(frozen=True)
class Admonition:
    """A ``::: note|tip|warning`` box; ``title`` may be empty (the template names it)."""

    variant: str
    title: str
    blocks: tuple["Block", ...]
    pos: SourcePos
    kind: str = "admonition"


@dataclass(frozen=True)
class Only:
    """Content for one output only: ``target`` is ``slides`` or ``handout``; or ``incremental``: content
    of every output that the deck reveals one paragraph per click (``::: incremental``); or ``columns``:
    two ``column`` blocks the deck sets side by side on the two-column layout and print outputs one
    after the other (``:::: columns`` / ``::: column``); or ``pause`` (no blocks): a ``. . .`` line, where
    the deck waits for a click before showing what follows; print outputs ignore it."""

    target: str
    blocks: tuple["Block", ...]
    pos: SourcePos
    kind: str = "only"


@dataclass(frozen=True)
class Notes:
    """Speaker notes (``::: notes``); never printed in the handout."""

    blocks: tuple["Block", ...]
    pos: SourcePos
    kind: str = "notes"


@dataclass(frozen=True)
class Rule:
    pos: SourcePos
    kind: str = "rule"


@dataclass(frozen=True)
class HtmlBlock:
    """Sanitised block HTML; only present when ``markdown.raw_html`` is on."""

    html: str
    pos: SourcePos
    kind: str = "html_block"


Block = Union[Paragraph, Heading, ListBlock, BlockQuote, CodeBlock, Table, Figure, ModelTable,
              Chart, Admonition, Only, Notes, Rule, HtmlBlock, MathBlock]

# ---------------------------------------------------------------- structure


@dataclass(frozen=True)
class Section:
    """A heading with the blocks up to the next heading of the same or higher level."""

    heading: Heading
    blocks: tuple[Block, ...]
    subsections: tuple["Section", ...]

    def walk(self):
        """Yield this section and all nested sections, depth first."""
        yield self
        for sub in self.subsections:
            yield from sub.walk()


@dataclass(frozen=True)
class Lecture:
    """One lecture file: ``name`` is its file stem, ``preamble`` the blocks before the first heading,
    ``references`` the entries it cites, in citation order."""

    name: str
    meta: FrontMatter
    source: Path
    file: str
    preamble: tuple[Block, ...]
    sections: tuple[Section, ...]
    footnotes: tuple[FootnoteRef, ...]
    references: tuple["BibEntry", ...]
    estimate_notes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.meta.title

    def headings(self) -> list[Heading]:
        return [s.heading for top in self.sections for s in top.walk()]


@dataclass(frozen=True)
class Course:
    """The loaded course: metadata, lectures in order and the model data.

    ``words`` is the message catalogue of ``meta.language`` (:mod:`coursepress.messages`):
    every word an output prints that the author did not write; ``theme`` the font families and
    deck styles the writers name (:mod:`coursepress.theme`).
    """

    meta: CourseMeta
    lectures: tuple[Lecture, ...]
    data: ModelData
    words: Messages = field(default_factory=default_messages)
    theme: Theme = field(default_factory=default_theme)

    def lecture(self, name: str) -> Optional[Lecture]:
        """The lecture named ``name`` (its file stem), or None."""
        return next((lec for lec in self.lectures if lec.name == name), None)

    def built_lecture(self, name: Optional[str]) -> Lecture:
        """The lecture a per-lecture output (``Target.lecture``) is built from.

        Raises:
            BuildError: no lecture ``name`` was loaded (targets are made from the loaded lectures,
            so this is a bug in the caller, reported with the name).
        """
        found = self.lecture(name) if name is not None else None
        if found is None:
            raise BuildError(f"no lecture named '{name}' was loaded to build an output from")
        return found


def plain_text(inlines) -> str:
    """Concatenate the text of ``inlines`` (no markup, soft breaks as nothing/space)."""
    out: list[str] = []
    for node in inlines:
        if isinstance(node, (Text, Code)):
            out.append(node.text)
        elif isinstance(node, Math):
            out.append(node.tex)
        elif isinstance(node, XRef):
            out.append(node.label)
        elif isinstance(node, Break):
            out.append(" " if node.hard else "")
        elif isinstance(node, (FootnoteRef, RawHtml, Picture)):
            continue
        else:
            out.append(plain_text(node.children))
    return "".join(out)
