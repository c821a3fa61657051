"""An instrument's report, the country matrix, and the overdue and stale lists."""

from django.conf import settings
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ...models import (
    Declaration,
    Instrument,
    Party,
    PartyGroup,
    Theme,
    basis_text,
    milestone_progress,
    party_status_name,
)
from .. import charts
from ..exports import Heading
from ..tables.columns import CITATIONS
from ..tables.instruments import (
    instrument_heading,
    instrument_tables,
    list_table,
    matrix_table,
    milestone_lanes,
    overdue_columns,
    stale_columns,
    status_lanes,
)
from .base import (
    date_param,
    instrument_filter,
    report_access,
    report_context,
    respond,
    rule_list,
)

# The declarations citing an instrument, newest first, each in reading order.
CITING_ORDER = (
    "-clause__declaration__adopted_on",
    "clause__declaration__title",
    "-clause__part",
    "clause__number",
)


def instrument_rows(instrument, at):
    """An instrument's entries known on `at` (newest first), its milestones with their
    status then, and the paragraphs citing it."""
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
        instrument.references.select_related("clause__declaration").order_by(*CITING_ORDER)
    )
    return entries, milestones, references


@report_access
def instrument_report(request, slug):
    """One instrument: status timeline, milestones, evidence, and every citing clause."""
    at = date_param(request, "as_of") or timezone.localdate()
    instrument = get_object_or_404(
        Instrument.objects.with_current_status(at=at)
        .select_related("parent", "series")
        .prefetch_related("themes", "lead_parties"),
        slug=slug,
    )
    editions = list(instrument.series.ordered_editions()) if instrument.series else []
    base = report_context(request, at)
    entries, milestones, references = instrument_rows(instrument, at)
    by_milestones = milestone_progress([instrument.pk], at).get(instrument.pk)
    tables = instrument_tables(
        at=at, keep=base["keep"], entries=entries, milestones=milestones, references=references
    )
    return respond(
        request,
        template="declarations/instrument.html",
        tables=tables,
        filename=f"{instrument.slug}-{at.isoformat()}",
        heading=instrument_heading(instrument, by_milestones, at=at),
        context=lambda: (
            base
            | {
                "instrument": instrument,
                "editions": editions,
                "basis": basis_text(instrument),
                "milestone_progress": by_milestones,
                "timeline_chart": charts.timeline(
                    status_lanes(entries), title=f"Status timeline of {instrument}", marker=at
                ),
                "milestone_chart": charts.timeline(
                    milestone_lanes(milestones, at=at),
                    title=f"Milestones of {instrument}",
                    marker=at,
                ),
                "entries": entries,
            }
        ),
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
    return respond(
        request,
        template="declarations/matrix.html",
        tables=[matrix_table(instruments, parties, keep=base["keep"])],
        filename=f"country-matrix-{at.isoformat()}",
        heading=Heading(
            "Country matrix",
            (("As of", at),),
            (("Instruments", len(instruments)), ("Parties", len(parties))),
        ),
        context=lambda: (
            base | {"parties": parties, "filters": scope.form.cleaned_data} | filter_choices()
        ),
    )


def instrument_list(request, *, rule, title, explanation, empty, columns):
    """An overdue or stale list: the shared InstrumentFilter with its `rule` switched on."""
    scope, rows = rule_list(request, rule)
    at = scope.at
    base = report_context(request, at)
    table = list_table(
        title,
        rows.prefetch_related(CITATIONS),
        columns=columns(at),
        keep=base["keep"],
        empty=empty,
    )
    return respond(
        request,
        template="declarations/list.html",
        tables=[table],
        filename=f"{rule}-{at.isoformat()}",
        heading=Heading(title, (("As of", at),), ((title, rows.count),)),
        context=lambda: (
            base
            | {"title": title, "rule": explanation, "filters": scope.form.cleaned_data}
            | filter_choices()
        ),
    )


@report_access
def overdue_report(request):
    return instrument_list(
        request,
        rule="overdue",
        title="Overdue",
        explanation="Due date passed, not completed by the date, and the status on that date "
        "is neither completed nor discontinued.",
        empty="Nothing is overdue.",
        columns=overdue_columns,
    )


@report_access
def stale_report(request):
    return instrument_list(
        request,
        rule="stale",
        title="Stale",
        explanation=f"Tracked, neither completed nor discontinued, and no published assessment "
        f"in the {settings.TRACKER_STALE_AFTER_DAYS} days before the date (never assessed "
        "counts as stale).",
        empty="Everything tracked is up to date.",
        columns=stale_columns,
    )
