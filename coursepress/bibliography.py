"""The course bibliography: BibTeX or CSL JSON in, GB/T 7714-2015 (or any CSL style) out.

``bibliography: refs.bib`` in ``content/course.yaml`` names a BibTeX file (a
Zotero or JabRef export; parsed with bibtexparser 2) or a CSL JSON file
(``.json``), relative to ``content/`` and inside it. The entries of the older
``references:`` list of course.yaml join the same database. Entries are
formatted by citeproc-py with a CSL style: ``csl:`` in course.yaml names a
``.csl`` file in the project, or the name of a style in ``templates/csl/`` (the
project's first, then the tool's); the default is ``gb-t-7714-2015-numeric``
(GB/T 7714-2015, its sequential numbering system). Every problem is a
:class:`~coursepress.errors.ContentError` at its file and line.

All of this runs while the course is loaded; writers get formatted plain text
(:class:`~coursepress.model.BibEntry`), no citeproc objects.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from . import bibcache
from . import model as m
from .errors import ContentError, Problems, SourcePos
from .layout import CONTENT
from .cjk import is_wide
from .resources import read_project_file, resolve_path

DEFAULT_STYLE = "gb-t-7714-2015-numeric"
MAX_BIB_BYTES = 8 * 1024 * 1024

# BibTeX / BibLaTeX entry type → CSL type (CSL 1.0.2 appendix I; biblatex manual §2.1)
_TYPES = {"article": "article-journal", "book": "book", "mvbook": "book", "booklet": "book", "manual": "book",
          "inbook": "chapter", "incollection": "chapter", "inproceedings": "paper-conference",
          "conference": "paper-conference", "proceedings": "book", "phdthesis": "thesis",
          "mastersthesis": "thesis", "thesis": "thesis", "techreport": "report", "report": "report",
          "online": "webpage", "www": "webpage", "electronic": "webpage", "patent": "patent",
          "standard": "standard", "dataset": "dataset", "software": "software", "newspaper": "article-newspaper",
          "unpublished": "manuscript", "misc": "document"}
# BibTeX field → CSL variable (plain text variables)
_FIELDS = {"title": "title", "journal": "container-title", "journaltitle": "container-title",
           "booktitle": "container-title", "publisher": "publisher", "school": "publisher",
           "institution": "publisher", "organization": "publisher", "address": "publisher-place",
           "location": "publisher-place", "volume": "volume", "edition": "edition", "pages": "page",
           "url": "URL", "doi": "DOI", "isbn": "ISBN", "note": "note", "series": "collection-title",
           "language": "language", "langid": "language", "howpublished": "medium"}
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass
class Source:
    """One entry before formatting: its key, CSL JSON item and where it is defined."""

    key: str
    item: dict
    pos: SourcePos


@dataclass
class Bibliography:
    """Every entry the course may cite (key → :class:`Source`) and the CSL style file to format them with."""

    entries: dict[str, Source] = field(default_factory=dict)
    style: Optional[Path] = None
    locale: str = "zh-CN"
    file: str = ""

    def _check_items(self, keys: list[str], items: list[dict]) -> None:
        """Raise ContentErrors naming each entry citeproc-py cannot read (a name or date of the wrong shape)."""
        from citeproc.source.json import CiteProcJSON

        from .errors import ContentErrors

        problems = []
        for key, item in zip(keys, items):
            try:
                CiteProcJSON([item])
            except Exception as exc:                 # noqa: BLE001 — citeproc-py raises whatever the data provokes
                problems.append(ContentError(self.entries[key].pos, f"entry '{key}' cannot be formatted "
                                             f"({type(exc).__name__}: {exc})", "names must be lists of "
                                             "{family, given} and dates {\"date-parts\": [[YYYY, M, D]]} "
                                             "(export the file again as CSL JSON)"))
        if problems:
            raise ContentErrors(problems)

    def format(self, keys: list[str]) -> list[str]:
        """Formatted entries (plain text, no leading ``[n]``) for ``keys``, in that order (citation order).

        Raises:
            ContentError: the style cannot be read (at course.yaml).
            ContentErrors: entries citeproc-py cannot read, each at its line.
        """
        if not keys:
            return []
        ids = {key: f"k{index}" for index, key in enumerate(keys)}
        items = [{**self.entries[key].item, "id": ids[key]} for key in keys]
        cache_key = bibcache.key(items, Path(str(self.style)), self.locale)
        kept = bibcache.lookup(cache_key, len(keys))      # formatted in an earlier build: no citeproc
        if kept is None:
            kept = self._format(keys, ids, items)
            bibcache.store(cache_key, kept)
        return [bilingual(text, self.entries[key].item) for key, text in zip(keys, kept)]

    def _format(self, keys: list[str], ids: dict[str, str], items: list[dict]) -> list[str]:
        """The texts citeproc-py formats for ``items`` (ids ``ids`` of ``keys``), in ``keys`` order."""
        from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
        from citeproc.source.json import CiteProcJSON

        with warnings.catch_warnings():          # citeproc-py warns of CSL features it ignores
            warnings.simplefilter("ignore")
            self._check_items(keys, items)
            try:
                style = CitationStylesStyle(str(self.style), locale=self.locale, validate=False)
            except Exception as exc:             # lxml or citeproc: a broken .csl file
                raise ContentError(SourcePos("content/course.yaml"), f"citation style '{Path(str(self.style)).name}' "
                                   f"cannot be read ({exc})", "name a valid CSL 1.0 style file") from None
            bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
            for key in keys:
                bib.register(Citation([CitationItem(ids[key])]))
            # the style's own number (its place in the style's order) is dropped: writers print ours
            texts = {entry.key: re.sub(rf"^\s*\[?{place}\]?\.?\s*", "", str(text))
                     for place, (entry, text) in enumerate(zip(bib.items, bib.bibliography()), 1)}
        return [texts.get(ids[key], "") for key in keys]


def cited_entries(bib: Bibliography, keys: list[str]) -> tuple[m.BibEntry, ...]:
    """The model's entries for ``keys`` (a lecture's citation order): numbered from 1, formatted.

    Raises:
        ContentError, ContentErrors: see :meth:`Bibliography.format`.
    """
    texts = bib.format(keys)
    return tuple(m.BibEntry(key, number, f"ref-{key}", text, bib.entries[key].item.get("URL"))
                 for number, (key, text) in enumerate(zip(keys, texts), 1))


def bilingual(text: str, item: dict) -> str:
    """GB/T 7714-2015 §8.1.2: more than three authors end in U+7B49 (the Chinese "and others") for Chinese
    entries, "et al." for others.

    The CSL style prints the term of its one locale (zh-CN: U+7B49) for every entry;
    an entry in another language gets "et al." instead. The language is the entry's
    ``language`` field when it has one (zh…, chinese), else Chinese when its authors
    or title hold a CJK character.
    """
    language = str(item.get("language", "")).lower()
    if language:                             # the entry says (BibTeX langid/language, CSL language)
        chinese = language.startswith(("zh", "chinese", "\u4e2d\u6587"))   # "Chinese"
    else:
        # the authors' names, less a last name U+7B49 ("and others", see _authors)
        names = " ".join(str(n.get("family", "")) + str(n.get("given", "")) + str(n.get("literal", ""))
                         for n in item.get("author", []) if isinstance(n, dict) and n.get("family") != "\u7b49")
        chinese = any(is_wide(ch) for ch in names + str(item.get("title", "")))
    if chinese:
        return text
    return re.sub(r",\s*\u7b49(?=[.,])", ", et al", text, count=1)   # U+7B49 "and others"


def _name(parts) -> dict:
    """bibtexparser ``NameParts`` → a CSL name (family/given; a CJK or one-part name is a family name only)."""
    family = " ".join(parts.von + parts.last).strip()
    given = " ".join(parts.first + parts.jr).strip()
    return {"family": family, "given": given} if given else {"family": family}


def _date(value: str) -> Optional[dict]:
    match = _DATE.match(value.strip())
    if not match:
        return None
    return {"date-parts": [[int(g) for g in match.groups() if g]]}


def _from_bibtex(entry) -> dict:
    """One bibtexparser entry (names split) → a CSL JSON item (without ``id``)."""
    fields = {f.key.lower(): f.value for f in entry.fields}
    kind = entry.entry_type.lower()
    csl_type = _TYPES.get(kind, "document")
    if csl_type == "document" and fields.get("url"):
        csl_type = "webpage"
    item: dict[str, Any] = {"type": csl_type}
    for name, variable in _FIELDS.items():
        value = fields.get(name)
        if isinstance(value, str) and value.strip() and variable not in item:
            item[variable] = value.strip().replace("--", "-")
    if kind == "article" and fields.get("number"):
        item["issue"] = str(fields["number"])
    elif fields.get("number"):
        item["number"] = str(fields["number"])
    for role in ("author", "editor", "translator"):
        value = fields.get(role)
        if isinstance(value, list) and value:
            item[role] = [_name(p) if hasattr(p, "last") else {"literal": str(p)} for p in value]
    issued = _date(str(fields.get("date", ""))) if fields.get("date") else None
    if issued is None and str(fields.get("year", "")).strip().isdigit():
        parts = [int(str(fields["year"]).strip())]
        month = str(fields.get("month", "")).strip().lower()[:3]
        if month.isdigit() or month in _MONTHS:
            parts.append(int(month) if month.isdigit() else _MONTHS[month])
        issued = {"date-parts": [parts]}
    if issued:
        item["issued"] = issued
    accessed = _date(str(fields.get("urldate", "")))
    if accessed:
        item["accessed"] = accessed
    return item


def _read_bibtex(text: str, file: str, problems: Problems) -> list[Source]:
    import bibtexparser
    from bibtexparser import middlewares as mw
    from bibtexparser.model import DuplicateBlockKeyBlock

    library = bibtexparser.parse_string(text, append_middleware=[
        mw.LatexDecodingMiddleware(), mw.SeparateCoAuthors(), mw.SplitNameParts()])
    for block in library.failed_blocks:
        pos = SourcePos(file, (block.start_line or 0) + 1)
        if isinstance(block, DuplicateBlockKeyBlock):
            problems.error(pos, f"entry key '{block.key}' is defined twice", "rename or remove one of them")
        else:
            reason = str(getattr(block, "error", "")).strip().splitlines()
            problems.error(pos, "this BibTeX entry cannot be read" + (f": {reason[-1]}" if reason else ""),
                           "check its braces, commas and quotes (export the file again from Zotero if unsure)")
    return [Source(e.key, _from_bibtex(e), SourcePos(file, (e.start_line or 0) + 1)) for e in library.entries]


def _read_csl_json(text: str, file: str, problems: Problems) -> list[Source]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.error(SourcePos(file, exc.lineno, exc.colno), f"not valid JSON ({exc.msg})",
                       "export the file again as CSL JSON")
        return []
    if not isinstance(data, list):
        problems.error(SourcePos(file, 1), "a CSL JSON file must be a list of entries", "export it as CSL JSON")
        return []
    sources = []
    for item in data:
        key = item.get("id") if isinstance(item, dict) else None
        match = re.search(r'"id"\s*:\s*"?' + re.escape(str(key)), text) if key is not None else None
        pos = SourcePos(file, text.count("\n", 0, match.start()) + 1 if match else 0)
        if not isinstance(key, (str, int)) or not isinstance(item.get("type"), str):
            problems.error(pos, "a CSL JSON entry needs an \"id\" and a \"type\"", "export the file again as CSL JSON")
            continue
        sources.append(Source(str(key), {k: v for k, v in item.items() if k != "id"}, pos))
    return sources


def _authors(text: str) -> list[dict]:
    """``Wayne Xin Zhao, Kun Zhou`` and a trailing U+7B49 ("and others") → CSL names: a CJK name is a family
    name, a Western one "Given Family"; a trailing U+7B49 / et al. becomes a last name U+7B49 (printed as
    GB/T writes it)."""
    text = text.strip()
    more = re.search(r"\s*(\u7b49|et\s+al\.?)$", text)   # U+7B49 "and others" or et al.
    if more:
        text = text[:more.start()]
    names = []
    # names are split at , ; "and", the full-width comma, the ideographic comma and the full-width semicolon
    for name in filter(None, (n.strip() for n in re.split(r"\s*(?:[,\uff0c\u3001;\uff1b]|\band\b)\s*", text))):
        if any(is_wide(ch) for ch in name) or " " not in name:
            names.append({"family": name})
        else:
            given, family = name.rsplit(" ", 1)
            names.append({"family": family, "given": given})
    return names + ([{"family": "\u7b49"}] if more else [])   # U+7B49


def _from_reference(ref) -> dict:
    """A course.yaml ``references:`` entry → a CSL JSON item."""
    item: dict[str, Any] = {"type": "webpage" if ref.url else "document", "title": ref.title}
    if ref.authors:
        item["author"] = _authors(ref.authors)
    if ref.year:
        item["issued"] = {"date-parts": [[ref.year]]}
    if ref.url:
        item["URL"] = ref.url
    return item


def _style_path(root: Path, meta, meta_doc, problems: Problems) -> Optional[Path]:
    from .templating import search_path

    name = meta.csl or DEFAULT_STYLE
    if name.endswith(".csl"):
        try:
            return resolve_path(root, root / CONTENT, name, meta_doc.pos(("csl",)), "citation style")
        except ContentError as exc:
            problems.errors.append(exc)
            return None
    for folder in search_path(root):
        path = Path(folder) / "csl" / f"{name}.csl"
        if path.is_file():
            return path
    problems.error(meta_doc.pos(("csl",)), f"no citation style named '{name}'",
                   f"use {DEFAULT_STYLE}, or name a .csl file in the project")
    return None


def load_bibliography(root: Path, meta, meta_doc, problems: Problems) -> Bibliography:
    """Read ``bibliography:`` and ``references:`` of course.yaml into one :class:`Bibliography`.

    Problems (unreadable file, parse errors at their line, duplicate keys) go to ``problems``.
    """
    bib = Bibliography(locale="en-US" if meta.language.startswith("en") else "zh-CN")
    sources: list[Source] = []
    if meta.bibliography:
        pos = meta_doc.pos(("bibliography",))
        try:
            path = resolve_path(root, root / CONTENT, meta.bibliography, pos, "bibliography")
            if not path.is_relative_to((root / CONTENT).resolve()):
                raise ContentError(pos, f"bibliography '{meta.bibliography}' is outside content/",
                                   "keep it under content/ (so editing it rebuilds the handouts)")

            def too_big(size: int):
                raise ContentError(pos, f"bibliography is larger than {MAX_BIB_BYTES // 2**20} MB", "split it")
            text = read_project_file(root, path, pos, "bibliography", MAX_BIB_BYTES, too_big).decode("utf-8-sig")
        except ContentError as exc:
            problems.errors.append(exc)
            text = None
        except UnicodeDecodeError as exc:
            problems.error(pos, f"bibliography '{meta.bibliography}' is not UTF-8 text ({exc.reason})",
                           "export it again as UTF-8 (Zotero: Unicode (UTF-8))")
            text = None
        if text is not None:
            bib.file = path.resolve().relative_to(root.resolve()).as_posix()
            reader = _read_csl_json if path.suffix.lower() == ".json" else _read_bibtex
            sources = reader(text, bib.file, problems)
    for index, ref in enumerate(meta.references):
        sources.append(Source(ref.id, _from_reference(ref), meta_doc.pos(("references", index))))
    for source in sources:
        if source.key in bib.entries:
            problems.error(source.pos, f"reference key '{source.key}' is defined twice "
                           f"(also at {bib.entries[source.key].pos})", "rename or remove one of them")
            continue
        if not str(source.item.get("title", "")).strip():
            problems.error(source.pos, f"entry '{source.key}' has no title", "add a title field")
        bib.entries[source.key] = source
    if bib.entries or meta.csl:
        bib.style = _style_path(root, meta, meta_doc, problems)
    return bib
