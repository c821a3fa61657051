"""Status entries over the API: the published entries in publication order (incremental
sync), and the one write, POST /statuses/, under the admin's rules."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, NotFound

from ..evidence_files import evidence_file_response, visible_evidence_file
from ..filters import StatusFilter
from ..models import (
    NEW_ENTRY_STATES,
    Evidence,
    EvidenceKind,
    ImplementationStatus,
    Instrument,
    Party,
    ReviewState,
    Status,
    evidence_file_facts,
    record_status,
    sorted_evidence,
)
from .fields import (
    SLUG,
    Link,
    ModelSerializer,
    RowListSerializer,
    SlugLookupField,
    StrictInteger,
    StrictText,
    WebAddressField,
    instrument_url,
    iso_date,
    storable_text,
    utc_instant,
)
from .pagination import SyncCursorPagination
from .permissions import ReadAccess, RecordsStatus
from .views import ReadOnlyViewSet

REGION = "region"


class StrictSlug(serializers.RegexField):
    """A code given as a JSON string (not the number 12, which RegexField would take)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class EvidenceSerializer(ModelSerializer):
    title = StrictText(max_length=200, validators=[storable_text])
    url = WebAddressField(help_text="An http or https address.", validators=[storable_text])

    class Meta:
        model = Evidence
        fields = ["title", "url", "kind"]


class EvidenceFileSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The name the file downloads as.")
    size = serializers.IntegerField(
        allow_null=True, help_text="In bytes; null if the storage no longer has the file."
    )
    content_type = serializers.CharField(help_text="application/pdf, image/png, ...")


class EvidenceItemSerializer(serializers.Serializer):
    """A piece of evidence as read: a link (`file` is null), or an uploaded file, whose `url`
    downloads it for a signed-in user or a token that may see the entry, never for anyone."""

    title = serializers.CharField()
    url = serializers.URLField(help_text="The link, or the address that serves the file.")
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    file = EvidenceFileSerializer(allow_null=True)


def evidence_reader(request):
    """A function (entry id, evidence item) -> the item as `EvidenceItemSerializer` shows
    it, with one reverse() per response."""
    address = Link("api:status-evidence", pk="pk", evidence_id="evidence_id").addresses(request)

    def read(entry_id, item):
        if not item.get("file"):
            return {"title": item["title"], "url": item["url"], "kind": item["kind"], "file": None}
        return {
            "title": item["title"],
            "url": address(pk=entry_id, evidence_id=item["id"]),
            "kind": item["kind"],
            "file": evidence_file_facts(item["title"], item["file"]),
        }

    return read


class StatusSerializer(ModelSerializer):
    url = Link("api:status-detail", pk="pk")
    instrument = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    instrument_url = instrument_url()
    party = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="Party code; null for the region as a whole.",
    )
    evidence = serializers.SerializerMethodField()

    # A list page is read as these rows (`RowListSerializer`) of a queryset `with_evidence()`.
    ROW_COLUMNS = (
        "id",
        "instrument__slug",
        "party__code",
        "status",
        "progress",
        "as_of",
        "note",
        "evidence_json",
        "review_state",
        "published_at",
    )

    class Meta:
        model = ImplementationStatus
        fields = [
            "id",
            "url",
            "instrument",
            "instrument_url",
            "party",
            "status",
            "progress",
            "as_of",
            "note",
            "evidence",
            "review_state",
            "published_at",
        ]
        list_serializer_class = RowListSerializer

    @extend_schema_field(EvidenceItemSerializer(many=True))
    def get_evidence(self, entry):
        read = evidence_reader(self.context.get("request"))
        return [read(entry.pk, item) for item in entry.evidence_items]

    def row_builder(self):
        """One entry's representation from one `ROW_COLUMNS` row."""
        request = self.context.get("request")
        read_evidence = evidence_reader(request)
        url = self._declared_fields["url"].addresses(request)
        instrument_url = self._declared_fields["instrument_url"].addresses(request)

        def build(row):
            return {
                "id": row["id"],
                "url": url(pk=row["id"]),
                "instrument": row["instrument__slug"],
                "instrument_url": instrument_url(slug=row["instrument__slug"]),
                "party": row["party__code"],
                "status": row["status"],
                "progress": row["progress"],
                "as_of": iso_date(row["as_of"]),
                "note": row["note"],
                "evidence": [
                    read_evidence(row["id"], item) for item in sorted_evidence(row["evidence_json"])
                ],
                "review_state": row["review_state"],
                "published_at": utc_instant(row["published_at"]),
            }

        return build


@extend_schema_field(
    {
        "type": "string",
        "format": "uri",
        "nullable": True,
        "description": "The entry's address once it is published; null before, since only "
        "published entries are served.",
    }
)
class PublishedLink(Link):
    def to_representation(self, value):
        if value.review_state != ReviewState.PUBLISHED:
            return None
        return super().to_representation(value)


