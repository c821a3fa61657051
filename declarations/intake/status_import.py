"""Bulk status import from CSV or XLSX: read -> validate (the preview) -> apply.

The columns (`COLUMNS`) are those the status list's Export writes (`export_row`), so an
exported file can be edited and imported back. Row numbers in messages are the ones a
spreadsheet shows: the header is row 1, the first data row is row 2.

Each row is read by a form (`StatusRowForm`): text to an instrument, a party, a status, a
number, a date and evidence links, each refusal named by column. Whether the user may
record that row, and in which state, is `record_status`'s to say, and it says so on the
preview already: `validate` runs every row through it inside a transaction that is always
rolled back, so the preview finds every problem, the database's included, and writes
nothing. A dry run must not log a publication that never happens (record_status writes
an audit line when it publishes), so a reviewer's "publish now" is checked as a
submission, which record_status validates the same way; anyone else's is checked as
asked and refused. `apply` checks again (the database may have changed since the
preview), then records every row in one transaction: all rows or none.

Files are read by `spreadsheets.read_table`: cell text is data, never a formula (a cell
reading "=SUM(A1:A9)" is kept as that text, and then fails validation or lands in the note
as typed), and a zip bomb is refused before anything is inflated.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from ..models import (
    EvidenceKind,
    Instrument,
    Party,
    ReviewState,
    Status,
    can_report_for,
    can_review,
    record_status,
    reporting_scope,
)
from ..text import unstorable_in, validate_storable_text
from .spreadsheets import ImportProblem
from .spreadsheets import read_table as read_spreadsheet

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
# Every row goes through record_status (about 25 statements) twice when a file is
# confirmed, once rolled back and once for real, inside one web request: 1,000 rows take
# a few seconds on SQLite.
MAX_ROWS = 1000


def format_evidence(items):
    """The `evidence_url` and `evidence_title` cells for evidence dicts (title, url)."""
    items = list(items)
    return (
        "\n".join(item["url"] for item in items),
        EVIDENCE_TITLE_SEPARATOR.join(item["title"] for item in items),
    )


def export_row(entry):
    """An entry's cells in `COLUMNS` order, as the import reads them back. The entry
    should be read with `with_evidence()` and its instrument and party."""
    urls, titles = format_evidence(entry.evidence_items)
    return [
        entry.instrument.slug,
        entry.instrument.name,
        entry.party.code if entry.party_id else "",
        entry.status,
        entry.progress,
        entry.as_of,
        entry.note,
        urls,
        titles,
    ]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        if self.column == "-":
            return f"Row {self.row}: {self.message}"
        return f"Row {self.row}, column {self.column}: {self.message}"


# The columns that are `record_status` arguments of the same name.
ENTRY_COLUMNS = ("instrument", "party", "status", "progress", "as_of", "note")


@dataclass
class ImportRow:
    """One checked row: `record_status`'s arguments, and the entry it built from them on
    the rolled-back run (unsaved now), which the preview shows."""

    row: int
    fields: dict
    entry: object = None

    @property
    def evidence(self):
        return self.fields["evidence"]

    def record(self, *, user, state):
        return record_status(**self.fields, by=user, state=state)


@dataclass
class Preview:
    rows: list
    errors: list

    @property
    def ok(self):
        return not self.errors


def read_table(upload):
    """The uploaded file's cells as lists of strings, header first, within the limits."""
    return read_spreadsheet(upload, max_bytes=MAX_FILE_BYTES, max_rows=MAX_ROWS)


# Checking the header ------------------------------------------------------------------


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


# One row --------------------------------------------------------------------------------

url_is_valid = URLValidator(schemes=["http", "https"])


class StatusRowForm(forms.Form):
    """One data row, cells as text. `instruments` (slug -> Instrument) and `parties`
    (upper-case code -> Party) are looked up once per file, not once per row. Which party
    the user may report for is not checked here: `record_status` decides."""

    instrument = forms.CharField(required=False, validators=[validate_storable_text])
    party = forms.CharField(required=False, validators=[validate_storable_text])
    status = forms.CharField(required=False, validators=[validate_storable_text])
    progress = forms.CharField(required=False, validators=[validate_storable_text])
    as_of = forms.CharField(required=False, validators=[validate_storable_text])
    note = forms.CharField(required=False, validators=[validate_storable_text])
    evidence_url = forms.CharField(required=False, validators=[validate_storable_text])
    evidence_title = forms.CharField(required=False, validators=[validate_storable_text])

    def __init__(self, data, *, instruments, parties):
        super().__init__(data)
        self.instruments, self.parties = instruments, parties

    def clean_instrument(self):
        slug = self.cleaned_data["instrument"]
        if not slug:
            raise ValidationError("empty; give the instrument's slug.")
        if slug not in self.instruments:
            raise ValidationError(f"no instrument has the slug “{slug}”.")
        return self.instruments[slug]

    def clean_party(self):
        code = self.cleaned_data["party"]
        if not code:
            return None  # the region as a whole
        if code.upper() not in self.parties:
            raise ValidationError(f"no party has the code “{code}”.")
        return self.parties[code.upper()]

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status.lower() not in Status.values:
            raise ValidationError(
                f"“{status}” is not a status; use one of {', '.join(Status.values)}."
            )
        return status.lower()

    def clean_progress(self):
        text = self.cleaned_data["progress"]
        if not text:
            return None
        try:
            progress = int(text)
        except ValueError:
            raise ValidationError(f"“{text}” is not a whole number.") from None
        if not 0 <= progress <= 100:
            raise ValidationError(f"{progress} is not between 0 and 100.")
        return progress

    def clean_as_of(self):
        text = self.cleaned_data["as_of"]
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValidationError(f"“{text}” is not a date written YYYY-MM-DD.") from None

    def clean_evidence_url(self):
        urls = self.cleaned_data["evidence_url"].split()
        problems = []
        for url in urls:
            try:
                url_is_valid(url)
            except ValidationError:
                problems.append(f"“{url[:80]}” is not a web address (http or https).")
                continue
            if len(url) > 500:
                problems.append("a web address is longer than 500 characters.")
        if problems:
            raise ValidationError(problems)
        return urls

    def evidence(self):
        """The links as `record_status` takes them; a missing title is the address."""
        titles = [t.strip() for t in self.cleaned_data["evidence_title"].split("|")]
        titles += [""] * len(self.cleaned_data["evidence_url"])
        return [
            {"title": (title or url)[:200], "url": url, "kind": EvidenceKind.OTHER}
            for url, title in zip(self.cleaned_data["evidence_url"], titles, strict=False)
        ]

    def import_row(self, number):
        fields = {name: self.cleaned_data[name] for name in ENTRY_COLUMNS}
        return ImportRow(row=number, fields={**fields, "evidence": self.evidence()})


