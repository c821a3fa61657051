"""API representations. Read serializers expect the eager loading done by the viewsets in
api.py (annotations from `with_current_status`, prefetched references and statuses)."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from .models import (
    Clause,
    Declaration,
    Evidence,
    ImplementationStatus,
    Instrument,
    Party,
    Reference,
    ReviewState,
    Status,
    Theme,
    record_status,
)

REGION = "region"
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def storable_text(value):
    """The database stores UTF-8 without NUL: JSON can carry a lone surrogate ("\\ud800")
    and NUL, which would otherwise fail in the driver as a server error, not a 400."""
    if "\x00" in value:
        raise serializers.ValidationError("Null characters are not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise serializers.ValidationError("This text is not valid Unicode.") from None


class SlugLookupField(serializers.SlugRelatedField):
    """A slug or code looked up in a queryset; a value that cannot be one is refused before
    the lookup, so no odd character reaches the database driver."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not SLUG.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:100])
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.URI)
class ClauseUrlField(serializers.Field):
    """A clause's address: its declaration's slug and its anchor (op-9, pre-3)."""

    def __init__(self, source="*", **kwargs):
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, clause):
        return reverse(
            "api:clause-detail",
            kwargs={"declaration": clause.declaration.slug, "anchor": clause.anchor},
            request=self.context.get("request"),
        )


def _instrument_url(field_source="instrument"):
    return serializers.HyperlinkedRelatedField(
        source=field_source, view_name="api:instrument-detail", lookup_field="slug", read_only=True
    )


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["code", "name", "group", "member_since"]


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name", "description"]


class ClauseSummarySerializer(serializers.ModelSerializer):
    url = ClauseUrlField()
    anchor = serializers.CharField(read_only=True)

    class Meta:
        model = Clause
        fields = ["url", "anchor", "part", "number", "lead_verb", "verb_class", "trackable"]


class DeclarationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:declaration-detail", lookup_field="slug"
    )
    akoma_ntoso_url = serializers.HyperlinkedIdentityField(
        view_name="api:declaration-akn", lookup_field="slug"
    )

    class Meta:
        model = Declaration
        fields = [
            "url",
            "slug",
            "title",
            "body",
            "meeting",
            "place",
            "adopted_on",
            "language",
            "source_url",
            "akoma_ntoso_url",
            "updated_at",
        ]


class DeclarationDetailSerializer(DeclarationSerializer):
    clauses = ClauseSummarySerializer(many=True, read_only=True)

    class Meta(DeclarationSerializer.Meta):
        fields = [*DeclarationSerializer.Meta.fields, "text", "clauses"]


class CitedInstrumentSerializer(serializers.ModelSerializer):
    """One instrument a clause cites, with what the clause does to it."""

    url = _instrument_url()
    slug = serializers.CharField(source="instrument.slug", read_only=True)
    name = serializers.CharField(source="instrument.name", read_only=True)
    acronym = serializers.CharField(source="instrument.acronym", read_only=True)
    kind = serializers.CharField(source="instrument.kind", read_only=True)

    class Meta:
        model = Reference
        fields = ["url", "slug", "name", "acronym", "kind", "relation"]


class ClauseSerializer(serializers.ModelSerializer):
    url = ClauseUrlField()
    declaration = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    anchor = serializers.CharField(read_only=True)
    instruments = CitedInstrumentSerializer(source="references", many=True, read_only=True)

    class Meta:
        model = Clause
        fields = [
            "url",
            "declaration",
            "anchor",
            "part",
            "number",
            "lead_word",
            "lead_verb",
            "verb_class",
            "trackable",
            "text",
            "instruments",
        ]


class CitingClauseSerializer(serializers.ModelSerializer):
    """A clause that cites the instrument: which declaration, which paragraph, what it does."""

    declaration = serializers.CharField(source="clause.declaration.slug", read_only=True)
    declaration_title = serializers.CharField(source="clause.declaration.title", read_only=True)
    adopted_on = serializers.DateField(source="clause.declaration.adopted_on", read_only=True)
    anchor = serializers.CharField(source="clause.anchor", read_only=True)
    clause_url = ClauseUrlField(source="clause")

    class Meta:
        model = Reference
        fields = [
            "declaration",
            "declaration_title",
            "adopted_on",
            "anchor",
            "relation",
            "clause_url",
        ]


