"""Chart data whose embedded workbook holds only values: never a formula, never a link.

python-pptx writes a chart's data into an embedded .xlsx with XlsxWriter,
whose ``write()`` turns a string beginning with ``=`` into a live formula and
one beginning with ``http://`` into a hyperlink (``strings_to_formulas`` and
``strings_to_urls`` default to true). A model named ``=WEBSERVICE("http://…")``
would then run when the lecturer clicks "Edit Data" in PowerPoint or Calc.
:class:`ValueChartData` opens the workbook with both options off, so every
category and series name is a string cell (XlsxWriter docs, "Workbook()
constructor options").
"""

from __future__ import annotations

from contextlib import contextmanager

from pptx.chart.data import CategoryChartData, XyChartData
from pptx.chart.xlsx import CategoryWorkbookWriter, XyWorkbookWriter
from xlsxwriter import Workbook

WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False}


class _SafeWorksheet:
    """Mixin for python-pptx's workbook writers: the worksheet is opened with XlsxWriter's string
    conversions off (:data:`WORKBOOK_OPTIONS`), so a model name is never a formula or a link."""

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        workbook = Workbook(xlsx_file, WORKBOOK_OPTIONS)
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class ValueWorkbookWriter(_SafeWorksheet, CategoryWorkbookWriter):
    """python-pptx's category workbook writer with XlsxWriter's string conversions off."""


class ValueChartData(CategoryChartData):
    """``CategoryChartData`` whose embedded workbook has no formulas or links (see the module docstring)."""

    @property
    def _workbook_writer(self):
        return ValueWorkbookWriter(self)


class ValueXyWorkbookWriter(_SafeWorksheet, XyWorkbookWriter):
    """python-pptx's XY workbook writer with XlsxWriter's string conversions off (series names are
    model names)."""


class ValueXyChartData(XyChartData):
    """``XyChartData`` whose embedded workbook has no formulas or links (see the module docstring)."""

    @property
    def _workbook_writer(self):
        return ValueXyWorkbookWriter(self)
