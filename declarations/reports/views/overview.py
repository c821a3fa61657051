"""The landing page, the dashboard and a declaration's scorecard."""

from django.conf import settings
from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from ...models import (
    Declaration,
    ImplementationStatus,
    Instrument,
    Reference,
    Rollup,
    rollup,
    rollups_by_declaration,
)
from ...models.base import status_label
from .. import charts
from ..exports import Column, Table
from .base import (
    DASHBOARD_ROWS,
    DUE,
    LAST_UPDATE,
    STATUS,
    can_read_reports,
    date_param,
    days_overdue,
    first_rows_and_count,
    instrument_column,
    instrument_filter,
    instrument_url,
    parent_column,
    report_access,
    report_context,
    respond,
    status_rows,
)


def home(request):
    """The landing page: what the tracker is and where to go next. Readers go to the reports."""
    if request.user.is_authenticated and can_read_reports(request.user):
        return redirect("report_dashboard")
    context = {
        "declarations": Declaration.objects.only("slug", "title", "adopted_on")[:10],
        "instrument_count": Instrument.objects.tracked().count(),
        "public_reports": settings.TRACKER_PUBLIC_REPORTS,
    }
    return render(request, "declarations/home.html", context)


@report_access
def dashboard(request):
    """Status counts overall and per declaration, overdue and stale items, latest updates."""
    scope = instrument_filter(request, Instrument.objects.tracked())
    at = scope.at
    base = report_context(request, at)
    keep = base["keep"]

    overall = rollup(scope.qs)
    declarations = list(Declaration.objects.only("slug", "title", "meeting", "adopted_on"))
    per_declaration = rollups_by_declaration(scope.qs)
    for declaration in declarations:
        declaration.rollup = per_declaration.get(declaration.pk, Rollup())
    shown = [s for s in charts.STATUS_ORDER if any(s in d.rollup.counts for d in declarations)]

    overdue = (
        instrument_filter(request, Instrument.objects.all(), overdue="true")
        .qs.select_related("parent")
        .order_by("due_on", "name")
    )
    stale = (
        instrument_filter(request, Instrument.objects.all(), stale="true")
        .qs.select_related("parent")
        .order_by(F("current_as_of").asc(nulls_first=True), "name")
    )
    updates = (
        ImplementationStatus.objects.known_at(at)
        .select_related("instrument", "party")
        .order_by("-published_at", "-pk")[:DASHBOARD_ROWS]
    )
    overdue, overdue_count = first_rows_and_count(overdue)
    stale, stale_count = first_rows_and_count(stale)

    tables = [
        Table(
            "Status of tracked instruments",
            [
                Column("Status", lambda row: row[0], "status"),
                Column("Instruments", lambda row: row[1], "number"),
                Column(
                    "Share",
                    lambda row: round(100 * row[1] / overall.total) if overall.total else None,
                    "progress",
                ),
            ],
            status_rows(overall),
            empty="No instrument is tracked yet.",
        ),
        Table(
            "Declarations",
            [
                Column(
                    "Declaration",
                    lambda d: d.title,
                    href=lambda d: reverse("report_declaration", args=[d.slug]) + keep,
                ),
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
        ),
        Table(
            "Overdue",
            [instrument_column(keep), parent_column(keep), DUE, days_overdue(at), STATUS],
            overdue,
            empty="Nothing is overdue.",
            more={"count": overdue_count, "url": reverse("report_overdue") + keep},
        ),
        Table(
            "Stale",
            [instrument_column(keep), parent_column(keep), STATUS, LAST_UPDATE],
            stale,
            empty="Everything tracked has a recent update.",
            more={"count": stale_count, "url": reverse("report_stale") + keep},
        ),
        Table(
            "Latest published updates",
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
            empty="Nothing has been published yet.",
        ),
    ]

    def context():
        bars = [
            charts.BarRow(
                d.meeting or d.title,
                d.rollup.counts,
                reverse("report_declaration", args=[d.slug]) + keep,
            )
            for d in declarations
            if d.rollup.total
        ]
        return base | {
            "overall": overall,
            "overdue_count": overdue_count,
            "stale_count": stale_count,
            "declaration_count": len(declarations),
            "chart": charts.stacked_bars(bars, title="Status of instruments by declaration"),
        }

    return respond(
        request,
        template="declarations/dashboard.html",
        tables=tables,
        filename=f"dashboard-{at.isoformat()}",
        context=context,
    )


@report_access
def scorecard(request, slug):
    """One declaration clause by clause, each cited instrument with its status as of the date;
    the roll-up counts only trackable clauses (see `rollups_by_declaration`)."""
    declaration = get_object_or_404(Declaration, slug=slug)
    at = date_param(request, "as_of") or timezone.localdate()
    base = report_context(request, at)
    keep = base["keep"]
    instruments = Instrument.objects.with_current_status(at=at)
    clauses = list(
        declaration.clauses.prefetch_related(
            Prefetch("references", queryset=Reference.objects.order_by("pk")),
            Prefetch("references__instrument", queryset=instruments),
        )
    )
    result = rollups_by_declaration(instruments, declarations=[declaration]).get(
        declaration.pk, Rollup()
    )

    # One row per clause and cited instrument (one row for a clause citing nothing).
    rows = [
        (clause, reference)
        for clause in clauses
        for reference in (clause.references.all() or [None])
    ]

    def instrument_value(attr):
        return lambda row: getattr(row[1].instrument, attr) if row[1] else None

    tables = [
        Table(
            "Roll-up",
            [
                Column("Status", lambda row: row[0], "status"),
                Column("Instruments", lambda row: row[1], "number"),
            ],
            status_rows(result),
            empty="No trackable clause cites an instrument.",
        ),
        Table(
            "Clauses",
            [
                Column("Paragraph", lambda row: row[0].anchor),
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
                Column("Status", instrument_value("current_status"), "status"),
                Column("Progress", instrument_value("current_progress"), "progress"),
                Column("Last update", instrument_value("current_as_of"), "date"),
            ],
            rows,
        ),
    ]

    def context():
        counted = [clause for clause in clauses if clause.trackable]
        return base | {
            "declaration": declaration,
            "rollup": result,
            "preamble": [clause for clause in clauses if clause.part == "preamble"],
            "operative": [clause for clause in clauses if clause.part == "operative"],
            "counted_count": len(counted),
            "chart": charts.stacked_bars(
                [charts.BarRow("Trackable clauses", result.counts)],
                title=f"Status of the instruments adopted by {declaration.title}",
                width=600,
            ),
        }

    return respond(
        request,
        template="declarations/scorecard.html",
        tables=tables,
        filename=f"{declaration.slug}-{at.isoformat()}",
        context=context,
    )
