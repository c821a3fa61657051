"""What the report views share: access, request parameters, the response in each format.
The columns several reports share are in `reports.tables.columns`."""

import datetime
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Count, F, Window
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from ...filters import InstrumentFilter
from ...models import Instrument
from .. import downloads, exports

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
        pass
    try:  # as the report forms' date boxes show it, day first
        return checked(name, datetime.datetime.strptime(raw, "%d/%m/%Y").date())
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


# The overdue and stale lists, on the dashboard and in their own reports, in reading order.
LIST_ORDER = {
    "overdue": ("due_on", "name"),
    "stale": (F("current_as_of").asc(nulls_first=True), "name"),
}


def rule_list(request, rule):
    """The shared InstrumentFilter with the `rule` ("overdue" or "stale") switched on, and
    its instruments in the list's order."""
    scope = instrument_filter(request, Instrument.objects.all(), **{rule: "true"})
    return scope, scope.qs.select_related("parent").order_by(*LIST_ORDER[rule])


def report_context(request, at):
    """What every report page shows: the as-of date and how to keep it in links."""
    explicit = "as_of" in request.GET and bool(request.GET["as_of"].strip())
    return {
        "at": at,
        "as_of_explicit": explicit,
        "keep": f"?as_of={at.isoformat()}" if explicit else "",
        "generated": timezone.now(),
    }


def respond(request, *, template, tables, filename, context, heading):
    """The page, or its download when `?format=` is csv, xlsx or pdf.

    `context` is a function, so that downloads do not compute what only the page shows.
    `heading` (exports.Heading) opens the CSV and XLSX downloads with the title, date and
    headline figures the page shows above its tables; the PDF is the page itself.
    A PDF or XLSX of more rows than TRACKER_BACKGROUND_DOWNLOAD_ROWS is built by a worker
    (`reports.downloads`): the answer is then the job's page.
    """
    fmt = request.GET.get("format", "html")
    if downloads.goes_to_background(request, fmt, tables):
        return downloads.request_download(request, fmt=fmt, filename=filename, title=filename)
    if fmt == "csv":
        return exports.csv_response(tables=[heading.table(), *tables], filename=filename)
    if fmt == "xlsx":
        return exports.xlsx_response(tables=[heading.table(), *tables], filename=filename)
    if fmt not in ("html", "pdf"):
        raise BadRequest(f"format={fmt!r} is not one of html, csv, xlsx, pdf.")
    page = context() | {"tables": tables}
    if fmt == "pdf":
        html = render_to_string(template, page | {"pdf": True}, request=request)
        base_url = request.build_absolute_uri("/")
        return exports.pdf_response(html=html, base_url=base_url, filename=filename)
    page["downloads"] = downloads.page_downloads(request)
    return render(request, template, page)


def first_rows_and_count(queryset):
    """The dashboard's first rows of a list and the list's length, from one query: each
    row is counted by a window over the whole list, which the database has to compute to
    order it anyway (a separate COUNT would compute every current status again)."""
    rows = list(queryset.annotate(listed=Window(Count("pk")))[:DASHBOARD_ROWS])
    return rows, rows[0].listed if rows else 0
