"""The PPTX package (OPC) as a reproducible ZIP (python-pptx's speed-ups: :mod:`coursepress.patches`)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile



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