class RecordedStatusSerializer(StatusSerializer):
    """The answer to POST /statuses/: the entry as recorded, in whatever state it is.

    A draft or submitted entry is not served by GET /statuses/<id>/ (published entries
    only), so its `url` is null rather than a link that would answer 404."""

    url = PublishedLink("api:status-detail", pk="pk")

    class Meta(StatusSerializer.Meta):
        list_serializer_class = serializers.ListSerializer


class StatusWriteSerializer(serializers.Serializer):
    """A new status entry, recorded by `record_status` under the admin's rules: country
    editors for their own parties only, and only reviewers (editors) may publish."""

    instrument = SlugLookupField(
        slug_field="slug", queryset=Instrument.objects.all(), help_text="Instrument slug."
    )
    party = StrictSlug(
        SLUG,
        required=False,
        allow_null=True,
        default=None,
        max_length=8,
        help_text=f"Party code (MYS), or null or '{REGION}' for the region as a whole.",
    )
    status = serializers.ChoiceField(choices=Status.choices)
    progress = StrictInteger(
        required=False, allow_null=True, default=None, min_value=0, max_value=100
    )
    as_of = serializers.DateField(help_text="The date the assessment describes.")
    note = StrictText(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        validators=[storable_text],
    )
    evidence = EvidenceSerializer(many=True, required=False, default=list, max_length=20)
    state = serializers.ChoiceField(
        choices=list(NEW_ENTRY_STATES.items()),
        default=ReviewState.SUBMITTED,
        help_text="What happens to the entry; 'submitted' by default. Only editors may publish.",
    )

    def validate_party(self, value):
        if value is None or value.lower() == REGION:
            return None
        party = Party.objects.filter(code=value).first()
        if party is None:
            raise serializers.ValidationError(f"No party has the code {value!r}.")
        return party

    def create(self, validated_data):
        data = dict(validated_data)
        data["evidence"] = [dict(item) for item in data["evidence"]]
        try:
            return record_status(
                **data,
                by=self.context["request"].user,
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc

    def to_representation(self, instance):
        return RecordedStatusSerializer(instance, context=self.context).data


class StatusViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    """Published status entries in publication order, for incremental sync: follow `next`
    and every published entry arrives exactly once. POST records a new entry."""

    queryset = (
        ImplementationStatus.objects.published()
        .select_related("instrument", "party")
        # Only what a row shows: building the related instruments whole cost more than
        # reading the entries.
        .only(
            *(
                name
                for name in StatusSerializer.Meta.fields
                if name not in {"url", "instrument_url", "evidence"}
            ),
            "instrument__slug",
            "party__code",
        )
        .with_evidence()
        .order_by("published_at", "pk")
    )
    serializer_class = StatusSerializer
    filterset_class = StatusFilter
    pagination_class = SyncCursorPagination
    permission_classes = [ReadAccess, RecordsStatus]
    lookup_value_regex = "[0-9]{1,18}"

    def get_serializer_class(self):
        return StatusWriteSerializer if self.action == "create" else StatusSerializer

    def row_columns(self):
        return StatusSerializer.ROW_COLUMNS if self.action == "list" else None

    @extend_schema(
        request=StatusWriteSerializer,
        examples=[
            OpenApiExample(
                "A country editor's report, sent for review",
                request_only=True,
                value={
                    "instrument": "acdn-guidelines",
                    "party": "MYS",
                    "status": "in_progress",
                    "progress": 60,
                    "as_of": "2026-09-01",
                    "note": "National node connected for testing.",
                    "evidence": [
                        {
                            "title": "Working group report",
                            "url": "https://example.org/acdn-report.pdf",
                            "kind": "meeting_report",
                        }
                    ],
                    "state": "submitted",
                },
            )
        ],
        responses={
            201: RecordedStatusSerializer,
            400: OpenApiResponse(description="Invalid fields, with a message for each."),
            403: OpenApiResponse(description="Not allowed to report for this party or state."),
        },
    )
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(
        summary="An evidence file of a published entry",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, as a download."
            ),
            404: OpenApiResponse(description="No such file, or not one this caller may see."),
        },
    )
    @action(
        detail=True,
        url_path=r"evidence/(?P<evidence_id>[0-9]{1,18})",
        url_name="evidence",
        filterset_class=None,
        pagination_class=None,
    )
    def evidence(self, request, pk, evidence_id):
        """An uploaded evidence file of a published entry, to a signed-in user or a token
        that may see the entry (as the admin serves it); never to anonymous callers, even
        when the API is public."""
        if not request.user.is_authenticated:
            raise NotAuthenticated("Sign in or send a token to download evidence files.")
        evidence = visible_evidence_file(
            request.user, evidence_id, entries=ImplementationStatus.objects.published()
        )
        if evidence is None or str(evidence.status_id) != pk:
            raise NotFound("No such evidence file.")
        return evidence_file_response(evidence)
