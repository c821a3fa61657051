"""Bulk status import from CSV or XLSX: read -> validate -> preview -> apply.

The columns are those of the status export (`COLUMNS`), so an exported file can be edited
and imported back. Nothing is written until the whole file validates, and then every row
goes through `record_status` inside one transaction: all rows are recorded or none is.

Row numbers in messages are the ones a spreadsheet shows: the header is row 1, the first
data row is row 2.

Cell text is data, never a formula: a cell reading "=SUM(A1:A9)" is kept as that text (and
then fails validation, or lands in the note as typed). XLSX files are opened with openpyxl
in read-only mode after checking their size and the declared uncompressed size of every
member of the archive, so a zip bomb is refused before anything is inflated.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from ..models import (
    EvidenceKind,
    Instrument,
    Party,
    ReviewState,
    Status,
    can_review,
    check_as_of,
    record_status,
    reportable_parties,
)
from ..tabular import FORMULA_PREFIXES

# The status export writes these columns in this order; the import reads them by name.
COLUMNS = (
    "instrument",  # the instrument's slug
    "instrument_name",  # for people reading the file; ignored on import
    "party",  # party code, empty for the region as a whole
    "status",  # a Status value, e.g. in_progress
    "progress",  # 0-100 or empty
    "as_of",  # YYYY-MM-DD
    "note",
    "evidence_url",  # one or more URLs separated by spaces or new lines
    "evidence_title",  # their titles, separated by " | ", in the same order
)
REQUIRED_COLUMNS = ("instrument", "party", "status", "as_of")
EVIDENCE_TITLE_SEPARATOR = " | "

MAX_FILE_BYTES = 5 * 1024 * 1024
# Declared uncompressed size of an XLSX archive; a 5,000-row status sheet is about 3 MB.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 200
# Every row goes through record_status (about 25 statements with its validation), inside
# one web request: 1,000 rows take about 10-15 seconds.
MAX_ROWS = 1000


def restore(value):
    """The inverse of the export's `escape_formula`, so an exported file imports back
    unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def format_evidence(links):
    """The `evidence_url` and `evidence_title` cells for an entry's evidence links."""
    links = list(links)
    return (
        "\n".join(link.url for link in links),
        EVIDENCE_TITLE_SEPARATOR.join(link.title for link in links),
    )


class ImportProblem(Exception):
    """The file as a whole cannot be read: wrong type, too big, bad header."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"Row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportRow:
    row: int
    instrument: Instrument
    party: Party | None
    status: str
    progress: int | None
    as_of: datetime.date
    note: str
    evidence: list = field(default_factory=list)


@dataclass
class Preview:
    rows: list
    errors: list

    @property
    def ok(self):
        return not self.errors


# Reading ------------------------------------------------------------------------------


def read_table(upload):
    """The file's cells as lists of strings, header first. `upload` is a Django
    UploadedFile (or anything with .name, .size and .read())."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise ImportProblem(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ImportProblem(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith(".xlsx"):
        table = read_xlsx(data)
    elif name.endswith(".csv"):
        table = read_csv(data)
    else:
        raise ImportProblem("Upload a .csv or .xlsx file.")
    if not table:
        raise ImportProblem("The file is empty.")
    if len(table) - 1 > MAX_ROWS:
        raise ImportProblem(f"The file has {len(table) - 1} rows; the limit is {MAX_ROWS}.")
    return table


