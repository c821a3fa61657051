"""Spreadsheet files in: a CSV or XLSX upload as a table of strings, safely.

Cell text is data, never a formula: a cell reading "=SUM(A1:A9)" is kept as that text,
and a cell the downloads escaped ("'=SUM(A1:A9)") reads back as it was written. XLSX files
are opened with openpyxl in read-only mode after checking their size and the declared
uncompressed size of every member of the archive, so a zip bomb is refused before
anything is inflated.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Sequence
from itertools import islice

from ..tabular import FORMULA_PREFIXES

# Declared uncompressed size of an XLSX archive; a 100,000-row status sheet is about 60 MB.
MAX_UNCOMPRESSED_BYTES = 250 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 200


class ImportProblem(Exception):
    """The file as a whole cannot be read: wrong type, too big, bad header."""


def restore(value):
    """The inverse of the downloads' `escape_formula`, so an exported file reads back
    unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def read_table(upload, *, max_bytes, max_rows=None):
    """The file's cells as lists of strings, header first, at most `max_rows` rows under
    it when given: a sequence of rows, which for a CSV file are read as they are gone
    through (`CsvTable`). `upload` is a Django UploadedFile (or anything with .name, .size
    and .read())."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ImportProblem(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImportProblem(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith(".xlsx"):
        table = read_xlsx(data, max_rows=max_rows)
    elif name.endswith(".csv"):
        table = read_csv(data)
    else:
        raise ImportProblem("Upload a .csv or .xlsx file.")
    if not table:
        raise ImportProblem("The file is empty.")
    if max_rows is not None and len(table) - 1 > max_rows:
        raise ImportProblem(f"The file has {len(table) - 1} rows; the limit is {max_rows}.")
    return table


class CsvTable(Sequence):
    """A CSV file's rows as lists of strings, parsed again from the file's bytes each time
    they are gone through, so that its table of strings (about ten bytes of Python per
    byte of CSV) is never held whole. Indexing parses up to the row asked for."""

    def __init__(self, data):
        self.data = data
        try:
            self.count = sum(1 for _ in self.records())
        except csv.Error as error:
            raise ImportProblem(f"The CSV file cannot be read: {error}.") from None

    def records(self):
        text = io.TextIOWrapper(io.BytesIO(self.data), encoding="utf-8-sig", newline="")
        return csv.reader(text)

    def __iter__(self):
        for row in self.records():
            yield [restore(cell.strip()) for cell in row]

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError(index)
        return next(islice(self, index, None))


def read_csv(data):
    try:
        data.decode("utf-8-sig")  # the whole file is text, before any row is read
    except UnicodeDecodeError as error:
        raise ImportProblem(
            f"The CSV file is not UTF-8 text (byte {error.start}); save it as CSV UTF-8."
        ) from None
    return CsvTable(data)


def check_archive(data):
    """Refuse an XLSX archive whose members would inflate beyond the limit. The sizes are
    the declared ones, which zipfile also enforces while inflating, so they cannot lie."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportProblem("The file is not a valid .xlsx workbook.") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ARCHIVE_MEMBERS:
            raise ImportProblem("The workbook has too many parts to be a status sheet.")
        if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
            raise ImportProblem(
                "The workbook would expand to more than "
                f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB; it was not opened."
            )


def xlsx_cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restore(str(value).strip())


def read_xlsx(data, *, max_rows):
    import openpyxl  # imported here: only XLSX uploads need it

    check_archive(data)
    try:
        # data_only=False: a formula comes back as its text ("=1+1") and is never computed.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise ImportProblem(f"The workbook cannot be read ({type(error).__name__}).") from None
    try:
        sheet = workbook.worksheets[0]
        table = []
        for values in sheet.iter_rows(values_only=True):
            if max_rows is not None and len(table) > max_rows + 1:
                break  # read_table reports the row limit
            table.append([xlsx_cell_text(value) for value in values])
    finally:
        workbook.close()
    # Read-only sheets pad rows to the widest one; trailing blank rows are formatting.
    while table and not any(table[-1]):
        table.pop()
    return table
