"""Bulk status import from CSV or XLSX: read -> check (the preview) -> apply.

The columns (`COLUMNS`) are those the status list's Export writes (`status_rows.export_row`),
so an exported file can be edited and imported back. Row numbers in messages are the ones
a spreadsheet shows: the header is row 1, the first data row is row 2.

Each row is read by the rules of a form (`StatusRowForm`): text to an instrument, a
party, a status, a number, a date and evidence links, each refusal named by column. The
rules are applied by converters built once per file (`status_rows.RowReader`); a row they
do not accept goes through the form itself, which names every problem. Whether the user
may record that row, and in which state, is the write path's to say (`check_entry`, the
checks of `record_status`), and it says so on the preview already: `validate` runs every
row through it and writes nothing, so the preview finds every problem of every row.
`apply` checks each row again (the database may have changed since the preview) and
writes them in bulk (`record_statuses`: the rows `record_status` would write) in one
transaction: all rows or none.

A file of any number of rows is checked without a query per row: its instruments and
parties are read in one query each, and who may report for what once per file
(`RecordingRules`). Only the rows the preview shows and the batch being written become
model instances. Large files are checked and written by a worker (`status_jobs`); these
functions report their progress to it.

Files are read by `spreadsheets.read_table`: cell text is data, never a formula (a cell
reading "=SUM(A1:A9)" is kept as that text, and then fails validation or lands in the note
as typed), and a zip bomb is refused before anything is inflated.
"""

import datetime
from itertools import islice

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ..models import (
    Instrument,
    Party,
    RecordingRules,
    ReviewState,
    Status,
    build_entry,
    check_entry,
    record_statuses,
    reporting_scope,
)
from ..text import unstorable_in, validate_storable_text
from .spreadsheets import ImportProblem
from .spreadsheets import read_table as read_spreadsheet
from .status_rows import (
    MAX_URL_LENGTH,
    STATUS_VALUES,
    RowReader,
    evidence_items,
    url_is_valid,
)
from .status_values import ENTRY_COLUMNS, ImportRow, Preview, RowError

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

# A CSV of 100,000 rows with a note and a link each is about 15 MB. There is no limit on
# the number of rows: a worker checks and writes them (status_jobs).
MAX_FILE_BYTES = 40_000_000
# Rows checked and written together: one INSERT of entries, of history and of evidence.
BATCH_ROWS = 1000
# Rows the preview shows; every row is checked.
SAMPLE_ROWS = 100


def read_table(upload):
    """The uploaded file's cells as lists of strings, header first, within the size limit."""
    return read_spreadsheet(upload, max_bytes=MAX_FILE_BYTES)


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


class StatusRowForm(forms.Form):
    """One data row, cells as text: the rules of a row, and the words of each refusal.
    `instruments` (slug -> Instrument) and `parties` (upper-case code -> Party) are looked
    up once per file, not once per row. Which party the user may report for is not
    checked here: `record_status` decides. Rows that pass are read faster by
    `status_rows.RowReader`, which applies these same rules; the form reads the others."""

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

    def read(self, record):
        """Check another row with this form: a file's rows share one form, whose fields
        are built once instead of once per row (most of what a new form costs)."""
        self.data, self.is_bound, self._errors = record, True, None
        return self.is_valid()

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
        if status.lower() not in STATUS_VALUES:
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
            if len(url) > MAX_URL_LENGTH:
                problems.append(f"a web address is longer than {MAX_URL_LENGTH} characters.")
        if problems:
            raise ValidationError(problems)
        return urls

    def entry_fields(self):
        """`record_status`'s fields from the cleaned row, the evidence included."""
        evidence = evidence_items(
            self.cleaned_data["evidence_url"], self.cleaned_data["evidence_title"]
        )
        return {**{name: self.cleaned_data[name] for name in ENTRY_COLUMNS}, "evidence": evidence}


# Checking and applying --------------------------------------------------------------


def is_blank(cells):
    return not any(cell.strip() for cell in cells)  # a blank line is not a row


def read_rows(table):
    """The checked header, and each non-blank row as (row number, its cells), read from
    the table as they are asked for: a file's rows are never copied whole."""
    names = read_header(next(iter(table)))
    rows = (
        (number, cells)
        for number, cells in enumerate(islice(table, 1, None), start=2)
        if not is_blank(cells)
    )
    return names, rows


# Model fields (and evidence fields) named by record_status's errors, as file columns.
FIELD_COLUMNS = {"url": "evidence_url", "title": "evidence_title", "kind": "evidence_url"}


