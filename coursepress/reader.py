"""Markdown → document model, once per lecture.

Reads the token stream of :mod:`coursepress.markdown` into the frozen nodes of
:mod:`coursepress.model`: numbers headings (``numbering.part``/1.1/1.3.1),
figures (``numbering.figure``) and tables (``numbering.table``), resolves
cross-references, images (through the resource gate) and data directives, and
reports every problem with file and line.
"""

from __future__ import annotations

import re

from dataclasses import replace as dc_replace
from pathlib import Path
from typing import Optional

from markdown_it.token import Token

from . import model as m
from .code import lex
from .directives import CHART_KINDS, parse_directive, select_models, sort_models, table_columns, option_pos
from .errors import ContentError, ContentErrors, Problems, SourcePos
from .bibliography import Bibliography, cited_entries
from .citations import Citer
from .inlines import InlineReader
from .admonitions import TITLED, box_of, empty_box_hint
from .d2lbook import move_labels
from .deflists import read_definitions
from .mathtex import tex_position, tex_problems
from .htmltables import close_style_gaps
from .imagespaces import bracket_spaced_paths
from .mdsource import closed_too_late, matching_close, probable_end, protect_table_pipes, unclosed_fences
from .messages import Messages, default_messages
from .numbering import CAPTION_PREFIX, ID_SUFFIX, heading_anchors, heading_depths, number_tokens, table_caption, typed_number, TypedNumbers
from .paragraphs import inline_picture, read_html_block, read_paragraph, task_item
from .hygiene import check_text, decode, line_col, strip_terminal_codes
from .limits import check_bytes, over
from .resources import read_project_file
from .schema import CourseMeta, FrontMatter, ModelData
from .texlabels import split_tag
from .validation import validate
from .yamlsource import load_yaml

CONTAINERS = {"note", "tip", "warning", "notes", "slides", "handout", "incremental", "columns", "column"}
EDITOR_KEYS = "typora-"      # front-matter keys an editor keeps for itself (typora-copy-images-to, typora-root-url)
CONTENTS_MARKS = ("[toc]", "[[_toc_]]", "[[toc]]")   # Typora, GitLab, VuePress: "a table of contents here"
PAUSE = ". . ."   # a paragraph of its own: the deck waits for a click (Pandoc's and Quarto's pause)
# Nesting limits: deeper structures are refused with a message rather than
# dropped (markdown-it) or overflowing the recursion of the writers. Lists,
# quotes and ::: blocks count one level each (inline limit: inlines.py).
# Real lecture notes rarely go past 4.
MAX_BLOCK_DEPTH = 20
# A fence whose info string starts with a name in braces is a directive, with an argument after it or not
# (MyST's ```{include} file```): a name myst.py does not read is an unknown directive, not a code language.
_DIRECTIVE_INFO = re.compile(r"\{([^{}]*)\}")
_NESTING_BLOCKS = {"bullet_list", "ordered_list", "blockquote", "container_div"}


