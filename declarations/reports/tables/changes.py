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


def changes_tables(*, keep, changed, added, became_overdue):
    """`changed` instruments carry their `previous_status`; `added` mixes declarations and
    instruments in the order they were recorded."""

    def added_url(obj):
        if isinstance(obj, Declaration):
            return declaration_url(obj, keep)
        return instrument_url(obj, keep)

    def added_type(obj):
        if isinstance(obj, Declaration):
            return "Declaration"
        return "Milestone" if obj.parent_id else "Instrument"

    return [
        Table(
            "Status changes",
            [
                instrument_column(keep),
                parent_column(keep),
                Column("Was", lambda i: i.previous_status, "status"),
                Column("Now", lambda i: i.current_status, "status"),
                PROGRESS,
                LAST_UPDATE,
            ],
            changed,
            empty="No status changed.",
        ),
        Table(
            "Added",
            [
                Column("Type", added_type),
                Column("Name", str, href=added_url),
                Column(
                    "Kind",
                    lambda obj: obj.get_kind_display() if isinstance(obj, Instrument) else None,
                ),
                Column("Added", lambda obj: obj.created_at.date(), "date"),
            ],
            added,
            empty="Nothing was added.",
        ),
        Table(
            "Became overdue",
            [instrument_column(keep), parent_column(keep), DUE, STATUS],
            became_overdue,
            empty="Nothing became overdue.",
        ),
    ]


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
