"""API representations. Read serializers expect the eager loading done by the viewsets
(annotations from `with_current_status`, prefetched references and statuses)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Basis,
    Clause,
    Declaration,
    ImplementationStatus,
    Instrument,
    Party,
    Reference,
    Series,
    Status,
    Theme,
    is_overdue,
    milestone_progress,
)
from .fields import (
    Link,
    ModelSerializer,
    OverdueField,
    RowListSerializer,
    UTCDateTimeField,
    clause_link,
    instrument_url,
    iso_date,
    utc_instant,
)


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
        fields = [
            "url", "anchor", "part", "number", "printed_number", "lead_verb", "verb_class",
            "trackable",
        ]  # fmt: skip


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
            "printed_number",
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
    printed_number = serializers.CharField(source="clause.printed_number", read_only=True)
    clause_url = clause_link(source="clause")

    class Meta:
        model = Reference
        fields = [
            "declaration",
            "declaration_title",
            "adopted_on",
            "anchor",
            "printed_number",
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


BASES = [
    (Basis.REGION, "the region-wide assessment"),
    (Basis.PARTIES, "a summary of the parties' latest assessments"),
    (Basis.NONE, "nothing published"),
]


class OverallSerializer(serializers.Serializer):
    """An instrument's overall status and what it rests on (README, "How the numbers are
    counted"): the region-wide entry, or a summary of the parties' latest entries."""

    status = serializers.ChoiceField(
        source="current_status", choices=Status.choices, read_only=True, allow_null=True
    )
    progress = serializers.IntegerField(source="current_progress", read_only=True, allow_null=True)
    as_of = serializers.DateField(source="current_as_of", read_only=True, allow_null=True)
    basis = serializers.ChoiceField(source="status_basis", choices=BASES, read_only=True)
    parties_reported = serializers.IntegerField(read_only=True)
    parties_completed = serializers.IntegerField(read_only=True)
    parties_expected = serializers.IntegerField(read_only=True)

    @staticmethod
    def from_row(row):
        return {
            "status": row["current_status"],
            "progress": row["current_progress"],
            "as_of": iso_date(row["current_as_of"]),
            "basis": row["status_basis"],
            "parties_reported": row["parties_reported"],
            "parties_completed": row["parties_completed"],
            "parties_expected": row["parties_expected"],
        }


class MilestoneProgressSerializer(serializers.Serializer):
    count = serializers.IntegerField(read_only=True)
    completed = serializers.IntegerField(read_only=True)
    percent = serializers.IntegerField(read_only=True)


class SeriesSerializer(ModelSerializer):
    """The series an edition belongs to ("the 3rd AUMX" is edition 3 of series AUMX)."""

    class Meta:
        model = Series
        fields = ["slug", "name", "acronym"]

    @staticmethod
    def from_row(row):
        if row["series__slug"] is None:
            return None
        return {
            "slug": row["series__slug"],
            "name": row["series__name"],
            "acronym": row["series__acronym"],
        }


class InstrumentSerializer(ModelSerializer):
    """An instrument with its status as of the `as_of` date asked for (today by default).

    `overall` is the overall status with its basis: the region-wide assessment, or a summary
    of the parties' latest ones (`current_status` and its neighbours repeat its figures);
    `series` and `edition` place an edition of a recurring instrument in its series;
    `status_by_party` is each country's latest published assessment; `milestone_progress`
    (detail only) is what the milestones say, null without milestones.
    """

    url = Link("api:instrument-detail", slug="slug")
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    series = SeriesSerializer(read_only=True, allow_null=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    lead_parties = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    current_status = serializers.ChoiceField(
        choices=Status.choices, read_only=True, allow_null=True
    )
    current_progress = serializers.IntegerField(read_only=True, allow_null=True)
    current_as_of = serializers.DateField(read_only=True, allow_null=True)
    last_published_at = UTCDateTimeField(read_only=True, allow_null=True)
    overall = OverallSerializer(source="*", read_only=True)
    milestone_progress = serializers.SerializerMethodField()
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
            "series",
            "edition",
            "due_on",
            "completed_on",
            "overdue",
            "overall",
            "milestone_progress",
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

    @extend_schema_field(MilestoneProgressSerializer(allow_null=True))
    def get_milestone_progress(self, instrument):
        found = milestone_progress([instrument.pk], self.context["as_of"]).get(instrument.pk)
        return MilestoneProgressSerializer(found).data if found else None


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
        "series__slug",
        "series__name",
        "series__acronym",
        "edition",
        "due_on",
        "completed_on",
        "current_status",
        "current_progress",
        "current_as_of",
        "last_published_at",
        "status_basis",
        "parties_reported",
        "parties_completed",
        "parties_expected",
        "updated_at",
    )

    class Meta(InstrumentSerializer.Meta):
        # The milestones' progress costs a query per instrument: on the detail only.
        fields = [
            name
            for name in InstrumentSerializer.Meta.fields
            if name not in ("description", "milestone_progress")
        ]
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
                "series": SeriesSerializer.from_row(row),
                "edition": row["edition"],
                "due_on": iso_date(row["due_on"]),
                "completed_on": iso_date(row["completed_on"]),
                "overdue": is_overdue(
                    row["due_on"], row["completed_on"], row["current_status"], at
                ),
                "overall": OverallSerializer.from_row(row),
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