# Checking and applying --------------------------------------------------------------


def read_rows(table):
    """The checked header, and each non-blank row as (row number, {column: text})."""
    names = read_header(table[0])
    records = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line is not a row
        padded = [*cells, *[""] * (len(names) - len(cells))]
        records.append((number, dict(zip(names, padded, strict=False))))
    if not records:
        raise ImportProblem("The file has a header but no rows.")
    return records


# Model fields (and evidence fields) named by record_status's errors, as file columns.
FIELD_COLUMNS = {"url": "evidence_url", "title": "evidence_title", "kind": "evidence_url"}


class Refusals:
    """record_status's refusals of one file's rows, as RowErrors under their column."""

    def __init__(self, user):
        self.user = user
        self._rule = None

    def rule(self):
        if self._rule is None:  # one query, asked for only once something is refused
            self._rule = reporting_scope(self.user)
        return self._rule

    def of(self, row, error):
        if isinstance(error, PermissionDenied):
            # Explain where, not decide: record_status has refused already.
            party = row.fields["party"]
            if not can_report_for(self.user, party):
                who = party.name if party else "the region as a whole"
                message = f"you may not record status for {who}. {self.rule()}"
                return [RowError(row.row, "party", message)]
            return [RowError(row.row, "-", str(error))]
        if not hasattr(error, "error_dict"):
            return [RowError(row.row, "-", message) for message in error.messages]
        return [
            RowError(row.row, FIELD_COLUMNS.get(name, name if name in COLUMNS else "-"), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]


def validate(table, *, user, state=ReviewState.DRAFT):
    """Every row through its form and then `record_status`, rolled back; a Preview of the
    rows and of every problem found, by row and column. Writes nothing.

    Raises ImportProblem when the header is wrong. Looks instruments and parties up in two
    queries, whatever the number of rows.
    """
    records = read_rows(table)
    # Only slugs the database can hold are looked up (PostgreSQL refuses a NUL even in a
    # query); any other cell is refused by its row's form.
    slugs = {record.get("instrument", "") for _, record in records}
    instruments = Instrument.objects.in_bulk(
        {slug for slug in slugs if not unstorable_in(slug)}, field_name="slug"
    )
    parties = {party.code.upper(): party for party in Party.objects.all()}
    if ReviewState(state) == ReviewState.PUBLISHED and can_review(user):
        state = ReviewState.SUBMITTED  # see the module's docstring: no false audit line
    refusals = Refusals(user)
    rows, errors = [], []
    with transaction.atomic():
        for number, record in records:
            form = StatusRowForm(record, instruments=instruments, parties=parties)
            if not form.is_valid():
                errors += [
                    RowError(number, column, message)
                    for column, messages in form.errors.items()
                    for message in messages
                ]
                continue
            row = form.import_row(number)
            try:
                row.entry = row.record(user=user, state=state)
            except (ValidationError, PermissionDenied) as error:
                errors += refusals.of(row, error)
            else:
                rows.append(row)
        transaction.set_rollback(True)
    return Preview(rows=rows, errors=errors)


class ImportFailed(Exception):
    def __init__(self, errors):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


def apply(table, *, user, state=ReviewState.DRAFT):
    """Check again (the database may have changed since the preview), then record every
    row through `record_status` in one transaction. All-or-nothing: any problem raises
    ImportFailed and nothing is written. Returns the entries created."""
    preview = validate(table, user=user, state=state)
    if not preview.ok:
        raise ImportFailed(preview.errors)
    refusals = Refusals(user)
    with transaction.atomic():
        entries = []
        for row in preview.rows:
            try:
                entries.append(row.record(user=user, state=state))
            except (ValidationError, PermissionDenied) as error:
                raise ImportFailed(refusals.of(row, error)) from None
    return entries
