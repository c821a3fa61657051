"""What a status import's check gives: each good row with what it builds, each problem by
row and column, and the preview of a whole file (`status_import.validate`)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        if self.column == "-":
            return f"Row {self.row:,}: {self.message}"
        return f"Row {self.row:,}, column {self.column}: {self.message}"


# The columns that are `record_status` arguments of the same name.
ENTRY_COLUMNS = ("instrument", "party", "status", "progress", "as_of", "note")


@dataclass
class ImportRow:
    """One checked row: `record_status`'s arguments, and what `prepare_entry` built from
    them: the unsaved entry and its evidence, which the preview shows and `apply` writes."""

    row: int
    fields: dict
    prepared: tuple = None  # (entry, evidence links), once built (`RowCheck.build`)

    @property
    def evidence(self):
        return self.fields["evidence"]

    @property
    def entry(self):
        return self.prepared[0]

    def shown(self):
        """The row as the preview shows it, in words (kept with a background check)."""
        entry = self.entry
        return {
            "row": self.row,
            "instrument": str(entry.instrument),
            "party": entry.party_label,
            "status": entry.get_status_display(),
            "progress": entry.progress,
            "as_of": entry.as_of.isoformat(),
            "note": entry.note[:120],
            "evidence": len(self.evidence),
        }


@dataclass
class Preview:
    rows: list  # the first SAMPLE_ROWS good rows
    errors: list  # every problem of every row
    count: int  # rows in the file

    @property
    def ok(self):
        return not self.errors
