"""The dashboard's and a declaration scorecard's tables and bars."""

from django.urls import reverse

from ...models import basis_text
from ...models.base import status_label
from .. import charts
from ..exports import Column, Heading, Table
from .columns import (
    DUE,
    LAST_UPDATE,
    STATUS,
    days_overdue,
    declaration_url,
    instrument_column,
    instrument_url,
    parent_column,
    status_count_columns,
    status_rows,
)


def dashboard_tables(*, at, keep, overall, declarations, overdue, stale, updates):
    """`overall` is the tracked instruments' roll-up; each of `declarations` carries its own
    `rollup`; `overdue` and `stale` are (first rows, full count) pairs; `updates` the latest
    published entries."""
    overdue_rows, overdue_count = overdue
    stale_rows, stale_count = stale
    return [
        Table(
            "Status of tracked instruments",
            [
                *status_count_columns(),
                Column(
                    "Share",
                    lambda row: round(100 * row[1] / overall.total) if overall.total else None,
                    "progress",
                ),
            ],
            status_rows(overall),
            empty="No instrument is tracked yet.",
        ),
        declarations_table(declarations, keep=keep),
        Table(
            "Overdue",
            [instrument_column(keep), parent_column(keep), DUE, days_overdue(at), STATUS],
            overdue_rows,
            empty="Nothing is overdue.",
            more={"count": overdue_count, "url": reverse("report_overdue") + keep},
        ),
        Table(
            "Stale",
            [instrument_column(keep), parent_column(keep), STATUS, LAST_UPDATE],
            stale_rows,
            empty="Everything tracked has a recent update.",
            more={"count": stale_count, "url": reverse("report_stale") + keep},
        ),
        updates_table(updates, keep=keep),
    ]


def declarations_table(declarations, *, keep):
    """Each declaration's roll-up, a column per status that any of them has."""
    shown = [s for s in charts.STATUS_ORDER if any(s in d.rollup.counts for d in declarations)]
    return Table(
        "Declarations",
        [
            Column("Declaration", lambda d: d.title, href=lambda d: declaration_url(d, keep)),
            Column("Adopted", lambda d: d.adopted_on, "date"),
            Column("Tracked", lambda d: d.rollup.total, "number"),
            *[
                Column(status_label(s), lambda d, s=s: d.rollup.counts.get(s, 0), "number")
                for s in shown
            ],
            Column("Per cent complete", lambda d: d.rollup.percent, "progress"),
        ],
        declarations,
        empty="No declaration has been recorded yet.",
    )


def updates_table(
    updates, *, keep, title="Latest published updates", empty="Nothing has been published yet."
):
    """Published entries, newest or oldest first as `updates` are ordered."""
    return Table(
        title,
        [
            Column("Published", lambda e: e.published_at.date(), "date"),
            Column(
                "Instrument",
                lambda e: str(e.instrument),
                href=lambda e: instrument_url(e.instrument, keep),
            ),
            Column("Party", lambda e: e.party_label),
            Column("Status", lambda e: e.status, "status"),
            Column("Progress", lambda e: e.progress, "progress"),
            Column("As of", lambda e: e.as_of, "date"),
            Column("Note", lambda e: e.note, "block"),
        ],
        updates,
        empty=empty,
    )


def declaration_bars(declarations, *, keep):
    """The dashboard chart's bars: one per declaration that tracks anything."""
    return [
        charts.BarRow(d.meeting or d.title, d.rollup.counts, declaration_url(d, keep))
        for d in declarations
        if d.rollup.total
    ]


def scorecard_tables(clauses, result, *, keep):
    """The roll-up `result`, then one row per clause and cited instrument (one row for a
    clause citing nothing); `clauses` have their references and instruments prefetched."""
    rows = [
        (clause, reference)
        for clause in clauses
        for reference in (clause.references.all() or [None])
    ]

    def cites(row):
        return row[1] is not None

    def instrument_value(attr):
        return lambda row: getattr(row[1].instrument, attr) if row[1] else None

    return [
        Table(
            "Roll-up",
            status_count_columns(),
            status_rows(result),
            empty="No trackable clause cites an instrument.",
        ),
        Table(
            "Clauses",
            [
                Column("Paragraph", lambda row: row[0].anchor),
                Column(
                    "Printed no.",
                    lambda row: row[0].printed_number,
                    applies=lambda row: bool(row[0].printed_number),
                ),
                Column("Part", lambda row: row[0].get_part_display()),
                Column("Lead word", lambda row: row[0].lead_word),
                Column("Text", lambda row: row[0].text, "block"),
                Column("Counted", lambda row: "yes" if row[1] and row[1].is_tracked else "no"),
                Column(
                    "Instrument",
                    lambda row: str(row[1].instrument) if row[1] else None,
                    href=lambda row: instrument_url(row[1].instrument, keep) if row[1] else None,
                ),
                Column("Relation", lambda row: row[1].get_relation_display() if row[1] else None),
                Column("Status", instrument_value("current_status"), "status", applies=cites),
                Column("Based on", lambda row: basis_text(row[1].instrument), applies=cites),
                Column("Progress", instrument_value("current_progress"), "progress"),
                Column("Last update", instrument_value("current_as_of"), "date"),
            ],
            rows,
        ),
    ]


def dashboard_heading(*, at, counted, overdue, stale, declarations):
    """What the dashboard shows above its tables, for its downloads."""
    return Heading(
        "Dashboard",
        (("As of", at),),
        (
            ("Tracked instruments", counted.overall.total),
            ("Counted per declaration", counted.per_declaration_total),
            ("Per cent complete", counted.overall.percent),
            ("Overdue", overdue[1]),
            ("Stale", stale[1]),
            ("Declarations", len(declarations)),
        ),
    )


def scorecard_heading(declaration, result, *, at):
    return Heading(
        declaration.title,
        (("As of", at),),
        (
            ("Tracked instruments", result.total),
            ("Per cent complete", result.percent),
            ("Of which from milestones", result.from_milestones),
        ),
    )
