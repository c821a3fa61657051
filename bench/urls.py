"""The site's URLs plus two bare views: the same rows as the API's first list page, read
with one SQL query and returned by JsonResponse, as the floor the API is compared with."""

from django.http import JsonResponse
from django.urls import include, path
from django.utils import timezone

from declarations.models import ImplementationStatus, Instrument


def _page_size(request):
    return min(int(request.GET.get("page_size", 50)), 100)


def bare_instruments(request):
    rows = (
        Instrument.objects.with_current_status(at=timezone.localdate())
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
        )[: _page_size(request)]
    )
    return JsonResponse({"results": list(rows)})


def bare_statuses(request):
    rows = (
        ImplementationStatus.objects.published()
        .order_by("published_at", "pk")
        .values(
            "id",
            "instrument__slug",
            "party__code",
            "status",
            "progress",
            "as_of",
            "published_at",
            "note",
        )[: _page_size(request)]
    )
    return JsonResponse({"results": list(rows)})


urlpatterns = [
    path("bench/bare/instruments/", bare_instruments),
    path("bench/bare/statuses/", bare_statuses),
    path("", include("tracker.urls")),
]
