"""Read-only HTML reports for managers, each also downloadable as CSV, XLSX and PDF.

Every report takes `?as_of=YYYY-MM-DD` and then shows what was true and already published on
that date, through the same QuerySet methods as the admin and the API
(`with_current_status`, `overdue`, `stale`, `known_at`, `latest_per_party`) and the same
`InstrumentFilter`. A report's tables are defined once (`exports.Table`) and serve the
screen and the downloads alike.
"""

import datetime
from functools import wraps
from operator import attrgetter

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, Window
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import charts, exports
from .exports import Column, Table
from .filters import InstrumentFilter
from .models import (
    Clause,
    Declaration,
    ImplementationStatus,
    Instrument,
    Party,
    PartyGroup,
    Reference,
    Rollup,
    Theme,
    end_of_day,
    party_status_name,
    rollup,
    rollups_by_declaration,
)

# Rows in each of the dashboard's short lists; the full lists have their own reports.
DASHBOARD_ROWS = 10
SEARCH_ROWS = 100
# "Since the latest meeting" when there is no declaration yet to date the meeting by.
DEFAULT_CHANGES_DAYS = 90


def can_read_reports(user):
    """Managers, editors, administrators and country editors: anyone who may view instruments."""
    return user.is_active and user.has_perm("declarations.view_instrument")


def report_access(view):
    """Reports are for signed-in readers, or for everyone when TRACKER_PUBLIC_REPORTS is on.
    Anonymous visitors are sent to sign in; signed-in users without the right get a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.TRACKER_PUBLIC_REPORTS:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can_read_reports(request.user):
                raise PermissionDenied("Reports need the permission to view instruments.")
        return view(request, *args, **kwargs)

    return wrapper


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


# Request parameters


# Reports reach back to the first declarations and forward to plans; beyond that a date is a
# typo, and date arithmetic near year 1 or 9999 would overflow.
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)


def checked(name, day):
    if day is not None and not EARLIEST <= day <= LATEST:
        raise BadRequest(f"{name}={day.isoformat()} is outside {EARLIEST.year}-{LATEST.year}.")
    return day


def date_param(request, name):
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return checked(name, datetime.date.fromisoformat(raw))
    except ValueError:
        raise BadRequest(f"{name}={raw!r} is not a date: use YYYY-MM-DD.") from None


def instrument_filter(request, queryset, **forced):
    """The shared InstrumentFilter on the request's parameters, plus `forced` ones."""
    data = request.GET.copy()
    for key, value in forced.items():
        data[key] = value
    filterset = InstrumentFilter(data, queryset=queryset)
    if not filterset.is_valid():
        problems = "; ".join(
            f"{field}: {' '.join(errors)}" for field, errors in filterset.errors.items()
        )
        raise BadRequest(f"Invalid filter: {problems}")
    checked("as_of", filterset.at)
    return filterset


def report_context(request, at):
    """What every report page shows: the as-of date and how to keep it in links."""
    explicit = "as_of" in request.GET and bool(request.GET["as_of"].strip())
    return {
        "at": at,
        "as_of_explicit": explicit,
        "keep": f"?as_of={at.isoformat()}" if explicit else "",
        "generated": timezone.now(),
    }


def respond(request, *, template, tables, filename, context):
    """The page, or its download when `?format=` is csv, xlsx or pdf.

    `context` is a function, so that downloads do not compute what only the page shows.
    """
    fmt = request.GET.get("format", "html")
    if fmt == "csv":
        return exports.csv_response(tables=tables, filename=filename)
    if fmt == "xlsx":
        return exports.xlsx_response(tables=tables, filename=filename)
    if fmt not in ("html", "pdf"):
        raise BadRequest(f"format={fmt!r} is not one of html, csv, xlsx, pdf.")
    page = context() | {"tables": tables}
    if fmt == "pdf":
        html = render_to_string(template, page | {"pdf": True}, request=request)
        base_url = request.build_absolute_uri("/")
        return exports.pdf_response(html=html, base_url=base_url, filename=filename)
    return render(request, template, page)


# Columns shared by several reports


def instrument_url(instrument, keep=""):
    return reverse("report_instrument", args=[instrument.slug]) + keep


def instrument_column(keep, label="Instrument"):
    return Column(label, str, href=lambda i: instrument_url(i, keep))


def parent_column(keep):
    return Column(
        "Part of",
        lambda i: str(i.parent) if i.parent_id else None,
        href=lambda i: instrument_url(i.parent, keep) if i.parent_id else None,
    )


STATUS = Column("Status", lambda i: i.current_status, "status")
PROGRESS = Column("Progress", lambda i: i.current_progress, "progress")
LAST_UPDATE = Column("Last update", lambda i: i.current_as_of, "date")
DUE = Column("Due", lambda i: i.due_on, "date")


def cited_in(instrument):
    """Where an instrument is cited, e.g. "19th ADMM op-9"; needs CITATIONS prefetched."""
    return ", ".join(
        f"{reference.clause.declaration.meeting or reference.clause.declaration.slug} "
        f"{reference.clause.anchor}"
        for reference in instrument.references.all()
    )


CITATIONS = Prefetch(
    "references",
    queryset=Reference.objects.select_related("clause__declaration").order_by(
        "-clause__declaration__adopted_on", "clause__number"
    ),
)


CITED_IN = Column("Cited in", cited_in)


def days_overdue(at):
    return Column("Days overdue", lambda i: (at - i.due_on).days, "number")


def days_since_update(at):
    return Column(
        "Days since update",
        lambda i: (at - i.current_as_of).days if i.current_as_of else None,
        "number",
    )


def status_rows(result):
    """A roll-up's counts as (status, count) pairs in display order, zero counts left out."""
    return [
        (status, result.counts[status]) for status in charts.STATUS_ORDER if status in result.counts
    ]


# Reports


def first_rows_and_count(queryset):
    """The dashboard's first rows of a list and the list's length, from one query: each
    row is counted by a window over the whole list, which the database has to compute to
    order it anyway (a separate COUNT would compute every current status again)."""
    rows = list(queryset.annotate(listed=Window(Count("pk")))[:DASHBOARD_ROWS])
    return rows, rows[0].listed if rows else 0


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
                    Column(
                        charts.status_label(s), lambda d, s=s: d.rollup.counts.get(s, 0), "number"
                    )
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
                Column("Party", lambda e: e.party.name if e.party_id else "Region"),
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
                Column("Party", lambda e: e.party.name if e.party_id else "Region"),
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
            who = entry.party.name if entry.party_id else "Region"
            text = f"{who}: {charts.status_label(entry.status)}"
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
