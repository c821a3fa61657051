"""The site's URLs plus two bare views: the rows of the API's first list page, each with the
same fields and values as the API's, read with one SQL query and returned by JsonResponse.
They are the floor the API is compared with: no authentication, throttling, filtering,
pagination count or serializer. bench/run.py checks that both return the same rows."""

import datetime
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.http import JsonResponse
from django.urls import include, path, reverse
from django.utils import timezone

from declarations.models import CLOSED_STATUSES, ImplementationStatus, Instrument

# Each entry's evidence as a JSON list, inside the one query.
EVIDENCE_SQL = {
    "postgresql": """COALESCE((
        SELECT json_agg(json_build_object('title', e.title, 'url', e.url, 'kind', e.kind)
                        ORDER BY e.id)
        FROM declarations_evidence e
        WHERE e.status_id = declarations_implementationstatus.id), '[]')""",
    "sqlite": """(
        SELECT json_group_array(json_object('title', e.title, 'url', e.url, 'kind', e.kind))
        FROM (SELECT * FROM declarations_evidence e
              WHERE e.status_id = declarations_implementationstatus.id ORDER BY e.id) e)""",
}


class Encoder(DjangoJSONEncoder):
    """Times as the API writes them: full precision, UTC as Z."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat().replace("+00:00", "Z")
        return super().default(o)


def _page_size(request):
    return min(int(request.GET.get("page_size", 50)), 100)


def _link(request, name, placeholder):
    """The absolute address of a detail page, with `{}` where its key goes."""
    return request.build_absolute_uri(reverse(name, args=[placeholder])).replace(placeholder, "{}")


def bare_instruments(request):
    at = timezone.localdate()
    rows = (
        Instrument.objects.with_current_status(at=at)
        .order_by("name", "pk")
        .values(
            "slug",
            "name",
            "acronym",
            "kind",
            "due_on",
            "completed_on",
            "current_status",
            "current_progress",
            "current_as_of",
            "last_published_at",
            "updated_at",
            parent_slug=F("parent__slug"),
        )[: _page_size(request)]
    )
    link = _link(request, "api:instrument-detail", "zzslugzz")
    results = [
        {
            "url": link.format(row["slug"]),
            "slug": row["slug"],
            "name": row["name"],
            "acronym": row["acronym"],
            "kind": row["kind"],
            "parent": row["parent_slug"],
            "due_on": row["due_on"],
            "completed_on": row["completed_on"],
            "overdue": row["due_on"] is not None
            and row["due_on"] < at
            and (row["completed_on"] is None or row["completed_on"] > at)
            and row["current_status"] not in CLOSED_STATUSES,
            "current_status": row["current_status"],
            "current_progress": row["current_progress"],
            "current_as_of": row["current_as_of"],
            "last_published_at": row["last_published_at"],
            "updated_at": row["updated_at"],
        }
        for row in rows
    ]
    return JsonResponse({"results": results}, encoder=Encoder)


def bare_statuses(request):
    settled = timezone.now() - datetime.timedelta(seconds=settings.TRACKER_API_SYNC_DELAY_SECONDS)
    rows = (
        ImplementationStatus.objects.published()
        .filter(published_at__lte=settled)
        .order_by("published_at", "pk")
        .values(
            "id",
            "status",
            "progress",
            "as_of",
            "note",
            "review_state",
            "published_at",
            instrument_slug=F("instrument__slug"),
            party_code=F("party__code"),
            evidence_list=RawSQL(EVIDENCE_SQL[connection.vendor], []),
        )[: _page_size(request)]
    )
    status_link = _link(request, "api:status-detail", "918273645546372819")
    instrument_link = _link(request, "api:instrument-detail", "zzslugzz")
    results = [
        {
            "id": row["id"],
            "url": status_link.format(row["id"]),
            "instrument": row["instrument_slug"],
            "instrument_url": instrument_link.format(row["instrument_slug"]),
            "party": row["party_code"],
            "status": row["status"],
            "progress": row["progress"],
            "as_of": row["as_of"],
            "note": row["note"],
            # PostgreSQL's driver decodes JSON; SQLite returns the text.
            "evidence": row["evidence_list"]
            if isinstance(row["evidence_list"], list)
            else json.loads(row["evidence_list"]),
            "review_state": row["review_state"],
            "published_at": row["published_at"],
        }
        for row in rows
    ]
    return JsonResponse({"results": results}, encoder=Encoder)


urlpatterns = [
    path("bench/bare/instruments/", bare_instruments),
    path("bench/bare/statuses/", bare_statuses),
    path("", include("tracker.urls")),
]