class LectureReader:
    """Reads one lecture file into a :class:`~coursepress.model.Lecture`.

    Args:
        root: project root (resources must stay inside it).
        path: the lecture's Markdown file.
        meta: the course metadata (references for ``#ref-`` cross-references).
        data: the validated model data for directives.
        data_ok: False when the data file failed to load (``data`` is then empty).
        course_ok: False when course.yaml or its bibliography failed: citations are
            not checked or formatted (the lecture is read for its own problems only).
        md: the configured parser from :func:`coursepress.markdown.make_parser`.
        problems: collects errors and warnings.
        bib: the course bibliography (entries citable as ``[@key]``, see :mod:`coursepress.bibliography`).
    """

    def __init__(self, root: Path, path: Path, meta: CourseMeta, data: ModelData, md, problems: Problems,
                 bib: Optional[Bibliography] = None, data_ok: bool = True, course_ok: bool = True,
                 words: Optional[Messages] = None):
        self.root, self.path, self.meta, self.data, self.md, self.problems = root, path, meta, data, md, problems
        self.words = words if words is not None else default_messages()   # labels: numbering.table, .figure, .equation
        self.bib = bib if bib is not None else Bibliography()
        # when the data file failed, directives are checked against no models: their model problems are not reported
        self.data_problems = problems if data_ok else Problems(problems.strict)
        self.file = path.resolve().relative_to(root.resolve()).as_posix()
        self.limits = meta.limits.value()
        self.labels: dict[str, str] = {}
        self.footnotes: dict[int, tuple[m.Block, ...]] = {}
        self.footnote_refs: list[m.FootnoteRef] = []
        self._numbers: dict[int | tuple[int, int], tuple[str, str]] = {}   # token index (, picture) → (number, id)
        self.course_ok = course_ok
        self._typed = TypedNumbers(meta.markdown.strip_typed_numbers)   # numbers typed at headings' starts
        self._in_columns = 0                            # depth of ":::: columns" blocks being read
        self.citer = Citer(self.bib.entries, problems if course_ok else Problems(problems.strict),
                           bool(meta.bibliography))
        self.inline = InlineReader(md, problems, self.pos, self.labels, self.footnotes, self.footnote_refs, self.citer)
        self.inline.picture = lambda inline, tok, line: inline_picture(self, inline, tok, line)

    def pos(self, token: Optional[Token]) -> SourcePos:
        line = token.map[0] + 1 if token is not None and token.map else 0
        return SourcePos(self.file, line)

    # ------------------------------------------------------------ entry point
    def read(self) -> Optional[m.Lecture]:
        """Parse and convert; returns None if errors were recorded."""
        pos = SourcePos(self.file)
        try:
            text = decode(read_project_file(self.root, self.path, pos, "lecture", self.limits.bytes("lecture_mb"),
                                            lambda size: check_bytes(pos, "lecture file", size, self.limits,
                                                                     "lecture_mb", "split it into two lectures")),
                          self.file)
        except ContentError as exc:
            self.problems.errors.append(exc)
            return None
        before = len(self.problems.errors)
        if "\x00" in text:
            self.problems.error(SourcePos(self.file, *line_col(text, text.index("\x00"))),
                                "file contains NUL bytes: it is not a text file", "save the lecture as UTF-8 text")
            return None
        text = strip_terminal_codes(text)        # a notebook's coloured outputs (hygiene.py)
        bad = check_text(text, self.file)        # characters no output can hold, each at its line
        if bad:
            self.problems.errors.extend(bad)
            return None
        # the byte-order mark Windows editors (Notepad, Typora) write first is not text: kept, it hid the front
        # matter (read as a heading, "--- title: …" printed in the running header)
        text = text.removeprefix("\ufeff")
        text, table_problems = protect_table_pipes(text)
        for problem in table_problems:
            self.problems.error(SourcePos(self.file, problem.line), problem.message, problem.hint)
        if self.meta.markdown.raw_html:
            text = close_style_gaps(text)       # a DataFrame's <style> stays in its HTML block (htmltables.py)
        text = move_labels(text)        # d2lbook's :label: lines (d2lbook.py)
        text, path_problems = bracket_spaced_paths(text, self.path.parent)
        for problem in path_problems:
            self.problems.warn(SourcePos(self.file, problem.line), problem.message, problem.hint)
        env: dict = {}
        self.inline.source_lines = tuple(text.splitlines())
        tokens = self.md.parse(text, env)
        self._lines = text.splitlines()
        for problem in unclosed_fences(tokens, self._lines):
            self.problems.error(SourcePos(self.file, problem.line), problem.message, problem.hint)
        if text.lstrip("\ufeff").startswith("---") and tokens and tokens[0].type == "hr" and tokens[0].map == [0, 1]:
            self.problems.error(SourcePos(self.file, 1), "front matter starts here but is never closed",
                                "add a line '---' after the last 'key: value' line")
            return None
        self._unused_footnotes(env, text)
        if not self._depth_ok(tokens) or not self._sizes_ok(tokens):
            return None
        front = self._front_matter(tokens)
        self._token_index = {id(t): i for i, t in enumerate(tokens)}
        settings = self.meta.markdown
        lecture_number = (front.order if front else 0) if settings.heading_numbers == "lecture" else None
        self._numbers = number_tokens(tokens, self._set_label, self._warn_at, lecture_number, settings.raw_html,
                                      self.words)
        self._depths = heading_depths(tokens)
        self.inline.anchors = heading_anchors(tokens, self._numbers)     # links written for GitHub or Typora
        body = [t for t in tokens if t.type != "front_matter"]
        self._collect_footnotes(body)
        blocks = self._blocks(body, 0, len(body))
        self._typed.report(self.problems.warn)
        if front is None or len(self.problems.errors) > before:
            return None
        if not blocks:
            self.problems.error(SourcePos(self.file, 1), "the lecture has no content", "write at least a heading and a paragraph")
            return None
        preamble, sections = _nest(blocks)
        references = self._references() if self.course_ok else ()
        if references is None:
            return None
        return m.Lecture(name=self.path.stem, meta=front, source=self.path, file=self.file, preamble=tuple(preamble),
                         sections=tuple(sections), footnotes=tuple(self.footnote_refs),
                         references=references)

    def _references(self) -> Optional[tuple[m.BibEntry, ...]]:
        """The entries this lecture cites, numbered in citation order and formatted; None on error."""
        try:
            return cited_entries(self.bib, self.citer.order)
        except ContentErrors as exc:
            self.problems.errors.extend(exc.errors)
        except ContentError as exc:
            self.problems.errors.append(exc)
        return None

    def _depth_ok(self, tokens: list[Token]) -> bool:
        """False (with an error at the first offending line) if blocks nest deeper than MAX_BLOCK_DEPTH."""
        depth = 0
        for tok in tokens:
            if tok.type.removesuffix("_open") in _NESTING_BLOCKS and tok.nesting == 1:
                depth += 1
                if depth > MAX_BLOCK_DEPTH:
                    self.problems.error(self.pos(tok), f"lists, quotes and ::: blocks nested more than "
                                        f"{MAX_BLOCK_DEPTH} levels deep", "flatten the structure")
                    return False
            elif tok.type.removesuffix("_close") in _NESTING_BLOCKS and tok.nesting == -1:
                depth -= 1
        return True

    def _sizes_ok(self, tokens: list[Token]) -> bool:
        """False (with errors at their lines) if a paragraph is over ``paragraph_kb`` or the lecture
        has more than ``headings`` headings (see :mod:`coursepress.limits`)."""
        headings = 0
        ok = True
        for index, tok in enumerate(tokens):
            if tok.type == "heading_open":
                headings += 1
                if headings == self.limits.headings + 1:
                    count = sum(t.type == "heading_open" for t in tokens)
                    self.problems.errors.append(over(self.pos(tok), f"the number of headings in {self.file}", count,
                                                     self.limits, "headings", "split the lecture"))
                    ok = False
            elif tok.type == "paragraph_open" and index + 1 < len(tokens):
                size = len(tokens[index + 1].content.encode("utf-8"))
                try:
                    check_bytes(self.pos(tok), "this paragraph", size, self.limits, "paragraph_kb",
                                "break it into paragraphs")
                except ContentError as exc:
                    self.problems.errors.append(exc)
                    ok = False
        return ok

    def _front_matter(self, tokens: list[Token]) -> Optional[FrontMatter]:
        token = next((t for t in tokens if t.type == "front_matter"), None)
        if token is None:   # no front matter: the first heading, else the file name, is the title
            first = next((tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"), "")
            return FrontMatter(title=ID_SUFFIX.sub("", first).strip() or self.path.stem)
        try:
            doc = load_yaml(token.content, self.file, line_offset=1)
        except ContentError as exc:
            self.problems.errors.append(exc)
            return None
        if isinstance(doc.value, dict) and any(str(key).startswith(EDITOR_KEYS) for key in doc.value):
            # Typora writes its own settings into the front matter (where to copy pasted images): not ours
            doc = dc_replace(doc, value={k: v for k, v in doc.value.items() if not str(k).startswith(EDITOR_KEYS)})
        return validate(doc, FrontMatter, self.problems)

    def _warn_at(self, tok: Token, message: str, hint: str) -> None:
        self.problems.warn(self.pos(tok), message, hint)

    def _set_label(self, ident: str, label: str, tok: Token) -> None:
        """Record what a cross-reference to ``ident`` prints; an id used twice is an error."""
        if ident in self.labels:
            self.problems.error(self.pos(tok), f"id '{ident}' is used twice", "give each figure, table and heading its own id")
        self.labels[ident] = label

    # ------------------------------------------------------------ footnotes
    def _unused_footnotes(self, env: dict, text: str) -> None:
        """Warn about footnote definitions no ``[^label]`` refers to (they would vanish)."""
        for key, ident in env.get("footnotes", {}).get("refs", {}).items():
            if ident == -1:
                label = key.lstrip(":")
                line = next((n for n, ln in enumerate(text.splitlines(), 1) if ln.lstrip().startswith(f"[^{label}]:")), 0)
                self.problems.warn(SourcePos(self.file, line), f"footnote [^{label}] is defined but never referenced",
                                   f"add [^{label}] where the note belongs, or delete the definition")

    def _collect_footnotes(self, tokens: list[Token]) -> None:
        for i, tok in enumerate(tokens):
            if tok.type == "footnote_open":
                depth, j = 1, i + 1
                while depth:
                    depth += {"footnote_open": 1, "footnote_close": -1}.get(tokens[j].type, 0)
                    j += 1
                inner = [t for t in tokens[i + 1:j - 1] if t.type != "footnote_anchor"]
                self.footnotes[tok.meta["id"]] = tuple(self._blocks(inner, 0, len(inner)))

    # ------------------------------------------------------------ blocks
    def _blocks(self, tokens: list[Token], start: int, end: int) -> list[m.Block]:
        out: list[m.Block] = []
        i = start
        skip_caption: set[int] = set()
        while i < end:
            tok = tokens[i]
            close = matching_close(tokens, i) if tok.nesting == 1 else i
            kind = tok.type
            if kind == "footnote_block_open" or i in skip_caption:
                i = close + 1
                continue
            if kind == "heading_open":
                number, ident = self._numbers.get(self._index(tok), ("", ""))
                inline = tokens[i + 1]
                children = self.inline.read(inline)
                if children and isinstance(children[-1], m.Text):
                    children[-1] = m.Text(ID_SUFFIX.sub("", children[-1].text).rstrip())
                at = self.pos(tok)
                children = typed_number(children, self._typed.strip, lambda message, hint: None,
                                        lambda typed: self._typed.add(at, typed))
                depth = self._depths.get(self._index(tok), int(tok.tag[1]))
                out.append(m.Heading(depth, number, ident, tuple(children), self.pos(tok)))
            elif kind == "paragraph_open" and tokens[i + 1].content.strip() == PAUSE:
                out.append(m.Only("pause", (), self.pos(tok)))
            elif kind == "paragraph_open" and tokens[i + 1].content.strip().lower() in CONTENTS_MARKS:
                self.problems.warn(self.pos(tok), f"'{tokens[i + 1].content.strip()}' asks an editor for a table of "
                                   "contents; the handout prints its own contents page, so this line is left out",
                                   "delete the line ('handout: {toc: false}' in course.yaml leaves the contents out)")
            elif kind == "paragraph_open":
                out.extend(self._paragraph(tokens[i + 1], tok))
            elif kind in ("bullet_list_open", "ordered_list_open"):
                items = []
                j = i + 1
                while j < close:
                    item_close = matching_close(tokens, j)
                    items.append(m.ListItem(task_item(tuple(self._blocks(tokens, j + 1, item_close)))))
                    j = item_close + 1
                start_no = int(tok.attrs.get("start", 1)) if kind == "ordered_list_open" else 1
                out.append(m.ListBlock(kind == "ordered_list_open", start_no, tuple(items), self.pos(tok)))
            elif kind == "blockquote_open":
                out.append(m.BlockQuote(tuple(self._blocks(tokens, i + 1, close)), self.pos(tok)))
            elif kind in ("fence", "code_block"):
                block = self._fence(tok)
                if block is not None:          # None: a bad formula, reported
                    out.append(block)
            elif kind == "math_block":
                formula = self._math_block(tok, tok.content, tok.meta.get("column", 0))
                if formula is not None:
                    out.append(formula)
            elif kind == "table_open":
                cap_tok, _ = table_caption(tokens, i)
                after = next((k for k in range(close, end) if tokens[k] is cap_tok), None)
                if after is not None:       # a caption paragraph after the table
                    skip_caption.add(after - 1)
                out.append(self._table(tokens, i, close, cap_tok))
            elif kind == "container_div_open":
                block = self._container(tokens, i, close)
                if block is not None:
                    out.append(block)
            elif kind == "hr":
                out.append(m.Rule(self.pos(tok)))
            elif kind == "html_block":
                out.extend(read_html_block(self, tok))
            elif kind == "dl_open":
                out.extend(read_definitions(self, tokens, i, close))
            i = close + 1
        return [b for b in out if b is not None]

    def blocks_of(self, tokens: list[Token], start: int, end: int) -> list[m.Block]:
        """The blocks of ``tokens[start:end]`` (for readers of constructs inside others: deflists.py)."""
        return self._blocks(tokens, start, end)

    def _index(self, tok: Token) -> int:
        return self._token_index.get(id(tok), -1)

    def _paragraph(self, inline: Token, opener: Token) -> list[m.Block]:
        if inline.content.startswith(":::"):
            self.problems.error(self.pos(opener), f"unknown or malformed container '{inline.content.splitlines()[0]}'",
                                f"use ::: followed by one of {', '.join(sorted(CONTAINERS))}")
        return read_paragraph(self, inline, opener)

    def numbers_of(self, tok: Token, k: int) -> tuple[str, str]:
        """(number, id) of the k-th picture of the paragraph (inline token) or HTML block ``tok``."""
        return self._numbers.get((self._index(tok), k), ("0", ""))

    def _math_block(self, tok: Token, tex: str, column: int) -> Optional[m.MathBlock]:
        """A display formula; its TeX is checked here so ``check`` finds every bad formula."""
        pos = self.pos(tok)
        if tok.type == "math_block" and not tok.meta.get("closed", True):
            self.problems.error(pos, "'$$' opens a display formula that is never closed",
                                "end the formula with a line '$$' (or '$$ {#eq-id}' to number it)")
            return None
        number, ident = self._numbers.get(self._index(tok), ("0", ""))
        first = pos.line + (1 if tok.type == "fence" or not column else 0)
        blanked, bare, tag = split_tag(tex)     # a \tag is text printed at the right margin, not math
        for problem in tex_problems(blanked, display=True):
            where = tex_position(tex, problem.offset, SourcePos(pos.file, first, column), self.inline.source_lines)
            self.problems.error(where, f"in display formula: {problem.message}", problem.hint)
        return m.MathBlock(bare, int(number), ident, pos, column, tag=tag)

    def _fence(self, tok: Token) -> Optional[m.Block]:
        pos = self.pos(tok)
        info = tok.info.strip()
        if info.split(maxsplit=1)[:1] == ["math"]:
            return self._math_block(tok, tok.content.strip("\n"), 0)
        directive = _DIRECTIVE_INFO.match(info)
        if directive is None:
            language = info.split()[0] if info else ""
            known, _ = lex(tok.content, language)   # lexed once while loading: the forked writers find it cached
            if not known:
                self.problems.warn(pos, f"unknown code language '{language}': the block is shown as plain text",
                                   "use a Pygments language name (python, bash, json …), or 'text' for output")
            return m.CodeBlock(tok.content, language, pos)
        call = parse_directive(directive.group(1).strip(), tok.content, pos, self.problems)
        if call is None:
            return None
        number, ident = self._numbers.get(self._index(tok), ("0", ""))
        caption = tuple(self.inline.text(call.options.get("caption", ""), tok))
        models = select_models(call, self.data, self.data_problems)
        if call.name == "model-table":
            columns = table_columns(call, self.data, self.data_problems)
            models = sort_models(call, models, self.data_problems)
            slide_columns = table_columns(call, self.data, self.data_problems, "slide-columns")
            return m.ModelTable(models, columns, caption, int(number), ident, pos, slide_columns=slide_columns)
        kind = call.options.get("kind", "")
        if kind not in CHART_KINDS:
            self.problems.error(option_pos(call, "kind"), f"unknown chart kind '{kind}'",
                                f"use :kind: with one of {', '.join(CHART_KINDS)}")
            return None
        alt = call.options.get("alt", "").strip()
        if not alt:
            self.problems.error(pos, "chart has no alt text", "add ':alt: <what the chart shows>'")
        return m.Chart(kind, models, caption, alt, int(number), ident, pos)

    def _table(self, tokens: list[Token], i: int, close: int, cap_tok: Optional[Token]) -> m.Table:
        header: list[m.Cell] = []
        rows: list[tuple[m.Cell, ...]] = []
        row: list[m.Cell] = []
        row_tokens: list[Token] = []
        for j in range(i, close):
            tok = tokens[j]
            if tok.type == "tr_open":
                row, row_tokens = [], []
            elif tok.type in ("th_open", "td_open"):
                style = str(tok.attrs.get("style", ""))
                align = style.split(":")[-1] if style else ""
                row_tokens.append(tokens[j + 1])
                if not any(t is cap_tok for t in row_tokens):
                    row.append(m.Cell(tuple(self.inline.read(tokens[j + 1])), align))
            elif tok.type == "tr_close":
                if any(t is cap_tok for t in row_tokens):
                    continue                # the caption line written right under the rows
                if tokens[j - 1].type == "th_close":
                    header = row
                else:
                    rows.append(tuple(row))
        number, ident = self._numbers.get(self._index(tokens[i]), ("0", ""))
        caption: tuple[m.Inline, ...] = ()
        if cap_tok is not None:
            text = ID_SUFFIX.sub("", CAPTION_PREFIX.sub("", cap_tok.content))
            caption = tuple(self.inline.text(text, cap_tok))
        return m.Table(tuple(header), tuple(rows), self.pos(tokens[i]), int(number), ident, caption)

    def _container(self, tokens: list[Token], i: int, close: int) -> Optional[m.Block]:
        tok = tokens[i]
        name, _, title = tok.info.strip().partition(" ")
        pos = self.pos(tok)
        box = box_of(name) if name not in CONTAINERS else None
        kind = name
        if box is not None:         # MkDocs, MyST and GitHub kinds (admonitions.py)
            name, kind = box
            if not title.strip() and kind in TITLED and self.words.has(f"handout.{kind}"):
                title = self.words(f"handout.{kind}")
        if name not in CONTAINERS:
            self.problems.error(pos, f"unknown container '::: {name}'",
                                f"use one of: {', '.join('::: ' + c for c in sorted(CONTAINERS))}")
            return None
        closed_early = closed_too_late(tokens, i) if not tokens[close].markup else None
        if closed_early is not None:
            self.problems.error(SourcePos(self.file, closed_early.line), closed_early.message, closed_early.hint)
            return None
        if not tokens[close].markup:
            self.problems.error(pos, f"'::: {name}' is never closed, so it swallows the rest of the file",
                                f"add a line ':::' where the block ends{probable_end(self._lines, pos.line - 1)}")
            return None
        heading = next((t for t in tokens[i + 1:close] if t.type == "heading_open"), None)
        if heading is not None:
            self.problems.error(self.pos(heading), f"a heading inside '::: {name}' (opened on line {pos.line})",
                                "close the ::: block before the heading")
            return None
        if name == "column" and not self._in_columns:
            self.problems.error(pos, "a '::: column' block outside ':::: columns'",
                                "put the two '::: column' blocks inside a ':::: columns' block (four colons)")
            return None
        self._in_columns += name == "columns"
        try:
            inner = tuple(self._blocks(tokens, i + 1, close))
        finally:
            self._in_columns -= name == "columns"
        if not inner:
            written, hint = empty_box_hint(tok.markup, kind)
            self.problems.error(pos, f"{written} block is empty", hint)
            return None
        if name == "notes":
            return m.Notes(inner, pos)
        if name == "columns" and (len(inner) != 2 or not all(isinstance(b, m.Only) and b.target == "column"
                                                               for b in inner)):
            self.problems.error(pos, f"':::: columns' holds {len(inner)} block(s); it takes exactly two "
                                "'::: column' blocks and nothing else (the two-column slide layout)",
                                "write ':::: columns', then '::: column' … ':::' twice, then '::::'")
            return None
        if name in ("slides", "handout", "incremental", "columns", "column"):   # incremental: every output, revealed step by step in the deck
            return m.Only(name, inner, pos)
        return m.Admonition(name, title.strip(), inner, pos)




def _nest(blocks: list[m.Block]) -> tuple[list[m.Block], list[m.Section]]:
    """Group a flat block list into sections by heading level."""
    preamble: list[m.Block] = []
    index = 0
    while index < len(blocks) and not isinstance(blocks[index], m.Heading):
        preamble.append(blocks[index])
        index += 1

    def build(level: int) -> list[m.Section]:
        nonlocal index
        sections: list[m.Section] = []
        while index < len(blocks):
            heading = blocks[index]
            if not isinstance(heading, m.Heading) or heading.level < level:
                return sections
            index += 1
            own: list[m.Block] = []
            while index < len(blocks) and not isinstance(blocks[index], m.Heading):
                own.append(blocks[index])
                index += 1
            below = blocks[index] if index < len(blocks) else None
            subs = build(heading.level + 1) if isinstance(below, m.Heading) and below.level > heading.level else []
            sections.append(m.Section(heading, tuple(own), tuple(subs)))
        return sections

    return preamble, build(1)
