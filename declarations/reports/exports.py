"""Report downloads: CSV and XLSX from the same tables the screen shows, PDF from the page.

A report is a list of `Table`s. Each column is defined once, with a plain value per row,
so the screen, the CSV and the XLSX cannot disagree. CSV and XLSX stream their rows from
the database in chunks; the PDF is the HTML page rendered by WeasyPrint, which may fetch
nothing but the app's own static files. XLSX and PDF carry text only `storable`
(declarations.text): a cell with a control character stops openpyxl, and one stored before
the rule, or by direct SQL, must not break a download for good.
"""

import functools
import mimetypes
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from ..models.base import status_label
from ..tabular import csv_lines, escape_formula
from ..text import storable

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows fetched per database round trip when a download streams a queryset.
CHUNK_SIZE = 1000


@dataclass(frozen=True)
class Column:
    """One column of a report table.

    `value` turns a row object into a plain value (str, int, date or None). `kind` says how
    the screen shows it: text, number, date, status (a coloured badge), mark (a badge, or
    nothing when there is no status), progress (a bar), block (long text) or links (a list
    of (title, url) pairs). `href`, if given, makes the
    screen's cell a link. `applies`, if given, says whether the column means anything for
    a row: where it does not (the status of a paragraph that cites nothing), the cell is
    empty on screen and in downloads, not "No information".
    """

    label: str
    value: Callable[[Any], Any]
    kind: str = "text"
    href: Callable[[Any], str | None] | None = None
    title: str = ""  # a longer header shown on hover, e.g. a party's name for its code
    applies: Callable[[Any], bool] | None = None

    def cell(self, obj):
        if self.applies is not None and not self.applies(obj):
            return Cell(None, "text")
        return Cell(self.value(obj), self.kind, self.href(obj) if self.href else None)

    def export(self, obj):
        if self.applies is not None and not self.applies(obj):
            return ""
        value = self.value(obj)
        if self.kind == "status":
            return status_label(value)
        if self.kind == "mark":
            return status_label(value) if value else ""
        if self.kind == "links":
            return "; ".join(f"{title} <{url}>" for title, url in value)
        return "" if value is None else value


@dataclass(frozen=True)
class Cell:
    value: Any
    kind: str
    href: str | None = None


@dataclass
class Table:
    """Rows of objects under columns. `rows` may be a QuerySet: downloads then stream it."""

    title: str
    columns: list[Column]
    rows: Iterable[Any]
    empty: str = "Nothing to show."
    # Shown under the table on screen, e.g. "10 of 42: see the full list".
    more: dict = field(default_factory=dict)

    @property
    def header(self):
        return [column.label for column in self.columns]

    def cells(self):
        """The screen's rows: one Cell per column."""
        for obj in self.rows:
            yield [column.cell(obj) for column in self.columns]

    def export_rows(self):
        """The downloads' rows: plain values, not yet escaped (each format escapes its own)."""
        rows = self.rows
        if isinstance(rows, QuerySet) and rows._result_cache is None:
            rows = rows.iterator(chunk_size=CHUNK_SIZE)
        for obj in rows:
            yield [column.export(obj) for column in self.columns]


@dataclass(frozen=True)
class Heading:
    """What a download says before its tables, as its page does above them: the report's
    title, the date (or dates) it is as of, and its headline figures."""

    title: str
    dates: tuple  # (("As of", date),) or (("From", date), ("To", date))
    figures: tuple = ()  # (label, value) pairs; a callable value is called when written

    def table(self):
        figures = [(label, value() if callable(value) else value) for label, value in self.figures]
        rows = [("Report", self.title), *self.dates, *figures]
        return Table(
            "Summary",
            [Column("Item", lambda row: row[0]), Column("Value", lambda row: row[1])],
            rows,
        )


def csv_rows(tables):
    """The rows of the CSV download. Several tables follow each other, each under its title
    and separated by a blank line."""
    titled = len(tables) > 1
    for index, table in enumerate(tables):
        if titled:
            if index:
                yield []
            yield [table.title]
        yield table.header
        yield from table.export_rows()


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(*, tables, filename):
    lines = csv_lines(csv_rows(tables), bom=True)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    return _attachment(response, f"{filename}.csv")


