"""API representations. Read serializers expect the eager loading done by the viewsets
(annotations from `with_current_status`, prefetched references and statuses)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from ..models import (
    NEW_ENTRY_STATES,
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
    is_overdue,
    record_status,
    sorted_evidence,
)
from .fields import (
    SLUG,
    Link,
    ModelSerializer,
    OverdueField,
    RowListSerializer,
    SlugLookupField,
    UTCDateTimeField,
    clause_link,
    instrument_url,
    iso_date,
    storable_text,
    utc_instant,
)

REGION = "region"


class PartySerializer(ModelSerializer):
    class Meta:
        model = Party
        fields = ["code", "name", "group", "member_since"]


class ThemeSerializer(ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name", "description"]


class ClauseSummarySerializer(ModelSerializer):
    url = clause_link()
    anchor = serializers.CharField(read_only=True)

    class Meta:
        model = Clause
        fields = ["url", "anchor", "part", "number", "lead_verb", "verb_class", "trackable"]


class DeclarationSerializer(ModelSerializer):
    url = Link("api:declaration-detail", slug="slug")
    akoma_ntoso_url = Link("api:declaration-akn", slug="slug")

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


class CitedInstrumentSerializer(ModelSerializer):
    """One instrument a clause cites, with what the clause does to it."""

    url = instrument_url()
    slug = serializers.CharField(source="instrument.slug", read_only=True)
    name = serializers.CharField(source="instrument.name", read_only=True)
    acronym = serializers.CharField(source="instrument.acronym", read_only=True)
    kind = serializers.CharField(source="instrument.kind", read_only=True)

    class Meta:
        model = Reference
        fields = ["url", "slug", "name", "acronym", "kind", "relation"]


class ClauseSerializer(ModelSerializer):
    url = clause_link()
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


class CitingClauseSerializer(ModelSerializer):
    """A clause that cites the instrument: which declaration, which paragraph, what it does."""

    declaration = serializers.CharField(source="clause.declaration.slug", read_only=True)
    declaration_title = serializers.CharField(source="clause.declaration.title", read_only=True)
    adopted_on = serializers.DateField(source="clause.declaration.adopted_on", read_only=True)
    anchor = serializers.CharField(source="clause.anchor", read_only=True)
    clause_url = clause_link(source="clause")

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


class PartyStatusSerializer(ModelSerializer):
    party = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ImplementationStatus
        fields = ["party", "status", "progress", "as_of", "published_at"]


class MilestoneSerializer(ModelSerializer):
    url = Link("api:instrument-detail", slug="slug")
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


class InstrumentSerializer(ModelSerializer):
    """An instrument with its status as of the `as_of` date asked for (today by default).

    `current_status` is the region-wide assessment, or the latest country one when the
    region has none; `status_by_party` is each country's latest published assessment.
    """

    url = Link("api:instrument-detail", slug="slug")
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    lead_parties = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    current_status = serializers.ChoiceField(
        choices=Status.choices, read_only=True, allow_null=True
    )
    current_progress = serializers.IntegerField(read_only=True, allow_null=True)
    current_as_of = serializers.DateField(read_only=True, allow_null=True)
    last_published_at = UTCDateTimeField(read_only=True, allow_null=True)
    overdue = OverdueField()
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


# What a list row leaves out unless `?expand=` names it: the nested collections, which cost a
# query each and make up most of a full representation's size.
EXPANDABLE = ("status_by_party", "milestones", "cited_by", "themes", "lead_parties")


class InstrumentListSerializer(InstrumentSerializer):
    """A row of the instruments list: the instrument and its overall status as of `as_of`.

    The nested collections (EXPANDABLE) are included only when the `expand` context names
    them; the detail representation always has them. `description` is on the detail only.
    Without an `expand` context (the schema generator) every field is declared.

    A page without expansions is read as rows (`RowListSerializer`) of an instruments
    queryset annotated by `with_current_status(as_of)`.
    """

    ROW_COLUMNS = (
        "slug",
        "name",
        "acronym",
        "kind",
        "parent__slug",
        "due_on",
        "completed_on",
        "current_status",
        "current_progress",
        "current_as_of",
        "last_published_at",
        "updated_at",
    )

    class Meta(InstrumentSerializer.Meta):
        fields = [name for name in InstrumentSerializer.Meta.fields if name != "description"]
        list_serializer_class = RowListSerializer

    def row_builder(self):
        """One list row without expansions from one `ROW_COLUMNS` row."""
        request = self.context.get("request")
        url = self._declared_fields["url"].addresses(request)
        at = self.context["as_of"]

        def build(row):
            return {
                "url": url(slug=row["slug"]),
                "slug": row["slug"],
                "name": row["name"],
                "acronym": row["acronym"],
                "kind": row["kind"],
                "parent": row["parent__slug"],
                "due_on": iso_date(row["due_on"]),
                "completed_on": iso_date(row["completed_on"]),
                "overdue": is_overdue(
                    row["due_on"], row["completed_on"], row["current_status"], at
                ),
                "current_status": row["current_status"],
                "current_progress": row["current_progress"],
                "current_as_of": iso_date(row["current_as_of"]),
                "last_published_at": utc_instant(row["last_published_at"]),
                "updated_at": utc_instant(row["updated_at"]),
            }

        return build

    def get_fields(self):
        fields = super().get_fields()
        expand = self.context.get("expand")
        if expand is not None:
            for name in EXPANDABLE:
                if name not in expand:
                    del fields[name]
        return fields


class EvidenceSerializer(ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["title", "url", "kind"]
        extra_kwargs = {
            "title": {"validators": [storable_text]},
            # The API takes links; files are uploaded in the admin.
            "url": {"validators": [storable_text], "required": True, "allow_blank": False},
        }


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
    evidence = EvidenceSerializer(source="evidence_items", many=True, read_only=True)

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

    def row_builder(self):
        """One entry's representation from one `ROW_COLUMNS` row."""
        request = self.context.get("request")
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
                    {"title": item["title"], "url": item["url"], "kind": item["kind"]}
                    for item in sorted_evidence(row["evidence_json"])
                ],
                "review_state": row["review_state"],
                "published_at": utc_instant(row["published_at"]),
            }

        return build


class StatusWriteSerializer(serializers.Serializer):
    """A new status entry, recorded by `record_status` under the admin's rules: country
    editors for their own parties only, and only reviewers (editors) may publish."""

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
        return StatusSerializer(instance, context=self.context).data
