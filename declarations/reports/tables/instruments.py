"""An instrument's tables and timelines, the country matrix, and the overdue and stale
lists."""

from operator import attrgetter

from ...models import basis_text, party_status_name
from ...models.base import status_label
from .. import charts
from ..exports import Column, Heading, Table
from .columns import (
    CITED_IN,
    DUE,
    LAST_UPDATE,
    PROGRESS,
    STATUS,
    days_overdue,
    days_since_update,
    declaration_url,
    instrument_column,
    parent_column,
)


def completed_by(milestone, at):
    """A milestone's completion date, if it had happened by the report's date `at`."""
    done = milestone.completed_on
    return done if done and done <= at else None


def instrument_tables(*, at, keep, entries, milestones, references):
    """Its published status entries, its milestones and the clauses citing it."""
    return [
        Table(
            "Status timeline",
            [
                Column("As of", lambda e: e.as_of, "date"),
                Column("Party", lambda e: e.party_label),
                Column("Status", lambda e: e.status, "status"),
                Column("Progress", lambda e: e.progress, "progress"),
                Column("Note", lambda e: e.note, "block"),
                Column(
                    "Evidence", lambda e: [(x.title, x.href) for x in e.evidence.all()], "links"
                ),
                Column("Published", lambda e: e.published_at.date(), "date"),
            ],
            entries,
            empty="No status has been published for this instrument.",
        ),
        Table(
            "Milestones",
            [
                instrument_column(keep, "Milestone"),
                Column("Planned", lambda m: m.due_on, "date"),
                Column("Actual", lambda m: completed_by(m, at), "date"),
                STATUS,
                PROGRESS,
                LAST_UPDATE,
            ],
            milestones,
            empty="This instrument has no milestones.",
        ),
        Table(
            "Cited by",
            [
                Column(
                    "Declaration",
                    lambda r: r.clause.declaration.title,
                    href=lambda r: declaration_url(r.clause.declaration, keep, r.clause.anchor),
                ),
                Column("Adopted", lambda r: r.clause.declaration.adopted_on, "date"),
                Column("Paragraph", lambda r: r.clause.anchor),
                Column("Relation", lambda r: r.get_relation_display()),
                Column("Text", lambda r: r.clause.text, "block"),
            ],
            references,
            empty="No clause cites this instrument.",
        ),
    ]


def status_lanes(entries):
    """The status timeline: a lane per party that reported, the region's first."""
    lanes = {}
    for entry in sorted(entries, key=lambda e: (e.party_id is not None, e.party_label)):
        who = entry.party_label
        text = f"{who}: {status_label(entry.status)}"
        if entry.progress is not None:
            text += f", {entry.progress}%"
        lanes.setdefault(who, charts.Lane(who)).points.append(
            charts.Point(entry.as_of, entry.status, f"{text} (as of {entry.as_of:%d %b %Y})")
        )
    return list(lanes.values())


def milestone_lanes(milestones, *, at):
    """A lane per milestone: its planned date (hollow) and its completion by `at`."""
    lanes = []
    for milestone in milestones:
        lane = charts.Lane(str(milestone))
        status = milestone.current_status
        if milestone.due_on:
            planned = f"Planned {milestone.due_on:%d %b %Y}"
            lane.points.append(charts.Point(milestone.due_on, status, planned, hollow=True))
        if done := completed_by(milestone, at):
            lane.points.append(charts.Point(done, status, f"Done {done:%d %b %Y}"))
        lanes.append(lane)
    return lanes


def matrix_table(instruments, parties, *, keep):
    """One row per instrument, one column per party: its latest status (`with_party_statuses`)."""

    def cell(party):
        return attrgetter(party_status_name(party))

    return Table(
        "Country matrix",
        [
            instrument_column(keep),
            Column("Overall", lambda i: i.current_status, "status"),
            *[Column(p.code, cell(p), "mark", title=p.name) for p in parties],
        ],
        instruments,
        empty="No instrument matches.",
    )


def overdue_columns(at):
    return [DUE, days_overdue(at), STATUS, PROGRESS, LAST_UPDATE]


def stale_columns(at):
    return [STATUS, LAST_UPDATE, days_since_update(at)]


def list_table(title, rows, *, columns, keep, empty):
    """An overdue or stale list: each instrument, what it is part of, where it is cited,
    then the list's own `columns`; rows need CITATIONS prefetched."""
    common = [instrument_column(keep), parent_column(keep), CITED_IN]
    return Table(title, common + columns, rows, empty=empty)


def instrument_heading(instrument, by_milestones, *, at):
    """What the instrument page shows above its tables, for its downloads."""
    done = (
        f"{by_milestones.completed} of {by_milestones.count} ({by_milestones.percent}%)"
        if by_milestones
        else None
    )
    return Heading(
        str(instrument),
        (("As of", at),),
        (
            ("Status", status_label(instrument.current_status)),
            ("Based on", basis_text(instrument)),
            ("Progress", instrument.current_progress),
            ("Milestones completed", done),
        ),
    )