def _xlsx_cell(value):
    """A value as an XLSX cell holds it: storable text, then escaped as a formula would be
    (in that order: removing a character may leave a leading "=")."""
    return escape_formula(storable(value) if isinstance(value, str) else value)


def _sheet_title(title, used):
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name, unique per book."""
    base = re.sub(r"[\[\]:*?/\\]", " ", storable(title)).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def write_xlsx(tables, target):
    """Write the tables to `target` (a path or binary file), one sheet each.

    openpyxl's write-only mode keeps only the current row in memory.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    used = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.title, used))
        for index, column in enumerate(table.columns, start=1):
            width = 60 if column.kind == "block" else max(12, min(40, len(column.label) + 4))
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.append([storable(label) for label in table.header])
        for row in table.export_rows():
            sheet.append([_xlsx_cell(value) for value in row])
    book.save(target)


def xlsx_response(*, tables, filename):
    # The book is written to a temporary file and streamed from there, not held in memory;
    # FileResponse closes (and so deletes) the file once it is sent.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    write_xlsx(tables, spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


@functools.cache
def _fetcher_class():
    # WeasyPrint takes most of a second to import: only the PDF download pays for it.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        """Serves the app's own static files and refuses any other address (network, file:,
        data:), so text in a report can never make the PDF renderer reach out (server-side
        request forgery) or read local files. Refused addresses are kept in `refused`."""

        def __init__(self, *, base_url):
            super().__init__(allowed_protocols=("http", "https"))
            self.prefix = urljoin(base_url, settings.STATIC_URL)
            self.refused = []

        def fetch(self, url, headers=None):
            path = static_path(url, prefix=self.prefix)
            if path is None:
                self.refused.append(url)
                raise ValueError(f"Reports only load the app's own static files, not {url}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticFilesOnly


def static_files_fetcher(*, base_url):
    """A WeasyPrint URL fetcher limited to the static files under `base_url`."""
    return _fetcher_class()(base_url=base_url)


def static_path(url, *, prefix):
    """The file behind `url` if it is one of the app's static files under `prefix`, else None."""
    if not url.startswith(prefix):
        return None
    relative = unquote(urlsplit(url).path)[len(urlsplit(prefix).path) :]
    if not relative or ".." in relative.split("/") or relative.startswith("/"):
        return None
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    return Path(found) if found else None


def pdf_bytes(html, *, base_url, url_fetcher=None):
    """Render an HTML page to PDF with print styles, loading only the app's static files."""
    from weasyprint import HTML

    fetcher = url_fetcher or static_files_fetcher(base_url=base_url)
    return HTML(string=storable(html), base_url=base_url, url_fetcher=fetcher).write_pdf()


def pdf_response(*, html, base_url, filename):
    response = HttpResponse(pdf_bytes(html, base_url=base_url), content_type="application/pdf")
    return _attachment(response, f"{filename}.pdf")


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def write_docx(*, title, subtitle, summary, tables, target):
    """A Word document: the title, the as-at line, the summary figures as a two-column
    table, then a heading and a table per `Table`, with the values the downloads carry."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = title
    document.add_heading(title, level=0)
    document.add_paragraph(subtitle)
    document.add_heading("Summary", level=1)
    figures = document.add_table(rows=0, cols=2)
    figures.style = "Light Grid Accent 1"
    for label, value in summary:
        cells = figures.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)
    for table in tables:
        document.add_heading(table.title, level=1)
        rows = list(table.export_rows())
        if not rows:
            document.add_paragraph(table.empty)
            continue
        grid = document.add_table(rows=1, cols=len(table.columns))
        grid.style = "Light Grid Accent 1"
        for cell, label in zip(grid.rows[0].cells, table.header, strict=True):
            cell.text = label
        for row in rows:
            for cell, value in zip(grid.add_row().cells, row, strict=True):
                cell.text = "" if value is None else str(value)
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(9)
    document.save(target)


def docx_response(*, title, subtitle, summary, tables, filename):
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    write_docx(title=title, subtitle=subtitle, summary=summary, tables=tables, target=spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{filename}.docx", content_type=DOCX_CONTENT_TYPE
    )
