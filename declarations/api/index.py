"""GET /api/v1/, the API's index, and the JSON 404 for every address no view serves."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from .views import ApiMixin

# What GET /api/v1/ lists: each name and the address it stands for.
INDEX = {
    "declarations": "api:declaration-list",
    "clauses": "api:clause-list",
    "instruments": "api:instrument-list",
    "statuses": "api:status-list",
    "parties": "api:party-list",
    "themes": "api:theme-list",
    "status_feed": "api:feed-statuses",
    "schema": "api:schema",
    "docs": "api:docs",
}


class IndexSerializer(serializers.Serializer):
    """The API's index: the absolute address of each list, the status feed, the OpenAPI
    schema and the docs page."""

    declarations = serializers.URLField(read_only=True)
    clauses = serializers.URLField(read_only=True)
    instruments = serializers.URLField(read_only=True)
    statuses = serializers.URLField(read_only=True)
    parties = serializers.URLField(read_only=True)
    themes = serializers.URLField(read_only=True)
    status_feed = serializers.URLField(read_only=True)
    schema = serializers.URLField(read_only=True)
    docs = serializers.URLField(read_only=True)


class IndexView(ApiMixin, APIView):
    """GET /api/v1/: where everything is. Open to anyone, as the schema and docs are: it
    names addresses, not data."""

    permission_classes = [permissions.AllowAny]
    serializer_class = IndexSerializer

    @extend_schema(
        summary="The API's index: every list, the feed, the schema and the docs",
        operation_id="api_index",
        responses=IndexSerializer,
    )
    def get(self, request):
        return Response(
            {name: request.build_absolute_uri(reverse(view)) for name, view in INDEX.items()}
        )


@extend_schema(exclude=True)
class NotFoundView(ApiMixin, APIView):
    """Any other address under /api/v1/ that ends in "/" or names a file: a 404 in JSON,
    like every other API error, instead of Django's HTML page (an address without the
    final "/" is still redirected to it first)."""

    permission_classes = [permissions.AllowAny]

    def initial(self, request, *args, **kwargs):
        # Whatever the method: there is nothing here for any of them.
        self.format_kwarg = None
        raise NotFound("Nothing is at this address.")
