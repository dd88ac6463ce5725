"""Load and validate a course project once: ``content/`` → :class:`~coursepress.model.Course`.

Layout (see docs/content-format.md)::

    content/course.yaml, content/data/models.yaml, content/lectures/*.md

All problems of a load are collected and raised together as
:class:`~coursepress.errors.ContentErrors`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import partial
import difflib
import os
import re
from pathlib import Path
from typing import Any, Callable, Optional

from pydantic import ValidationError

from .bibliography import load_bibliography
from .errors import ContentError, ContentErrors, Problems, SourcePos, internal_error
from .hygiene import check_text, decode
from .markdown import make_parser
from .messages import Messages, default_messages, messages_for
from .theme import default_theme, theme_for
from .fonts import font_dirs, shipped_faces
from .imagecheck import decoding_on_threads
from .layout import LECTURES, lecture_file
from .lecturecache import context_digest, forget_after_errors, forget_gone, read_kept
from .model import Course, Lecture
from .project import Project, locate
from .reader import LectureReader
from .limits import DEFAULTS as DEFAULT_LIMITS, Limits, check_bytes, over
from .resources import inside, project_path, read_project_file, resolve_path
from .schema import SHOWN_FIELDS, CourseMeta, MarkdownSettings, Model, ModelData
from .validation import validate
from .yamlsource import YamlDoc, load_yaml


def _read_yaml(path: Path, root: Path, problems: Problems, parsed: Optional[dict],
               limits: Limits = DEFAULT_LIMITS) -> Optional[YamlDoc]:
    """The parsed YAML file, or None with the problem recorded; ``parsed``: see :func:`load_course`.

    The file passes the resource gate (a link out of the project, a FIFO … is an
    error at the file) and the ``data_mb`` and ``yaml_depth`` limits.
    """
    file = path.relative_to(root).as_posix()
    if not os.path.lexists(path):
        problems.error(SourcePos(file), "file is missing", "create it (see docs/content-format.md)")
        return None
    try:
        text = _read_text(root, path, file, limits)
        bad = check_text(text, file)
        if bad:
            problems.errors.extend(bad)
            return None
        if parsed is None:
            return load_yaml(text, file, max_depth=limits.yaml_depth)
        key = (file, limits.yaml_depth)
        if parsed.get(key, ("", None))[0] != text:
            parsed[key] = (text, load_yaml(text, file, max_depth=limits.yaml_depth))
        return parsed[key][1]
    except ContentError as exc:
        problems.errors.append(exc)
        return None
    except Exception as exc:              # noqa: BLE001 — a bug: reported as one, naming the file being read
        raise internal_error(exc, file) from exc


def _read_text(root: Path, path: Path, file: str, limits: Limits) -> str:
    """The text of ``path`` through the resource gate; errors at the first byte that is not UTF-8.

    Raises:
        ContentError: see :func:`resources.read_project_file`; not UTF-8 (:func:`hygiene.decode`).
    """
    pos = SourcePos(file)
    data = read_project_file(root, path, pos, "data file", limits.bytes("data_mb"), lambda size: check_bytes(
        pos, "the data file", size, limits, "data_mb", "split it"))
    return decode(data, file)


def _lecture_paths(folder: Path, root: Path, problems: Problems) -> list[Path]:
    """The lecture files under ``content/lectures``, sorted; a lectures folder linked out of the project
    or nowhere, and file names that are not UTF-8, are recorded as problems and left out."""
    if folder.is_symlink() and not folder.exists():
        problems.error(SourcePos("content/lectures"), "the lectures folder is a link that leads nowhere "
                       "(its target is missing, or the link points to itself)", "make content/lectures a folder")
        return []
    if folder.is_dir() and not inside(root, folder):
        problems.error(SourcePos("content/lectures"), f"the lectures folder is a link to {folder.resolve()}, "
                       "outside the project", "move the lecture files into the project's content/lectures folder")
        return []
    paths = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        shown = "content/lectures/" + os.fsencode(path.name).decode("utf-8", "backslashreplace")
        if not _utf8_name(path.name):
            problems.error(SourcePos(shown), "the file name is not UTF-8 text", "rename the file (letters, digits, - and _)")
        else:              # folders, link loops, links out of the project, FIFOs …: the resource gate, in the loop
            paths.append(path)
    return paths


def _utf8_name(name: str) -> bool:
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:         # undecodable bytes of the file name, kept as surrogates by Python
        return False


# Plain scalars a reader means as a number but YAML reads otherwise (C28): what each is and what to write.
_AMBIGUOUS_NUMBERS = (
    (re.compile(r"^[-+]?0\d+(?:\.\d*)?$"), "has a leading zero: YAML 1.1 tools read {raw} as an octal number, "
     "YAML 1.2 as {plain}", "write {plain}"),
    (re.compile(r"^[-+]?\d+(?::[0-5]?\d)+(?:\.\d*)?$"), "looks like a time or a ratio: YAML 1.1 tools read {raw} "
     "as the base-60 number {sexagesimal}", "write the number you mean, e.g. {sexagesimal}"),
    (re.compile(r"^[-+]?\d[\d_]*_[\d_]*(?:\.[\d_]*)?$"), "groups digits with '_': YAML 1.1 tools read {raw} as "
     "{plain}, YAML 1.2 as text", "write {plain} without separators"),
    (re.compile(r"^0[xXoObB][0-9a-fA-F_]+$"), "is a hexadecimal, octal or binary literal", "write the number in decimal"),
)
_NUMBER_FIELDS = ("parameters_b", "context_k")


def _ambiguous_number(raw: str) -> Optional[tuple[str, str]]:
    """(message, hint) if the plain scalar ``raw`` is a number written in a form YAML versions read differently."""
    for pattern, message, hint in _AMBIGUOUS_NUMBERS:
        if pattern.match(raw):
            plain = raw.replace("_", "").lstrip("+")
            plain = plain.lstrip("0") or "0" if re.match(r"^\d+$", plain) else plain
            sexagesimal = ""
            if ":" in raw:
                total = 0.0
                for part in raw.lstrip("+-").split(":"):
                    total = total * 60 + float(part)
                sexagesimal = f"{total:g}"
            values = {"raw": raw, "plain": plain, "sexagesimal": sexagesimal}
            return message.format(**values), hint.format(**values)
    return None


def _check_numbers(entry: dict, index: int, doc: YamlDoc, problems: Problems) -> None:
    """Refuse number fields written as ``012``, ``1:30``, ``1_000`` or ``0x10`` (C28), at their line."""
    name = entry.get("name", index + 1)
    for key in _NUMBER_FIELDS:
        value = entry.get(key)
        paths = [("models", index, key, k) for k in range(len(value))] if isinstance(value, list) \
            else [("models", index, key)]
        for path in paths:
            raw = doc.raw.get(path)
            found = _ambiguous_number(raw) if raw is not None else None
            if found:
                problems.error(doc.pos(path), f"model {name!r}, field '{key}': '{raw}' {found[0]}", found[1])
                entry[key] = None


def _derived(key: str, known: list[str]) -> bool:
    """True for a column named after a field with a word added (``open_icon``, ``release_note``): meant, not a typo."""
    return any(key.startswith(k + "_") or key.endswith("_" + k) for k in known)


def _prepare_models(value: dict, doc: YamlDoc, problems: Problems) -> dict:
    """Check the keys of every model, record lines, flag duplicate names, ambiguous numbers and gaps.

    A key that is not a schema field is an error with the field it probably
    meant (C26: ``contex_length`` → did you mean 'context_k'?) unless ``columns:``
    declares it; a file that declares ``columns:`` must declare every extra
    column, while in a file without ``columns:`` a key unlike any field (``license``,
    ``version``) is an extra text column with a warning at its first use (an error under
    ``--strict``) saying how to declare it: cases C27 and C28 keep such columns, so they
    cannot be refused outright, and they are never kept silently. A shown field that other
    models give but one leaves out is a warning (write ``field: null`` when
    unknown). Every problem of the file is reported, not only the first.
    """
    models = value.get("models")
    if not isinstance(models, list):
        return value
    known = [k for k in Model.model_fields if k not in ("extra", "line")]
    columns = value.get("columns")
    declared = {c for c in columns if isinstance(c, str)} if isinstance(columns, list) else set()
    given = {key for entry in models if isinstance(entry, dict) for key in entry}
    seen: dict[str, int] = {}
    undeclared_told: set[str] = set()
    prepared = []
    for index, entry in enumerate(models):
        if not isinstance(entry, dict):
            prepared.append(entry)
            continue
        entry = dict(entry)
        label = entry.get("name", index + 1)
        extra: dict[str, str] = {}
        for key in [k for k in entry if k not in known]:
            pos = doc.key_positions.get(("models", index, key), doc.pos(("models", index)))
            close = [] if _derived(key, known) else difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            if key not in declared and (close or columns is not None):
                hint = (f"did you mean '{close[0]}'?" if close else
                        f"if '{key}' is a column of its own, declare it at the top of the file "
                        f"(columns: [{key}]); the known fields are {', '.join(known)}")
                problems.error(pos, f"unknown field '{key}' in model {label!r}", hint)
                entry.pop(key)
                continue
            if key not in declared and key not in undeclared_told:
                undeclared_told.add(key)
                problems.warn(pos, f"'{key}' is not a field of a model, so it is kept as an extra column "
                              f"'{key}'", f"declare it at the top of the file (columns: [{key}]) if it is one; "
                              f"the known fields are {', '.join(known)}")
            raw = entry.pop(key)
            if isinstance(raw, (list, dict)):
                problems.error(pos, f"extra column '{key}' must be a single value", "write it as text")
                continue
            extra[key] = "" if raw is None else str(doc.raw.get(("models", index, key), raw))
        _check_numbers(entry, index, doc, problems)
        for key in SHOWN_FIELDS:
            if key in given and ("models", index, key) not in doc.key_positions and key not in entry:
                problems.warn(doc.pos(("models", index)), f"model {label!r} has no '{key}', which other models "
                              "give, so its cell would be blank", f"add '{key}: null' if it is unknown")
        entry["extra"] = extra
        entry["line"] = doc.pos(("models", index)).line
        name = entry.get("name")
        if isinstance(name, str):
            if name in seen:
                problems.error(doc.pos(("models", index, "name")), f"model '{name}' is listed twice "
                               f"(first on line {seen[name]})", "remove or rename one of them")
            seen.setdefault(name, doc.pos(("models", index, "name")).line)
        prepared.append(entry)
    return {**value, "models": prepared}


def _stand_in_meta(doc: Optional[YamlDoc]) -> CourseMeta:
    """Course metadata to read lectures with when course.yaml failed: its Markdown settings if they are valid."""
    settings = MarkdownSettings()
    raw = doc.value.get("markdown") if doc is not None and isinstance(doc.value, dict) else None
    if isinstance(raw, dict):
        try:
            settings = MarkdownSettings.model_validate(raw)
        except ValidationError:
            pass
    return CourseMeta.model_construct(title="", author="", date=dt.date(2000, 1, 1), version="", markdown=settings)


def _read_lecture(root: Path, path: Path, meta: CourseMeta, data: Any, md, problems: Problems,
                  bib, data_ok: bool = True, course_ok: bool = True,
                  words: Optional[Messages] = None) -> Optional[Lecture]:
    """One lecture through :class:`LectureReader`; an exception that is not a content error is a bug,
    raised as an :class:`InternalError` naming the lecture file."""
    try:
        return LectureReader(root, path, meta, data, md, problems, bib, data_ok=data_ok, course_ok=course_ok,
                             words=words).read()
    except (ContentError, ContentErrors):
        raise
    except Exception as exc:              # noqa: BLE001 — reported as a bug, naming the file being read
        raise internal_error(exc, path.relative_to(root).as_posix()) from exc


def load_course(root: Path, strict: bool = False, lecture: Optional[str] = None,
                parsed: Optional[dict] = None) -> tuple[Course, Problems]:
    """:func:`load_project` for the project at ``root``, without the :class:`Project` (for readers of the
    document model alone: tests, tools)."""
    _project, course, problems = load_project(locate(root), strict, lecture, parsed)
    return course, problems


def load_project(project: Project, strict: bool = False, lecture: Optional[str] = None,
                 parsed: Optional[dict] = None, ahead: Optional[Callable[[Course], dict]] = None
                 ) -> tuple[Project, Course, Problems]:
    """Load the whole course of ``project`` (from :func:`coursepress.project.locate`).

    Args:
        project: the project as located (paths from the file system alone).
        strict: turn warnings into errors.
        lecture: load only the lecture with this name (file stem).
        parsed: a dict the caller keeps between loads (``build.py watch``): the
            parsed course.yaml and models.yaml are kept in it and reused while
            their text is unchanged (parsing models.yaml is ≈ 45 ms of a reload),
            and so is each lecture's document model while its file and what
            reading it consults are unchanged (:mod:`coursepress.lecturecache`).
            The loader only reads the parsed documents.
        ahead: given the document model, the images to prepare for print from the load's own decodes
            (:meth:`coursepress.imagecheck.ThreadedDecodes.plan`; e.g.
            :func:`coursepress.writers.printplan.handout_plan`), or None.

    Returns:
        The project with what loading resolves, the course (the document model) and the problems
        object (holding warnings).

    Raises:
        ContentErrors: every problem found, each with file and line.
    """
    root = project.root
    problems = Problems(strict)
    meta_doc = _read_yaml(project.course_file, root, problems, parsed)
    meta = validate(meta_doc, CourseMeta, problems) if meta_doc else None
    if meta is not None and meta_doc is not None and meta.deck.reference:     # refused here, with its line, not only when a deck is built
        try:
            resolve_path(root, root, meta.deck.reference, meta_doc.pos(("deck", "reference")), "reference deck")
        except ContentError as exc:
            problems.errors.append(exc)
    limits = meta.limits.value() if meta is not None else DEFAULT_LIMITS
    bib = load_bibliography(root, meta, meta_doc, problems) if meta is not None else None
    course_ok = not problems.errors      # course.yaml and the bibliography it names
    data: Any = ModelData()
    data_path = project.data_file
    if os.path.lexists(data_path):
        data_doc = _read_yaml(data_path, root, problems, parsed, limits)
        models = data_doc.value.get("models") if data_doc and isinstance(data_doc.value, dict) else None
        if data_doc is not None and isinstance(models, list) and len(models) > limits.models:
            problems.errors.append(over(data_doc.pos(("models", limits.models)), "the number of models",
                                        len(models), limits, "models", "split the data"))
            data_doc = None
        data = validate(data_doc, ModelData, problems, _prepare_models) if data_doc else None
    data_ok = data is not None
    # every problem of every file in one run: lectures are read even when a YAML file failed,
    # against stand-ins (the settings that did validate, no models) that add no problems of their own
    if meta is None:
        meta = _stand_in_meta(meta_doc)
    if data is None:
        data = ModelData()
    lecture_dir = root / LECTURES
    known = len(problems.errors)
    paths = _lecture_paths(lecture_dir, root, problems)
    if lecture is not None:
        paths = [p for p in paths if p.stem == lecture]
        if not paths and len(problems.errors) == known:
            names = ", ".join(p.stem for p in sorted(lecture_dir.glob("*.md"))) or "none"
            problems.error(SourcePos(LECTURES), f"no lecture named '{lecture}'", f"lectures: {names}")
    elif not paths and len(problems.errors) == known:
        problems.error(SourcePos(LECTURES), "no lectures found", f"add {lecture_file('NAME')}")
    try:
        words = messages_for(root, meta.language)
    except ContentError as exc:
        problems.errors.append(exc)
        words = default_messages()
    try:
        theme = theme_for(root)
    except ContentError as exc:
        problems.errors.append(exc)
        theme = default_theme()
    md = make_parser(raw_html=meta.markdown.raw_html)
    lectures: list[Lecture] = []
    context = context_digest(root, parsed) if parsed is not None and not problems.errors else ""
    with decoding_on_threads(problems) as decodes:   # new images are decoded on threads while the lectures are read
        for path in paths:
            try:
                project_path(root, path, SourcePos(path.relative_to(root).as_posix()), "lecture")
            except ContentError as exc:
                problems.errors.append(exc)
                continue
            result = read_kept(path, context, parsed if context else None, problems, partial(
                _read_lecture, root, path, meta, data, md, problems, bib, data_ok, course_ok, words))
            if result is not None:
                lectures.append(result)
        if ahead is not None and not problems.errors:        # and prepared for print from the same decode
            decodes.plan(ahead(Course(meta, tuple(lectures), data, words, theme)))
    forget_after_errors(parsed, problems)
    forget_gone(parsed, paths)
    try:
        faces = shipped_faces(root)        # once: every writer measures and checks with these
    except ContentError as exc:
        problems.errors.append(exc)
        faces = ()
    problems.raise_if_any()
    lectures.sort(key=lambda lec: (lec.meta.order, lec.name))
    project = replace(project, font_faces=faces, font_dirs=tuple(font_dirs(root)),
                      bibliography=root / bib.file if bib is not None and bib.file else None)
    return project, Course(meta, tuple(lectures), data, words, theme), problems