class PartyStatusSerializer(serializers.ModelSerializer):
    party = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ImplementationStatus
        fields = ["party", "status", "progress", "as_of", "published_at"]


class MilestoneSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:instrument-detail", lookup_field="slug"
    )
    current_status = serializers.ChoiceField(
        choices=Status.choices, read_only=True, allow_null=True
    )
    current_as_of = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Instrument
        fields = [
            "url",
            "slug",
            "name",
            "kind",
            "due_on",
            "completed_on",
            "current_status",
            "current_as_of",
        ]


class InstrumentSerializer(serializers.ModelSerializer):
    """An instrument with its status as of the `as_of` date asked for (today by default).

    `current_status` is the region-wide assessment, or the latest country one when the
    region has none; `status_by_party` is each country's latest published assessment.
    """

    url = serializers.HyperlinkedIdentityField(
        view_name="api:instrument-detail", lookup_field="slug"
    )
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    lead_parties = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    current_status = serializers.ChoiceField(
        choices=Status.choices, read_only=True, allow_null=True
    )
    current_progress = serializers.IntegerField(read_only=True, allow_null=True)
    current_as_of = serializers.DateField(read_only=True, allow_null=True)
    last_published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    status_by_party = PartyStatusSerializer(source="current_by_party", many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    cited_by = CitingClauseSerializer(source="references", many=True, read_only=True)

    class Meta:
        model = Instrument
        fields = [
            "url",
            "slug",
            "name",
            "acronym",
            "kind",
            "description",
            "parent",
            "due_on",
            "completed_on",
            "overdue",
            "current_status",
            "current_progress",
            "current_as_of",
            "last_published_at",
            "status_by_party",
            "milestones",
            "cited_by",
            "themes",
            "lead_parties",
            "updated_at",
        ]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["title", "url", "kind"]
        extra_kwargs = {
            "title": {"validators": [storable_text]},
            "url": {"validators": [storable_text]},
        }


class StatusSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:status-detail")
    instrument = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    instrument_url = _instrument_url()
    party = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="Party code; null for the region as a whole.",
    )
    evidence = EvidenceSerializer(many=True, read_only=True)

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


class StatusWriteSerializer(serializers.Serializer):
    """A new status entry, recorded by `record_status` under the admin's rules: country
    editors for their own parties only, and only reviewers (editors) may publish."""

    STATES = [
        (ReviewState.DRAFT, "Keep as a draft"),
        (ReviewState.SUBMITTED, "Submit for review"),
        (ReviewState.PUBLISHED, "Publish now (editors only)"),
    ]

    instrument = SlugLookupField(
        slug_field="slug", queryset=Instrument.objects.all(), help_text="Instrument slug."
    )
    party = serializers.RegexField(
        SLUG,
        required=False,
        allow_null=True,
        default=None,
        max_length=8,
        help_text=f"Party code (MYS), or null or '{REGION}' for the region as a whole.",
    )
    status = serializers.ChoiceField(choices=Status.choices)
    progress = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=100
    )
    as_of = serializers.DateField(help_text="The date the assessment describes.")
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        validators=[storable_text],
    )
    evidence = EvidenceSerializer(many=True, required=False, default=list, max_length=20)
    state = serializers.ChoiceField(
        choices=STATES,
        default=ReviewState.SUBMITTED,
        help_text="What happens to the entry; 'submitted' by default.",
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
        state = data.pop("state")
        data["evidence"] = [dict(item) for item in data["evidence"]]
        try:
            return record_status(
                **data,
                by=self.context["request"].user,
                submit=state == ReviewState.SUBMITTED,
                publish=state == ReviewState.PUBLISHED,
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc

    def to_representation(self, instance):
        return StatusSerializer(instance, context=self.context).data
