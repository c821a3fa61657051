"""The API's views: read-only viewsets over the shared FilterSets, one write
(POST /statuses/), Atom feeds and Akoma Ntoso downloads.

Every GET answering 200 carries an ETag computed from the body, and a request repeating
it in If-None-Match gets 304 with no body. Lists are also served as CSV (?format=csv).
Errors are always JSON, whatever format was asked for.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import parse_http_date_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
)
from rest_framework import renderers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ..filters import ClauseFilter, DeclarationFilter, InstrumentFilter, PartyFilter
from ..models import (
    Clause,
    Declaration,
    ImplementationStatus,
    Instrument,
    Part,
    Party,
    Reference,
    Theme,
)
from . import akoma_ntoso, feeds
from .params import check_query
from .renderers import AkomaNtosoRenderer, AtomRenderer, CSVRenderer
from .serializers import (
    EXPANDABLE,
    ClauseSerializer,
    DeclarationDetailSerializer,
    DeclarationSerializer,
    InstrumentListSerializer,
    InstrumentSerializer,
    PartySerializer,
    ThemeSerializer,
)

# Slugs in addresses: anything else is a plain 404 before any query runs.
SLUG = r"[-a-zA-Z0-9_]+"
ANCHOR = r"(?:pre|op)-[0-9]{1,4}"
PARTS = {"pre": Part.PREAMBLE, "op": Part.OPERATIVE}


# Conditional requests --------------------------------------------------------------------


def conditional(request, response):
    """Answer 304 when the client already holds this exact body (If-None-Match), or when
    nothing is newer than its If-Modified-Since where the response says Last-Modified."""

    def finish(response):
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return None
        set_response_etag(response)
        # Consumers must revalidate each time; the ETag makes that cheap.
        patch_cache_control(response, private=True, no_cache=True)
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )

    if hasattr(response, "add_post_render_callback") and not response.is_rendered:
        response.add_post_render_callback(finish)
        return response
    return finish(response) or response


class ApiMixin:
    """ETags on every read, CSV on every list, and errors always in JSON."""

    def get_renderers(self):
        found = super().get_renderers()
        if getattr(self, "action", None) == "list":
            found.append(CSVRenderer())
        return found

    def perform_content_negotiation(self, request, force=False):
        # A method this address does not serve must come to its 405 (after the same checks
        # of who is asking as any request): negotiating the format first would answer 404
        # to TRACE ...?format=csv, since no renderer serves CSV for no action.
        method = request.method.lower()
        serves = method in self.http_method_names and hasattr(self, method)
        return super().perform_content_negotiation(request, force=force or not serves)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code >= 400:
            response.accepted_renderer = renderers.JSONRenderer()
            response.accepted_media_type = response.accepted_renderer.media_type
            response.content_type = None
        return conditional(request, response)


class ReadOnlyViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = SLUG

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            check_query(self, request.query_params)

    def row_columns(self):
        """The columns a list page is read as (`.values()`), when its serializer builds rows
        from them (serializers.RowListSerializer); None reads model instances."""
        return None

    def paginate_queryset(self, queryset):
        columns = self.row_columns()
        if columns is not None:
            queryset = queryset.values(*columns)
        return super().paginate_queryset(queryset)

    def as_of(self):
        """The FilterSet's as-of date (today unless ?as_of= says otherwise)."""
        filterset = getattr(self, "filterset", None)  # set by filters.FilterBackend
        if filterset is None:
            filterset = self.filterset_class(self.request.query_params)
        filterset.is_valid()
        return filterset.at


# Viewsets --------------------------------------------------------------------------------


