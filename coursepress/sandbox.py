"""Sandboxed templates: the project's templates are code from a pull request, not trusted code.

Every template renders in :class:`SafeEnvironment`, Jinja's
``ImmutableSandboxedEnvironment`` narrowed further:

* globals are only ``range``, ``dict``, ``namespace`` and what
  :func:`coursepress.templating.environment` adds; filters are Jinja's
  built-in ones and ours;
* no attribute starting with ``_`` (Jinja's sandbox: so no ``__class__``,
  ``__mro__``, ``__globals__`` …), no method that changes a list, dict or set;
* of a file path (``pathlib.PurePath``, e.g. ``lecture.source``) only ``name``,
  ``stem`` and ``suffix``; no module attribute; so a template cannot open files;
* a template that reaches further fails with :class:`~coursepress.errors.ContentError`
  at the template's file and line.

:class:`ProjectLoader` finds templates in the project's ``templates/`` first
(each file through the resource gate: a link out of the project, a FIFO … is
an error at that template), then in the tool's own.
"""

from __future__ import annotations

import os
import types
from pathlib import Path, PurePath
from typing import cast

from jinja2 import BaseLoader, FileSystemLoader, Template, TemplateNotFound, TemplatesNotFound
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace

from .errors import ContentError, SourcePos
from .resources import project_path, read_project_file

PATH_ATTRIBUTES = frozenset({"name", "stem", "suffix"})


def _where(exc: BaseException, root: Path) -> SourcePos:
    """The innermost template frame of ``exc``'s traceback (Jinja rewrites frames to template file and line)."""
    found = SourcePos("templates")
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or "/templates/" in filename:
            found = SourcePos(_relative(filename, root), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _relative(filename: str, root: Path) -> str:
    for base in (os.path.realpath(root), str(root)):
        try:
            return Path(filename).relative_to(base).as_posix()
        except ValueError:
            continue
    return filename


class ProjectTemplate(Template):
    """A template whose sandbox violations are reported at its file and line (see :meth:`render`)."""

    def render(self, *args, **kwargs) -> str:
        """``Template.render``; a sandbox violation (or, in a project template, an undefined name or an
        include, import or extends of a template that is not there or not under ``templates/``)
        becomes a :class:`ContentError` at the template's file and line."""
        root = cast(SafeEnvironment, self.environment).project_root
        try:
            return super().render(*args, **kwargs)
        except SecurityError as exc:
            raise ContentError(_where(exc, root), f"template reaches outside what templates may use ({exc})",
                               "templates may use only the values, filters and globals coursepress gives them "
                               "(docs/customising.md, 'Template overrides')") from None
        except (TemplateNotFound, TemplatesNotFound) as exc:
            pos = _where(exc, root)
            if not pos.file.startswith("templates/"):
                raise
            raise ContentError(pos, *_not_found(exc)) from None
        except UndefinedError as exc:
            pos = _where(exc, root)
            if pos.file.startswith("templates/"):
                raise ContentError(pos, f"template uses an undefined value ({exc})",
                                   "check the name against the values the template is given") from None
            raise


def _not_found(exc: TemplateNotFound) -> tuple[str, str]:
    """(message, hint) for a template name that an include, import or extends could not find."""
    names = [str(n) for n in getattr(exc, "templates", ())] or [str(exc.name)]
    outside = [n for n in names if n.startswith(("/", "\\")) or ".." in n.replace("\\", "/").split("/")]
    if outside:
        return (f"template refers to '{outside[0]}', a file outside templates/",
                "templates may include, import or extend only templates under templates/, named relative to it "
                "(e.g. 'handout/blocks.html.j2'); see docs/customising.md, 'Template overrides'")
    return (f"template refers to '{names[0]}', which is neither in the project's templates/ nor the tool's",
            "check the name, relative to templates/ (e.g. 'handout/blocks.html.j2'); see docs/customising.md, "
            "'Template overrides'")


class SafeEnvironment(ImmutableSandboxedEnvironment):
    """The sandboxed environment for project ``root`` (see the module docstring)."""

    template_class = ProjectTemplate

    def __init__(self, root: Path, **options) -> None:
        super().__init__(**options)
        self.project_root = root
        self.globals = {"range": self.globals["range"], "dict": dict, "namespace": Namespace}
        self._safe_attributes: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        # Every rule below and in Jinja's sandbox depends on the object's type and the name alone, and a
        # handout asks ~8,000 times about a few hundred (type, name) pairs: the answers are kept.
        kind = type(obj)
        if obj.__class__ is not kind:       # a proxy that answers isinstance for another class: ask each time
            return self._safe_attribute(obj, attr, value)
        known = self._safe_attributes.get((kind, attr))
        if known is None:
            known = self._safe_attributes[kind, attr] = self._safe_attribute(obj, attr, value)
        return known

    def _safe_attribute(self, obj, attr: str, value) -> bool:
        if isinstance(obj, PurePath):
            return attr in PATH_ATTRIBUTES
        if isinstance(obj, types.ModuleType):
            return False
        return super().is_safe_attribute(obj, attr, value)


class ProjectLoader(BaseLoader):
    """Templates from ``search`` (folders, the project's first); project files pass the resource gate."""

    def __init__(self, root: Path, search: list[str]) -> None:
        """Raises ContentError: the project's ``templates`` is a link out of the project (or not a folder)."""
        self.root = root
        self.search = list(search)
        self.project = os.path.realpath(root / "templates")
        if os.path.lexists(root / "templates"):
            project_path(root, root / "templates", SourcePos("templates"), "template folder", folder=True)

    def get_source(self, environment, template: str):
        if template.startswith(("/", "\\")):           # never read as a name under templates/
            raise TemplateNotFound(template)
        pieces = split_template_path(template)       # refuses '..' in template names
        for folder in self.search:
            path = os.path.join(folder, *pieces)
            if not os.path.lexists(path):
                continue
            if folder == self.project:
                rel = "templates/" + "/".join(pieces)
                data = read_project_file(self.root, Path(path), SourcePos(rel), "template")
                real = os.path.realpath(path)
            else:
                real = path
                with open(path, "rb") as handle:
                    data = handle.read()
            mtime = os.path.getmtime(real)
            return data.decode("utf-8"), real, lambda real=real, mtime=mtime: _unchanged(real, mtime)
        raise TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        return FileSystemLoader(self.search).list_templates()


def _unchanged(path: str, mtime: float) -> bool:
    try:
        return os.path.getmtime(path) == mtime
    except OSError:
        return False
