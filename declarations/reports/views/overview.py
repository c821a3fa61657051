"""The landing page, the dashboard and a declaration's scorecard."""

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from ...models import (
    Declaration,
    ImplementationStatus,
    Instrument,
    Reference,
    rollups,
)
from .. import charts
from ..tables.overview import (
    dashboard_heading,
    dashboard_tables,
    declaration_bars,
    scorecard_heading,
    scorecard_tables,
)
from .base import (
    DASHBOARD_ROWS,
    can_read_reports,
    date_param,
    first_rows_and_count,
    instrument_filter,
    report_access,
    report_context,
    respond,
    rule_list,
)


def home(request):
    """The landing page: what the tracker is and where to go next. Readers go to the reports."""
    if request.user.is_authenticated and can_read_reports(request.user):
        return redirect("report_dashboard")
    context = {
        "declarations": Declaration.objects.only("slug", "title", "adopted_on")[:10],
        "instrument_count": Instrument.objects.cited().count(),
        "public_reports": settings.TRACKER_PUBLIC_REPORTS,
    }
    return render(request, "declarations/home.html", context)


@report_access
def dashboard(request):
    """Status counts overall and per declaration, overdue and stale items, latest updates."""
    scope = instrument_filter(request, Instrument.objects.tracked())
    at = scope.at
    base = report_context(request, at)
    counted = rollups(scope.qs, at=at)
    overall = counted.overall
    declarations = list(Declaration.objects.only("slug", "title", "meeting", "adopted_on"))
    for declaration in declarations:
        declaration.rollup = counted.of(declaration)
    updates = (
        ImplementationStatus.objects.known_at(at)
        .select_related("instrument", "party")
        .order_by("-published_at", "-pk")[:DASHBOARD_ROWS]
    )
    overdue = first_rows_and_count(rule_list(request, "overdue")[1])
    stale = first_rows_and_count(rule_list(request, "stale")[1])
    tables = dashboard_tables(
        at=at,
        keep=base["keep"],
        overall=overall,
        declarations=declarations,
        overdue=overdue,
        stale=stale,
        updates=updates,
    )
    return respond(
        request,
        template="declarations/dashboard.html",
        tables=tables,
        filename=f"dashboard-{at.isoformat()}",
        heading=dashboard_heading(
            at=at, counted=counted, overdue=overdue, stale=stale, declarations=declarations
        ),
        context=lambda: (
            base
            | {
                "overall": overall,
                "per_declaration_total": counted.per_declaration_total,
                "overdue_count": overdue[1],
                "stale_count": stale[1],
                "declaration_count": len(declarations),
                "chart": charts.stacked_bars(
                    declaration_bars(declarations, keep=base["keep"]),
                    title="Status of instruments by declaration",
                ),
            }
        ),
    )


@report_access
def scorecard(request, slug):
    """One declaration clause by clause, each cited instrument with its status as of the date;
    the roll-up counts only trackable clauses (see `rollups`)."""
    declaration = get_object_or_404(Declaration, slug=slug)
    at = date_param(request, "as_of") or timezone.localdate()
    base = report_context(request, at)
    instruments = Instrument.objects.with_current_status(at=at)
    clauses = list(
        declaration.clauses.prefetch_related(
            Prefetch("references", queryset=Reference.objects.order_by("pk")),
            Prefetch("references__instrument", queryset=instruments),
        )
    )
    counted = rollups(instruments, at=at, declarations=[declaration])
    result = counted.of(declaration)
    for clause in clauses:
        for reference in clause.references.all():
            reference.instrument.milestones = counted.milestones.get(reference.instrument_id)
    return respond(
        request,
        template="declarations/scorecard.html",
        tables=scorecard_tables(clauses, result, keep=base["keep"]),
        filename=f"{declaration.slug}-{at.isoformat()}",
        heading=scorecard_heading(declaration, result, at=at),
        context=lambda: (
            base
            | {
                "declaration": declaration,
                "rollup": result,
                "preamble": [clause for clause in clauses if clause.part == "preamble"],
                "operative": [clause for clause in clauses if clause.part == "operative"],
                "counted_count": sum(1 for clause in clauses if clause.trackable),
                "chart": charts.stacked_bars(
                    [charts.BarRow("Trackable clauses", result.counts)],
                    title=f"Status of the instruments adopted by {declaration.title}",
                    width=600,
                ),
            }
        ),
    )