class DeclarationViewSet(ReadOnlyViewSet):
    """Adopted declarations, newest first. Detail by slug, with the clauses."""

    queryset = Declaration.objects.order_by("-adopted_on", "title", "pk")
    filterset_class = DeclarationFilter
    lookup_field = "slug"

    def get_queryset(self):
        if self.action == "list":
            return self.queryset.defer("text")
        if self.action == "akoma_ntoso":
            references = Reference.objects.select_related("instrument").order_by("pk")
            clauses = Clause.objects.order_by("-part", "number").prefetch_related(
                Prefetch("references", queryset=references)
            )
            return self.queryset.prefetch_related(Prefetch("clauses", queryset=clauses))
        return self.queryset.prefetch_related(
            Prefetch("clauses", queryset=Clause.objects.order_by("-part", "number"))
        )

    def get_serializer_class(self):
        return DeclarationSerializer if self.action == "list" else DeclarationDetailSerializer

    def get_renderers(self):
        if self.action == "akoma_ntoso":
            return [AkomaNtosoRenderer()]
        return super().get_renderers()

    def perform_content_negotiation(self, request, force=False):
        # Legal-document systems ask for application/xml, text/xml or nothing in particular;
        # the document is only available in one format, so give it to all of them.
        return super().perform_content_negotiation(request, force=force or self.is_document())

    def is_document(self):
        return getattr(self, "action", None) == "akoma_ntoso"

    @extend_schema(
        summary="The declaration as Akoma Ntoso XML",
        description=(
            "An Akoma Ntoso 3.0 `statement`: preamble as recitals, operative paragraphs as "
            "numbered paragraphs, cited instruments as references."
        ),
        operation_id="declarations_akoma_ntoso",
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=f"^{SLUG}$")],
        responses={(200, akoma_ntoso.MEDIA_TYPE): OpenApiTypes.STR},
        filters=False,
    )
    def akoma_ntoso(self, request, slug=None):
        declaration = self.get_object()
        return Response(
            akoma_ntoso.declaration_to_akn(declaration),
            headers={"Content-Disposition": f'attachment; filename="{declaration.slug}.akn.xml"'},
        )


