"""What changed between two dates, and the search."""

import datetime

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from ...models import (
    Clause,
    Declaration,
    ImplementationStatus,
    Instrument,
    Reference,
    end_of_day,
)
from ..exports import Heading
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
    """The `instruments` (annotated with their overall status at the end date) whose status
    differs from the one known at the end of `start`, or whose progress moved by at least
    TRACKER_CHANGES_PROGRESS_STEP points; each carries `previous_status` and
    `previous_progress`."""
    before = {
        pk: (status, progress)
        for pk, status, progress in Instrument.objects.filter(pk__in=instruments.values("pk"))
        .with_current_status(at=start)
        .values_list("pk", "current_status", "current_progress")
    }
    changed = []
    for instrument in instruments.select_related("parent").order_by("name"):
        status, progress = before.get(instrument.pk, (None, None))
        instrument.previous_status, instrument.previous_progress = status, progress
        if status != instrument.current_status or progress_moved(
            progress, instrument.current_progress
        ):
            changed.append(instrument)
    return changed


def progress_moved(before, after):
    """Whether progress moved by at least the set step; a figure appearing or disappearing
    counts as a move from or to 0."""
    if before is None and after is None:
        return False
    return abs((after or 0) - (before or 0)) >= settings.TRACKER_CHANGES_PROGRESS_STEP


def added_between(start, end, scope):
    """What the period added: the declarations adopted in it, and the instruments of `scope`
    that one of them cites and no declaration adopted before the period cited. Adoption,
    not the day a record was typed in, dates an addition."""
    declarations = list(
        Declaration.objects.filter(adopted_on__gt=start, adopted_on__lte=end).order_by(
            "adopted_on", "title"
        )
    )
    cited_earlier = Reference.objects.filter(
        instrument=OuterRef("pk"), clause__declaration__adopted_on__lte=start
    )
    first_cited = (
        Reference.objects.filter(
            instrument=OuterRef("pk"),
            clause__declaration__adopted_on__gt=start,
            clause__declaration__adopted_on__lte=end,
        )
        .order_by("clause__declaration__adopted_on")
        .values("clause__declaration__adopted_on")[:1]
    )
    instruments = (
        scope.filter(~Exists(cited_earlier))
        .annotate(added_on=Subquery(first_cited))
        .filter(added_on__isnull=False)
        .select_related("parent")
        .order_by("added_on", "name")
    )
    for declaration in declarations:
        declaration.added_on = declaration.adopted_on
    return sorted([*declarations, *instruments], key=lambda obj: obj.added_on)


@report_access
def changes_report(request):
    """What changed status, what was added and what became overdue between two dates.

    A status counts as changed when the current status known at the end of `to` differs
    from the one known at the end of `from`.
    """
    start, end = changes_window(request)
    scope = instrument_filter(request, Instrument.objects.tracked(), as_of=end.isoformat())
    base = report_context(request, end)
    became_overdue = (
        instrument_filter(request, Instrument.objects.all(), overdue="true", as_of=end.isoformat())
        .qs.exclude(pk__in=Instrument.objects.overdue(at=start).values("pk"))
        .select_related("parent")
        .order_by(*LIST_ORDER["overdue"])
    )
    tables = changes_tables(
        keep=base["keep"],
        changed=status_changes(scope.qs, start=start),
        added=added_between(start, end, scope.qs),
        became_overdue=became_overdue,
        published=ImplementationStatus.objects.published()
        .filter(
            instrument__in=scope.qs.values("pk"),
            published_at__gt=end_of_day(start),
            published_at__lte=end_of_day(end),
        )
        .select_related("instrument", "party")
        .order_by("published_at", "pk"),
    )
    return respond(
        request,
        template="declarations/changes.html",
        tables=tables,
        filename=f"changes-{start.isoformat()}-{end.isoformat()}",
        heading=Heading(
            "Changes",
            (("From", start), ("To", end)),
            tuple((table.title.rsplit(" (", 1)[0], len(table.rows)) for table in tables),
        ),
        context=lambda: (
            base
            | {"start": start, "end": end, "progress_step": settings.TRACKER_CHANGES_PROGRESS_STEP}
        ),
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
        heading=Heading(
            "Search",
            (("As of", base["at"]),),
            (("Words", text), *((table.title, len(table.rows)) for table in tables)),
        ),
        context=lambda: base | {"q": text},
    )