def read_csv(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportProblem(
            f"The CSV file is not UTF-8 text (byte {error.start}); save it as CSV UTF-8."
        ) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ImportProblem(f"The CSV file cannot be read: {error}.") from None
    return [[restore(cell.strip()) for cell in row] for row in rows]


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


def read_xlsx(data):
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
            if len(table) > MAX_ROWS + 1:
                break  # read_table reports the row limit
            table.append([xlsx_cell_text(value) for value in values])
    finally:
        workbook.close()
    # Read-only sheets pad rows to the widest one; trailing blank rows are formatting.
    while table and not any(table[-1]):
        table.pop()
    return table


# Validating ---------------------------------------------------------------------------


def read_header(header):
    names = [cell.strip().lower() for cell in header]
    while names and names[-1] == "":
        names.pop()
    problems = []
    unknown = [name or "(empty)" for name in names if name not in COLUMNS]
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        problems.append(f"repeated column(s): {', '.join(duplicates)}")
    if problems:
        raise ImportProblem(
            "Row 1 (header): "
            + "; ".join(problems)
            + f". Expected the columns of the status export: {', '.join(COLUMNS)}."
        )
    return names


def validate(table, *, user, state=ReviewState.DRAFT):
    """Check every row against the database and `user`'s scope; returns a Preview.

    Raises ImportProblem when the header is wrong. Looks instruments and parties up in two
    queries, whatever the number of rows.
    """
    names = read_header(table[0])
    records = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line is not a row
        padded = [*cells, *[""] * (len(names) - len(cells))]
        records.append((number, dict(zip(names, padded, strict=False))))
    if not records:
        raise ImportProblem("The file has a header but no rows.")

    slugs = {record["instrument"] for _, record in records}
    instruments = Instrument.objects.in_bulk(slugs, field_name="slug")
    parties = {party.code.upper(): party for party in Party.objects.all()}
    allowed = set(reportable_parties(user).values_list("pk", flat=True))
    reviewer = can_review(user)
    statuses = set(Status.values)
    url_is_valid = URLValidator(schemes=["http", "https"])

    rows, errors = [], []
    for number, record in records:
        row_errors = []

        def problem(column, message, number=number, row_errors=row_errors):
            row_errors.append(RowError(number, column, message))

        instrument = instruments.get(record["instrument"])
        if not record["instrument"]:
            problem("instrument", "empty; give the instrument's slug.")
        elif instrument is None:
            problem("instrument", f"no instrument has the slug “{record['instrument']}”.")

        code = record["party"].upper()
        party = parties.get(code) if code else None
        if code and party is None:
            problem("party", f"no party has the code “{record['party']}”.")
        elif party is None and not reviewer:
            problem("party", "you may not record status for the region as a whole.")
        elif party is not None and party.pk not in allowed:
            problem("party", f"you may not record status for {party.name}.")

        status = record["status"].lower()
        if status not in statuses:
            problem(
                "status",
                f"“{record['status']}” is not a status; use one of {', '.join(Status.values)}.",
            )

        progress = None
        if record.get("progress", ""):
            try:
                progress = int(record["progress"])
            except ValueError:
                problem("progress", f"“{record['progress']}” is not a whole number.")
            else:
                if not 0 <= progress <= 100:
                    problem("progress", f"{progress} is not between 0 and 100.")

        as_of = None
        try:
            as_of = datetime.date.fromisoformat(record["as_of"])
        except ValueError:
            problem("as_of", f"“{record['as_of']}” is not a date written YYYY-MM-DD.")
        else:
            try:
                check_as_of(as_of)
            except ValidationError as error:
                problem("as_of", error.message_dict["as_of"][0])

        evidence = []
        urls = record.get("evidence_url", "").split()
        titles = [t.strip() for t in record.get("evidence_title", "").split("|")]
        for position, url in enumerate(urls):
            try:
                url_is_valid(url)
            except ValidationError:
                problem("evidence_url", f"“{url[:80]}” is not a web address (http or https).")
                continue
            if len(url) > 500:
                problem("evidence_url", "a web address is longer than 500 characters.")
                continue
            title = titles[position] if position < len(titles) and titles[position] else url
            evidence.append({"title": title[:200], "url": url, "kind": EvidenceKind.OTHER})

        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            ImportRow(
                row=number,
                instrument=instrument,
                party=party,
                status=status,
                progress=progress,
                as_of=as_of,
                note=record.get("note", ""),
                evidence=evidence,
            )
        )
    if state == ReviewState.PUBLISHED and not reviewer:
        errors.insert(0, RowError(1, "-", "you may not publish status entries."))
    return Preview(rows=rows, errors=errors)


# Applying -----------------------------------------------------------------------------


class ImportFailed(Exception):
    def __init__(self, errors):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


@transaction.atomic
def apply(table, *, user, state=ReviewState.DRAFT):
    """Validate again (the database may have changed since the preview) and record every
    row through `record_status`. All-or-nothing: any problem raises ImportFailed and the
    transaction rolls back. Returns the entries created."""
    preview = validate(table, user=user, state=state)
    if not preview.ok:
        raise ImportFailed(preview.errors)
    entries = []
    for row in preview.rows:
        try:
            entries.append(
                record_status(
                    instrument=row.instrument,
                    party=row.party,
                    status=row.status,
                    progress=row.progress,
                    as_of=row.as_of,
                    note=row.note,
                    evidence=row.evidence,
                    by=user,
                    state=state,
                )
            )
        except (ValidationError, PermissionDenied) as error:
            messages = getattr(error, "messages", None) or [str(error)]
            raise ImportFailed([RowError(row.row, "-", message) for message in messages]) from None
    return entries
