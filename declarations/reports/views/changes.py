"""What changed between two dates, and the search."""

import datetime

from django.core.exceptions import BadRequest
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ...models import (
    Clause,
    Declaration,
    ImplementationStatus,
    Instrument,
    end_of_day,
)
from ..exports import Column, Table
from .base import (
    DEFAULT_CHANGES_DAYS,
    DUE,
    LAST_UPDATE,
    PROGRESS,
    SEARCH_ROWS,
    STATUS,
    date_param,
    instrument_column,
    instrument_filter,
    instrument_url,
    parent_column,
    report_access,
    report_context,
    respond,
)


@report_access
def changes_report(request):
    """What changed status, what was added and what became overdue between two dates.

    `from` defaults to the adoption of the latest declaration (the latest meeting), `to` to
    the as-of date or today. A status counts as changed when the current status known at the
    end of `to` differs from the one known at the end of `from`.
    """
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
    window = {"created_at__gt": end_of_day(start), "created_at__lte": end_of_day(end)}
    scope = instrument_filter(request, Instrument.objects.tracked(), as_of=end.isoformat())
    base = report_context(request, end)
    keep = base["keep"]

    before = dict(
        Instrument.objects.filter(pk__in=scope.qs.values("pk"))
        .with_current_status(at=start)
        .values_list("pk", "current_status")
    )
    changed = [
        instrument
        for instrument in scope.qs.select_related("parent").order_by("name")
        if before.get(instrument.pk) != instrument.current_status
    ]
    for instrument in changed:
        instrument.previous_status = before.get(instrument.pk)
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
        .order_by("due_on", "name")
    )

    def added_url(obj):
        if isinstance(obj, Declaration):
            return reverse("report_declaration", args=[obj.slug]) + keep
        return instrument_url(obj, keep)

    def added_type(obj):
        if isinstance(obj, Declaration):
            return "Declaration"
        return "Milestone" if obj.parent_id else "Instrument"

    tables = [
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
    keep = base["keep"]
    clauses, instruments = search_matches(text, at=at) if text else ([], [])
    tables = [
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
                    href=lambda c: (
                        reverse("report_declaration", args=[c.declaration.slug])
                        + keep
                        + f"#{c.anchor}"
                    ),
                ),
                Column("Paragraph", lambda c: c.anchor),
                Column("Text", lambda c: c.text, "block"),
            ],
            clauses,
            empty="No clause matches.",
        ),
    ]
    return respond(
        request,
        template="declarations/search.html",
        tables=tables,
        filename="search",
        context=lambda: base | {"q": text},
    )
