"""API pagination: numbered pages with a capped size, and a sync cursor for status entries.

Kept apart from api.py because REST_FRAMEWORK names PagePagination: DRF imports it while its
generic views load, so this module must not import the viewsets.
"""

import base64
import binascii
import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

MAX_PAGE_SIZE = 100


class PagePagination(pagination.PageNumberPagination):
    """Numbered pages. `?page_size=` is a whole number from 1; above MAX_PAGE_SIZE it is
    capped. Anything else (0, empty, "ten") is a 400 naming the parameter and the range:
    DRF's own class would silently fall back to the default size."""

    page_size_query_param = "page_size"
    page_size_query_description = (
        f"Results per page, from 1; at most {MAX_PAGE_SIZE} are given (a larger number is capped)."
    )
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        # Digits only: int() would also take " 5", "5_0" and other scripts' digits.
        digits = raw.isascii() and raw.isdigit()
        size = (int(raw) if len(raw) <= 18 else self.max_page_size) if digits else 0
        if size < 1:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        f"Give a whole number of results per page, from 1 to {self.max_page_size}."
                    ]
                }
            )
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class SyncCursorPagination(pagination.BasePagination):
    """Forward-only keyset pagination over published entries in (published_at, id) order.

    Business rule for incremental sync: a consumer that keeps following `next` sees every
    published entry exactly once. The cursor names the last entry seen, not an offset, so
    entries published meanwhile cannot shift the pages; `next` is given even on the last
    page (it then points past the newest entry), so polling it later returns only what is
    new. Entries become visible TRACKER_API_SYNC_DELAY_SECONDS after publication: an entry
    whose transaction commits late cannot then appear behind a cursor that has moved on.
    """

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        # The same page size rule as the numbered pages.
        self.page_size = PagePagination().get_page_size(request)
        position = self.decode_cursor(request)
        settled = timezone.now() - datetime.timedelta(
            seconds=settings.TRACKER_API_SYNC_DELAY_SECONDS
        )
        queryset = queryset.filter(published_at__lte=settled).order_by("published_at", "pk")
        if position is not None:
            published_at, pk = position
            queryset = queryset.filter(
                Q(published_at__gt=published_at) | Q(published_at=published_at, pk__gt=pk)
            )
        rows = list(queryset[: self.page_size + 1])
        self.page = rows[: self.page_size]
        self.has_more = len(rows) > self.page_size
        self.next_position = position_of(self.page[-1]) if self.page else position
        return self.page

    def get_next_link(self):
        url = self.request.build_absolute_uri()
        if self.next_position is None:
            return remove_query_param(url, self.cursor_query_param)
        return replace_query_param(url, self.cursor_query_param, encode_cursor(*self.next_position))

    def decode_cursor(self, request):
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None
        position = decode_cursor(raw)
        if position is None:
            raise exceptions.ValidationError({self.cursor_query_param: ["Invalid cursor."]})
        return position

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "has_more": self.has_more, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "has_more", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "description": "Poll this address for entries published after this page.",
                },
                "has_more": {
                    "type": "boolean",
                    "description": "Whether more entries are already waiting after this page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The `next` address's cursor: entries published after it.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Entries per page, from 1; at most {self.max_page_size} are given (a "
                    "larger number is capped)."
                ),
                "schema": {"type": "integer", "minimum": 1},
            },
        ]


def position_of(entry):
    """(published_at, pk) of an entry, read as a model instance or as a row of values."""
    if isinstance(entry, dict):
        return entry["published_at"], entry["id"]
    return entry.published_at, entry.pk


def encode_cursor(published_at, pk):
    text = f"{published_at.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(raw):
    """(published_at, pk) from a cursor, or None when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        stamp, _, pk = text.partition("|")
        published_at = datetime.datetime.fromisoformat(stamp)
        pk = int(pk)
        if published_at.tzinfo is None or not 0 < pk < 2**63:
            return None
        # In UTC, as stored: PostgreSQL refuses some offsets that Python accepts.
        return published_at.astimezone(datetime.UTC), pk
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError):
        return None
