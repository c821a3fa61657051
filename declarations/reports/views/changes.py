"""What changed between two dates, and the search."""

import datetime

from django.core.exceptions import BadRequest
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from ...models import (
    Clause,
    Declaration,
    ImplementationStatus,
    Instrument,
    end_of_day,
)
from ..tables.changes import changes_tables, search_tables
from .base import (
    DEFAULT_CHANGES_DAYS,
    LIST_ORDER,
    SEARCH_ROWS,
    date_param,
    instrument_filter,
    report_access,
    report_context,
    respond,
)


def changes_window(request):
    """The report's (from, to) dates. `to` is the as-of date or today; `from` defaults to the
    adoption of the latest declaration by then (the latest meeting)."""
    end = date_param(request, "to") or date_param(request, "as_of") or timezone.localdate()
    start = date_param(request, "from")
    if start is None:
        latest = (
            Declaration.objects.filter(adopted_on__lte=end)
            .values_list("adopted_on", flat=True)
            .first()
        )
        start = latest or end - datetime.timedelta(days=DEFAULT_CHANGES_DAYS)
    if start > end:
        raise BadRequest("from must not be after to.")
    return start, end


def status_changes(instruments, *, start):
    """The `instruments` (annotated with their current status at the end date) whose status
    differs from the one known at the end of `start`, each with its `previous_status`."""
    before = dict(
        Instrument.objects.filter(pk__in=instruments.values("pk"))
        .with_current_status(at=start)
        .values_list("pk", "current_status")
    )
    changed = [
        instrument
        for instrument in instruments.select_related("parent").order_by("name")
        if before.get(instrument.pk) != instrument.current_status
    ]
    for instrument in changed:
        instrument.previous_status = before.get(instrument.pk)
    return changed


@report_access
def changes_report(request):
    """What changed status, what was added and what became overdue between two dates.

    A status counts as changed when the current status known at the end of `to` differs
    from the one known at the end of `from`.
    """
    start, end = changes_window(request)
    window = {"created_at__gt": end_of_day(start), "created_at__lte": end_of_day(end)}
    scope = instrument_filter(request, Instrument.objects.tracked(), as_of=end.isoformat())
    base = report_context(request, end)
    added = sorted(
        [
            *Declaration.objects.filter(**window),
            *Instrument.objects.filter(**window).select_related("parent"),
        ],
        key=lambda obj: obj.created_at,
    )
    became_overdue = (
        instrument_filter(request, Instrument.objects.all(), overdue="true", as_of=end.isoformat())
        .qs.exclude(pk__in=Instrument.objects.overdue(at=start).values("pk"))
        .select_related("parent")
        .order_by(*LIST_ORDER["overdue"])
    )
    tables = changes_tables(
        keep=base["keep"],
        changed=status_changes(scope.qs, start=start),
        added=added,
        became_overdue=became_overdue,
    )
    published = ImplementationStatus.objects.published().filter(
        published_at__gt=end_of_day(start), published_at__lte=end_of_day(end)
    )
    return respond(
        request,
        template="declarations/changes.html",
        tables=tables,
        filename=f"changes-{start.isoformat()}-{end.isoformat()}",
        context=lambda: base | {"start": start, "end": end, "published_count": published.count()},
    )


def search_matches(text, *, at):
    """Clauses and instruments matching `text`: PostgreSQL full-text search on PostgreSQL,
    every word as a case-insensitive substring elsewhere. Acronyms also match exactly."""
    clauses = Clause.objects.select_related("declaration")
    instruments = Instrument.objects.with_current_status(at=at)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        query = SearchQuery(text, search_type="websearch", config="english")
        clause_vector = SearchVector("text", config="english")
        clauses = (
            clauses.annotate(document=clause_vector, rank=SearchRank(clause_vector, query))
            .filter(document=query)
            .order_by("-rank", "-declaration__adopted_on", "-part", "number")
        )
        instrument_vector = SearchVector("name", "acronym", config="english")
        instruments = (
            instruments.annotate(
                document=instrument_vector, rank=SearchRank(instrument_vector, query)
            )
            .filter(Q(document=query) | Q(acronym__iexact=text))
            .order_by("-rank", "name")
        )
    else:
        words = text.split()
        clause_match, name_match = Q(), Q()
        for word in words:
            clause_match &= Q(text__icontains=word)
            name_match &= Q(name__icontains=word)
        clauses = clauses.filter(clause_match).order_by(
            "-declaration__adopted_on", "-part", "number"
        )
        instruments = instruments.filter(name_match | Q(acronym__iexact=text)).order_by("name")
    return clauses[:SEARCH_ROWS], instruments[:SEARCH_ROWS]


@report_access
def search(request):
    """Search clause texts, instrument names and acronyms."""
    text = request.GET.get("q", "").strip()[:200]
    at = date_param(request, "as_of") or timezone.localdate()
    base = report_context(request, at)
    clauses, instruments = search_matches(text, at=at) if text else ([], [])
    tables = search_tables(keep=base["keep"], instruments=instruments, clauses=clauses)
    return respond(
        request,
        template="declarations/search.html",
        tables=tables,
        filename="search",
        context=lambda: base | {"q": text},
    )