class Refusals:
    """The write path's refusals of one file's rows, as RowErrors under their column."""

    def __init__(self, rules):
        self.rules = rules
        self._scope = None

    def scope(self):
        if self._scope is None:  # one query, asked for only once something is refused
            self._scope = reporting_scope(self.rules.by)
        return self._scope

    def of(self, row, error):
        if isinstance(error, PermissionDenied):
            # Explain where, not decide: the write path has refused already.
            party = row.fields["party"]
            if not self.rules.may_report_for(party):
                who = party.name if party else "the region as a whole"
                message = f"you may not record status for {who}. {self.scope()}"
                return [RowError(row.row, "party", message)]
            return [RowError(row.row, "-", str(error))]
        if not hasattr(error, "error_dict"):
            return [RowError(row.row, "-", message) for message in error.messages]
        return [
            RowError(row.row, FIELD_COLUMNS.get(name, name if name in COLUMNS else "-"), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]


class RowCheck:
    """A file's rows, checked one by one against every rule of the write path, with what
    the rules need read once: the file's instruments (one query), the parties (one) and
    the user's reporting scope (one)."""

    def __init__(self, table, *, user, state):
        self.table, self.state = table, state
        self.names, rows = read_rows(table)
        # One pass for the number of rows and their slugs (a CSV file is parsed per pass).
        column, slugs, self.count = self.names.index("instrument"), set(), 0
        for _, cells in rows:
            self.count += 1
            if len(cells) > column:
                slugs.add(cells[column].strip())
        if not self.count:
            raise ImportProblem("The file has a header but no rows.")
        # Only slugs the database can hold are looked up (PostgreSQL refuses a NUL even in
        # a query); any other cell is refused by its row's form.
        instruments = Instrument.objects.in_bulk(
            {slug for slug in slugs if slug and not unstorable_in(slug)}, field_name="slug"
        )
        parties = {party.code.upper(): party for party in Party.objects.all()}
        self.reader = RowReader(self.names, instruments=instruments, parties=parties)
        self.form = StatusRowForm(None, instruments=instruments, parties=parties)
        self.rules = RecordingRules(user)
        self.refusals = Refusals(self.rules)

    def __len__(self):
        return self.count

    def fields(self, cells):
        """The row's `record_status` fields, or None when the form refuses the row."""
        fields = self.reader.read(cells)
        if fields is not None:
            return fields
        padded = [*cells, *[""] * (len(self.names) - len(cells))]
        if not self.form.read(dict(zip(self.names, padded, strict=False))):
            return None
        return self.form.entry_fields()  # a row the reader could not vouch for, but the form did

    def rows(self):
        """Each row as (ImportRow, []) when it passes, or (None, its RowErrors). The rows
        are not built into entries (`build`)."""
        for number, cells in read_rows(self.table)[1]:
            fields = self.fields(cells)
            if fields is None:
                yield (
                    None,
                    [
                        RowError(number, column, message)
                        for column, messages in self.form.errors.items()
                        for message in messages
                    ],
                )
                continue
            row = ImportRow(row=number, fields=fields)
            try:
                check_entry(self.rules, **fields, state=self.state)
            except (ValidationError, PermissionDenied) as error:
                yield None, self.refusals.of(row, error)
            else:
                yield row, []

    def build(self, row):
        """The row's unsaved entry and evidence links, kept on the row."""
        row.prepared = build_entry(self.rules, **row.fields, state=self.state)
        return row.prepared


def _no_progress(done, total=None):
    pass


def validate(table, *, user, state=ReviewState.DRAFT, progress=_no_progress):
    """Every row through its form and the write path's checks; a Preview of the first
    rows and of every problem found, by row and column. Writes nothing. `progress(done,
    total)` hears how far it has got.

    Raises ImportProblem when the header is wrong. Three queries, whatever the number of
    rows (and one more to explain a refused party).
    """
    check = RowCheck(table, user=user, state=state)
    total = len(check)
    progress(0, total)
    rows, errors = [], []
    for done, (row, problems) in enumerate(check.rows(), start=1):
        errors += problems
        if row is not None and len(rows) < SAMPLE_ROWS:
            check.build(row)
            rows.append(row)
        if done % BATCH_ROWS == 0:
            progress(done)
    progress(total)
    return Preview(rows=rows, errors=errors, count=total)


class ImportFailed(Exception):
    """Rows the write path refused; nothing was written. The message names the first few."""

    SHOWN = 3

    def __init__(self, errors):
        named = "; ".join(str(error) for error in errors[: self.SHOWN])
        more = len(errors) - self.SHOWN
        super().__init__(
            named + (f"; and {more:,} more problem{'s' if more > 1 else ''}" if more > 0 else "")
        )
        self.errors = errors


def apply(table, *, user, state=ReviewState.DRAFT, progress=_no_progress):
    """Check every row again (the database may have changed since the preview) and write
    them in batches through `record_statuses`, in one transaction. All-or-nothing: once a
    row is refused nothing more is written, the remaining rows are still checked, and
    ImportFailed names every problem while the transaction is rolled back. Returns the
    number of entries written."""
    check = RowCheck(table, user=user, state=state)
    total = len(check)
    progress(0, total)
    errors, batch, written = [], [], 0
    with transaction.atomic():
        for done, (row, problems) in enumerate(check.rows(), start=1):
            errors += problems
            if not errors:
                batch.append(row)
            if len(batch) == BATCH_ROWS or done == total:
                if not errors:
                    prepared = [check.build(row) for row in batch]
                    written += len(record_statuses(prepared, by=user, batch_size=BATCH_ROWS))
                batch = []
            if done % BATCH_ROWS == 0:
                progress(done)
        if errors:
            raise ImportFailed(errors)
    progress(total)
    return written
