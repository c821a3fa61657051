"""A status file's rows: an entry's cells as the export writes them (`export_row`), and
cells read back fast, to `record_status`'s arguments, with converters built once per file.

`RowReader.read` accepts a row only when every cell passes the rules of the import's row
form (`status_import.StatusRowForm`): text that can be stored, a known instrument and
party, a status, a whole number from 0 to 100, a YYYY-MM-DD date, http(s) links of at
most 500 characters. Those rules hold each value to the entry's and the evidence's own
field rules too (choices, ranges, lengths), so the import writes what the reader accepts
without validating each model instance again; tests/test_status_rows.py checks that every
row it accepts passes that validation. A row it does not accept is handed to the form,
which names each problem, by column, in the words the preview has always used: the
reader never words a refusal itself.

What costs the form most (a bound field, its widget and its validators per cell) becomes
a regular-expression search per row and a dictionary or set look-up per cell.
"""

import datetime
from functools import lru_cache
from operator import itemgetter

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ..models import EvidenceKind, Status
from ..text import UNSTORABLE

# The columns the row form reads, in its order; `instrument_name` is for people only.
FORM_COLUMNS = (
    "instrument",
    "party",
    "status",
    "progress",
    "as_of",
    "note",
    "evidence_url",
    "evidence_title",
)
# Status.values builds its list on every use; a file asks once per row.
STATUS_VALUES = frozenset(Status.values)
EVIDENCE_TITLE_SEPARATOR = " | "
MAX_URL_LENGTH = 500
MAX_TITLE_LENGTH = 200

url_is_valid = URLValidator(schemes=["http", "https"])


def format_evidence(items):
    """The `evidence_url` and `evidence_title` cells for evidence dicts (title, url)."""
    items = list(items)
    return (
        "\n".join(item["url"] for item in items),
        EVIDENCE_TITLE_SEPARATOR.join(item["title"] for item in items),
    )


def export_row(entry):
    """An entry's cells in `status_import.COLUMNS` order, as the import reads them back.
    The entry should be read with `with_evidence()` and its instrument and party."""
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


def evidence_items(urls, title_cell):
    """The links as `record_status` takes them, from a row's addresses and its title cell
    (titles separated by "|", in the same order); a missing title is the address."""
    titles = [title.strip() for title in title_cell.split("|")]
    titles += [""] * len(urls)
    return [
        {"title": (title or url)[:MAX_TITLE_LENGTH], "url": url, "kind": EvidenceKind.OTHER}
        for url, title in zip(urls, titles, strict=False)
    ]


class RowReader:
    """One file's converters: `names` are its header's columns, `instruments` (slug ->
    Instrument) and `parties` (upper-case code -> Party) its look-ups, read once."""

    def __init__(self, names, *, instruments, parties):
        self.width = len(names)
        # A column the file lacks reads as an empty cell, the one appended to each row.
        positions = [names.index(name) if name in names else self.width for name in FORM_COLUMNS]
        self.take = itemgetter(*positions)
        self.padding = [""] * (self.width + 1)
        self.instruments, self.parties = instruments, parties
        # Files repeat their links; each distinct one is checked once.
        self.link_is_valid = lru_cache(maxsize=4096)(self._link_is_valid)

    @staticmethod
    def _link_is_valid(url):
        if len(url) > MAX_URL_LENGTH:
            return False
        try:
            url_is_valid(url)
        except ValidationError:
            return False
        return True

    def cells(self, cells):
        """The form's cells of a row as the form cleans them (stripped), in FORM_COLUMNS
        order."""
        cells = [*cells[: self.width], *self.padding[min(len(cells), self.width) :]]
        return [cell.strip() for cell in self.take(cells)]

    def read(self, cells):
        """`record_status`'s fields for a row's cells (a list of strings in header order),
        the evidence included; None when any cell fails a rule (the form says which)."""
        values = self.cells(cells)
        if UNSTORABLE.search("\n".join(values)):
            return None
        slug, code, status, progress, as_of, note, urls, titles = values
        instrument = self.instruments.get(slug)
        if instrument is None:
            return None
        if code:
            party = self.parties.get(code.upper())
            if party is None:
                return None
        else:
            party = None  # the region as a whole
        status = status.lower()
        if status not in STATUS_VALUES:
            return None
        if progress:
            try:
                progress = int(progress)
            except ValueError:
                return None
            if not 0 <= progress <= 100:
                return None
        else:
            progress = None
        try:
            as_of = datetime.date.fromisoformat(as_of)
        except ValueError:
            return None
        urls = urls.split()
        if not all(map(self.link_is_valid, urls)):
            return None
        return {
            "instrument": instrument,
            "party": party,
            "status": status,
            "progress": progress,
            "as_of": as_of,
            "note": note,
            "evidence": evidence_items(urls, titles) if urls else [],
        }
