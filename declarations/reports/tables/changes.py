"""The tables of "what changed between two dates" and of the search."""

from ...models import Declaration, Instrument
from ..exports import Column, Table
from .columns import (
    DUE,
    LAST_UPDATE,
    PROGRESS,
    STATUS,
    declaration_url,
    instrument_column,
    instrument_url,
    parent_column,
)
from .overview import updates_table


def changes_tables(*, keep, changed, added, became_overdue, published):
    """`changed` instruments carry their `previous_status` and `previous_progress`; `added`
    mixes declarations and instruments by `added_on`; `published` is the entries published
    in the period. Each table's title carries its row count, so a count always equals the
    rows listed."""

    def added_url(obj):
        if isinstance(obj, Declaration):
            return declaration_url(obj, keep)
        return instrument_url(obj, keep)

    def added_type(obj):
        if isinstance(obj, Declaration):
            return "Declaration"
        return "Milestone" if obj.parent_id else "Instrument"

    added = list(added)
    became_overdue = list(became_overdue)
    published = list(published)
    return [
        Table(
            counted("Status or progress changed", changed),
            [
                instrument_column(keep),
                parent_column(keep),
                Column("Was", lambda i: i.previous_status, "status"),
                Column("Now", lambda i: i.current_status, "status"),
                Column("Progress was", lambda i: i.previous_progress, "progress"),
                PROGRESS,
                LAST_UPDATE,
            ],
            changed,
            empty="No status or progress changed.",
        ),
        Table(
            counted("Added", added),
            [
                Column("Type", added_type),
                Column("Name", str, href=added_url),
                Column(
                    "Kind",
                    lambda obj: obj.get_kind_display() if isinstance(obj, Instrument) else None,
                ),
                Column("Adopted", lambda obj: obj.added_on, "date"),
            ],
            added,
            empty="Nothing was added.",
        ),
        Table(
            counted("Became overdue", became_overdue),
            [instrument_column(keep), parent_column(keep), DUE, STATUS],
            became_overdue,
            empty="Nothing became overdue.",
        ),
        updates_table(
            published,
            keep=keep,
            title=counted("Status entries published", published),
            empty="No entry was published.",
        ),
    ]


def counted(title, rows):
    return f"{title} ({len(rows)})"


def search_tables(*, keep, instruments, clauses):
    return [
        Table(
            "Instruments",
            [
                instrument_column(keep),
                Column("Acronym", lambda i: i.acronym),
                Column("Kind", lambda i: i.get_kind_display()),
                STATUS,
            ],
            instruments,
            empty="No instrument matches.",
        ),
        Table(
            "Clauses",
            [
                Column(
                    "Declaration",
                    lambda c: c.declaration.title,
                    href=lambda c: declaration_url(c.declaration, keep, c.anchor),
                ),
                Column("Paragraph", lambda c: c.anchor),
                Column("Text", lambda c: c.text, "block"),
            ],
            clauses,
            empty="No clause matches.",
        ),
    ]