class ClauseViewSet(ReadOnlyViewSet):
    """Paragraphs of declarations with the instruments they cite. Detail by declaration
    slug and anchor (op-9, pre-3)."""

    queryset = (
        Clause.objects.select_related("declaration")
        .prefetch_related(
            Prefetch("references", queryset=Reference.objects.select_related("instrument"))
        )
        .order_by("-declaration__adopted_on", "declaration__slug", "-part", "number")
    )
    serializer_class = ClauseSerializer
    filterset_class = ClauseFilter

    @extend_schema(
        parameters=[
            OpenApiParameter("declaration", str, OpenApiParameter.PATH, pattern=f"^{SLUG}$"),
            OpenApiParameter(
                "anchor",
                str,
                OpenApiParameter.PATH,
                pattern=f"^{ANCHOR}$",
                description="pre-N: the Nth preambular paragraph; op-N: the Nth operative one.",
            ),
        ],
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def get_object(self):
        kind, _, number = self.kwargs["anchor"].partition("-")
        clause = (
            self.get_queryset()
            .filter(declaration__slug=self.kwargs["declaration"], part=PARTS[kind], number=number)
            .first()
        )
        if clause is None:
            raise Http404("No such clause.")
        return clause


class InstrumentViewSet(ReadOnlyViewSet):
    """Instruments and milestones with their status as of `as_of` (today by default).

    A list row carries the overall status; `?expand=` adds each party's latest entry,
    milestones, citing clauses, themes or lead parties. The detail always has all of them.
    """

    queryset = Instrument.objects.select_related("parent", "series").order_by("name", "pk")
    filterset_class = InstrumentFilter
    lookup_field = "slug"

    def get_serializer_class(self):
        return InstrumentListSerializer if self.action == "list" else InstrumentSerializer

    def row_columns(self):
        # Expanded rows need the prefetched collections of model instances.
        if self.action == "list" and not self.expansions():
            return InstrumentListSerializer.ROW_COLUMNS
        return None

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["as_of"] = self.as_of()
        # The schema generator's stand-in view gets every field, so all are documented.
        if self.action == "list" and not getattr(self, "swagger_fake_view", False):
            context["expand"] = self.expansions()
        return context

    def expansions(self):
        """The collections a list should include: `?expand=a,b` or `?expand=a&expand=b`."""
        if getattr(self, "action", None) != "list":
            return frozenset(EXPANDABLE)
        values = self.request.query_params.getlist("expand")
        pieces = [name.strip() for value in values for name in value.split(",")]
        if "" in pieces:
            raise ValidationError(
                {
                    "expand": [
                        "An empty name between commas; list names like expand=themes,milestones."
                    ]
                }
            )
        names = set(pieces)
        unknown = sorted(names - set(EXPANDABLE))
        if unknown:
            raise ValidationError(
                {
                    "expand": [
                        f"Cannot expand {', '.join(map(repr, unknown))[:200]}; "
                        f"choose from {', '.join(EXPANDABLE)}."
                    ]
                }
            )
        return frozenset(names)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "expand",
                {"type": "array", "items": {"type": "string", "enum": list(EXPANDABLE)}},
                style="form",
                explode=False,
                description=(
                    "Nested collections to include in each row, comma-separated; the detail "
                    "always includes them. Each one costs the server one more query per page."
                ),
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of", OpenApiTypes.DATE, description="Status as known on this date (today)."
            )
        ]
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        # InstrumentFilter annotates the current status as of its date; the same date
        # drives the overdue flag, each party's latest entry and the milestones' status.
        queryset = super().filter_queryset(queryset)
        at = self.as_of()
        expand = self.expansions()
        lookups = [name for name in ("themes", "lead_parties") if name in expand]
        if "cited_by" in expand:
            citing = Reference.objects.select_related("clause__declaration").order_by(
                "-clause__declaration__adopted_on", "clause__number", "pk"
            )
            lookups.append(Prefetch("references", queryset=citing))
        if "status_by_party" in expand:
            by_party = (
                ImplementationStatus.objects.latest_per_party(at)
                .filter(party__isnull=False)
                .select_related("party")
                .order_by("party__name")
            )
            lookups.append(Prefetch("statuses", queryset=by_party, to_attr="current_by_party"))
        if "milestones" in expand:
            milestones = Instrument.objects.with_current_status(at=at).order_by("due_on", "name")
            lookups.append(Prefetch("children", queryset=milestones, to_attr="milestones"))
        return queryset.prefetch_related(*lookups)


class PartyViewSet(ReadOnlyViewSet):
    queryset = Party.objects.order_by("group", "name")
    serializer_class = PartySerializer
    filterset_class = PartyFilter
    lookup_field = "code"


class ThemeViewSet(ReadOnlyViewSet):
    queryset = Theme.objects.order_by("name")
    serializer_class = ThemeSerializer
    lookup_field = "slug"


# Feeds -----------------------------------------------------------------------------------


class FeedView(ApiMixin, APIView):
    """An Atom feed behind the API's authentication and throttling."""

    renderer_classes = [AtomRenderer]
    feed_class = None

    def perform_content_negotiation(self, request, force=False):
        # Feed readers send all sorts of Accept headers; there is one format to give.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request, **kwargs):
        return self.feed_class()(request._request, **kwargs)


@extend_schema(
    summary="Atom feed of published status changes",
    responses={(200, "application/atom+xml"): OpenApiTypes.STR},
)
class StatusFeedView(FeedView):
    feed_class = feeds.StatusFeed

    def get(self, request):
        return super().get(request)


@extend_schema(
    summary="Atom feed of a declaration's published status changes",
    parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=f"^{SLUG}$")],
    responses={(200, "application/atom+xml"): OpenApiTypes.STR},
)
class DeclarationFeedView(FeedView):
    feed_class = feeds.DeclarationStatusFeed

    def get(self, request, slug):
        return super().get(request, slug=slug)
