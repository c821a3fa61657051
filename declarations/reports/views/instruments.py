"""An instrument's report, the country matrix, and the overdue and stale lists."""

from operator import attrgetter

from django.conf import settings
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from ...models import (
    Declaration,
    Instrument,
    Party,
    PartyGroup,
    Theme,
    party_status_name,
)
from ...models.base import status_label
from .. import charts
from ..exports import Column, Table
from .base import (
    CITATIONS,
    CITED_IN,
    DUE,
    LAST_UPDATE,
    PROGRESS,
    STATUS,
    date_param,
    days_overdue,
    days_since_update,
    instrument_column,
    instrument_filter,
    parent_column,
    report_access,
    report_context,
    respond,
)


@report_access
def instrument_report(request, slug):
    """One instrument: status timeline, milestones, evidence, and every citing clause."""
    at = date_param(request, "as_of") or timezone.localdate()
    instrument = get_object_or_404(
        Instrument.objects.with_current_status(at=at)
        .select_related("parent")
        .prefetch_related("themes", "lead_parties"),
        slug=slug,
    )
    base = report_context(request, at)
    keep = base["keep"]
    entries = list(
        instrument.statuses.known_at(at)
        .select_related("party")
        .prefetch_related("evidence")
        .order_by("-as_of", "-published_at", "-pk")
    )
    milestones = list(
        instrument.children.with_current_status(at=at).order_by(
            F("due_on").asc(nulls_last=True), "name"
        )
    )
    references = list(
        instrument.references.select_related("clause__declaration").order_by(
            "-clause__declaration__adopted_on",
            "clause__declaration__title",
            "-clause__part",
            "clause__number",
        )
    )

    def actual(milestone):
        """The completion date, if it had happened by the report's date."""
        return (
            milestone.completed_on
            if milestone.completed_on and milestone.completed_on <= at
            else None
        )

    tables = [
        Table(
            "Status timeline",
            [
                Column("As of", lambda e: e.as_of, "date"),
                Column("Party", lambda e: e.party_label),
                Column("Status", lambda e: e.status, "status"),
                Column("Progress", lambda e: e.progress, "progress"),
                Column("Note", lambda e: e.note, "block"),
                Column("Evidence", lambda e: [(x.title, x.url) for x in e.evidence.all()], "links"),
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
                Column("Actual", actual, "date"),
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
                    href=lambda r: (
                        reverse("report_declaration", args=[r.clause.declaration.slug])
                        + keep
                        + f"#{r.clause.anchor}"
                    ),
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

    def context():
        lanes = {}
        for entry in sorted(
            entries, key=lambda e: (e.party_id is not None, e.party.name if e.party_id else "")
        ):
            who = entry.party_label
            text = f"{who}: {status_label(entry.status)}"
            if entry.progress is not None:
                text += f", {entry.progress}%"
            lanes.setdefault(who, charts.Lane(who)).points.append(
                charts.Point(entry.as_of, entry.status, f"{text} (as of {entry.as_of:%d %b %Y})")
            )
        milestone_lanes = []
        for milestone in milestones:
            lane = charts.Lane(str(milestone))
            if milestone.due_on:
                lane.points.append(
                    charts.Point(
                        milestone.due_on,
                        milestone.current_status,
                        f"Planned {milestone.due_on:%d %b %Y}",
                        hollow=True,
                    )
                )
            if actual(milestone):
                lane.points.append(
                    charts.Point(
                        milestone.completed_on,
                        milestone.current_status,
                        f"Done {milestone.completed_on:%d %b %Y}",
                    )
                )
            milestone_lanes.append(lane)
        return base | {
            "instrument": instrument,
            "timeline_chart": charts.timeline(
                list(lanes.values()), title=f"Status timeline of {instrument}", marker=at
            ),
            "milestone_chart": charts.timeline(
                milestone_lanes, title=f"Milestones of {instrument}", marker=at
            ),
            "entries": entries,
        }

    return respond(
        request,
        template="declarations/instrument.html",
        tables=tables,
        filename=f"{instrument.slug}-{at.isoformat()}",
        context=context,
    )


def filter_choices():
    return {
        "declaration_choices": list(Declaration.objects.values_list("slug", "title")),
        "theme_choices": list(Theme.objects.values_list("slug", "name")),
    }


@report_access
def country_matrix(request):
    """Tracked instruments by party: each cell is the party's latest published status."""
    scope = instrument_filter(request, Instrument.objects.tracked())
    at = scope.at
    base = report_context(request, at)
    keep = base["keep"]
    # ASEAN Member States always have a column; other parties once they report on one of
    # these instruments. Every party is looked up: a probe per instrument and party costs
    # less than finding out first which parties have reported (that scans the history).
    candidates = list(Party.objects.all())
    instruments = list(
        scope.qs.with_party_statuses(candidates, at=at).select_related("parent").order_by("name")
    )
    parties = [
        party
        for party in candidates
        if party.group == PartyGroup.ASEAN
        or any(getattr(i, party_status_name(party)) for i in instruments)
    ]

    def cell(party):
        return attrgetter(party_status_name(party))

    tables = [
        Table(
            "Country matrix",
            [
                instrument_column(keep),
                Column("Overall", lambda i: i.current_status, "status"),
                *[Column(p.code, cell(p), "mark", title=p.name) for p in parties],
            ],
            instruments,
            empty="No instrument matches.",
        )
    ]
    return respond(
        request,
        template="declarations/matrix.html",
        tables=tables,
        filename=f"country-matrix-{at.isoformat()}",
        context=lambda: (
            base | {"parties": parties, "filters": scope.form.cleaned_data} | filter_choices()
        ),
    )


def instrument_list(request, *, title, rule, empty, order, columns, **forced):
    """An overdue or stale list: the shared InstrumentFilter with its rule switched on."""
    scope = instrument_filter(request, Instrument.objects.all(), **forced)
    at = scope.at
    base = report_context(request, at)
    keep = base["keep"]
    rows = scope.qs.select_related("parent").prefetch_related(CITATIONS).order_by(*order)
    common = [instrument_column(keep), parent_column(keep), CITED_IN]
    return respond(
        request,
        template="declarations/list.html",
        tables=[Table(title, common + columns(at), rows, empty=empty)],
        filename=f"{title.lower()}-{at.isoformat()}",
        context=lambda: (
            base
            | {"title": title, "rule": rule, "filters": scope.form.cleaned_data}
            | filter_choices()
        ),
    )


@report_access
def overdue_report(request):
    return instrument_list(
        request,
        title="Overdue",
        rule="Due date passed, not completed by the date, and the status on that date is "
        "neither completed nor discontinued.",
        empty="Nothing is overdue.",
        order=["due_on", "name"],
        columns=lambda at: [DUE, days_overdue(at), STATUS, PROGRESS, LAST_UPDATE],
        overdue="true",
    )


@report_access
def stale_report(request):
    return instrument_list(
        request,
        title="Stale",
        rule=f"Tracked, neither completed nor discontinued, and no published assessment in "
        f"the {settings.TRACKER_STALE_AFTER_DAYS} days before the date (never assessed counts "
        "as stale).",
        empty="Everything tracked is up to date.",
        order=[F("current_as_of").asc(nulls_first=True), "name"],
        columns=lambda at: [STATUS, LAST_UPDATE, days_since_update(at)],
        stale="true",
    )
