"""The PPTX package (OPC): python-pptx made linear and its XPath compiled, and a reproducible ZIP.

Importing this module installs :func:`compile_xpath` (python-pptx is used only
by the deck writer). The speed-ups change no byte of a deck (test:
``test_speed_ups_leave_the_deck_byte_identical``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from lxml import etree
from pptx.opc.packuri import PackURI


def compile_xpath() -> None:
    """Make python-pptx evaluate its XPath expressions through compiled, cached ``lxml.etree.XPath`` objects.

    python-pptx 1.0 (``oxml/xmlchemy.py``, ``BaseOxmlElement.xpath``) passes the
    expression string to lxml on every call, which compiles it again each
    time; placeholder lookups alone make ≈ 5,000 such calls for this course's
    deck (0.09 s of its 0.42 s). Same expressions, same namespaces, same
    results; only the compilation is done once per expression. Installed when
    this module is imported (the deck writer is python-pptx's only user here).
    """
    from pptx.oxml import xmlchemy
    from pptx.oxml.ns import _nsmap

    if getattr(xmlchemy.BaseOxmlElement.xpath, "compiled_cache", False):
        return
    compiled: dict[str, etree.XPath] = {}

    def xpath(self, xpath_str: str):
        evaluate = compiled.get(xpath_str)
        if evaluate is None:
            evaluate = compiled[xpath_str] = etree.XPath(xpath_str, namespaces=_nsmap)
        return evaluate(self)

    xpath.compiled_cache = True
    xpath.__doc__ = xmlchemy.BaseOxmlElement.xpath.__doc__
    xmlchemy.BaseOxmlElement.xpath = xpath


compile_xpath()


def remember_partnames(package) -> None:
    """Give ``package`` a ``next_partname`` that remembers the names it handed out.

    python-pptx 1.0 (``opc/package.py``, ``OpcPackage.next_partname``) collects
    the names of all parts for every new slide, notes slide and chart, which
    makes building a deck quadratic in its slides (0.16 s of 0.8 s for this
    course's 48 slides). Same names, same order: the lowest free number for
    the template, as python-pptx chooses it. Install after parts are dropped.
    """
    used = {str(part.partname) for part in package.iter_parts()}
    start: dict[str, int] = {}      # no name is freed after this is installed: search on from the last one

    def next_partname(template: str) -> PackURI:
        number = start.get(template, 1)
        while template % number in used:
            number += 1
        used.add(template % number)
        start[template] = number + 1
        return PackURI(template % number)

    package.next_partname = next_partname


_XLSX_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def reproducible_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite a ZIP package with fixed timestamps and sorted entries ([Content_Types].xml first).

    Embedded workbooks (chart data) are normalised the same way, including their own core dates.
    """
    stamp = (min(max(when.year, 1980), 2107), when.month, when.day, when.hour, when.minute, when.second)  # ZIP's range
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            content = src.read(name)
            if name.endswith(".xlsx"):
                content = reproducible_zip(content, when)
            elif name == "docProps/core.xml":
                content = _XLSX_DATES.sub(rb"\g<1>" + iso + rb"\g<2>", content)
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, content)
    return out.getvalue()
