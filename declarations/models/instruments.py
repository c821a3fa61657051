"""Instruments and milestones: what belongs to a declaration, theme or party, and the
overall status of each as of a date. The counting rules themselves are in `counting`."""

from django.db import models
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Round
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..text import validate_storable_text
from .base import (
    Kind,
    PartyGroup,
    ReviewState,
    Status,
    choices_check,
    end_of_day,
    region_first,
)
from .counting import (
    MILESTONE_DEPTH,
    STATUS_LADDER,
    Basis,
    is_overdue,
    overdue_condition,
    party_status_name,
    stale_condition,
)
from .declarations import Reference, tracking, tracking_lookups
from .parties import Party, Theme
from .statuses import ImplementationStatus


def inherited(model, **match):
    """The condition "the instrument, or else its nearest ancestor that has rows of `model`
    at all, has a row matching `match`" on an Instrument queryset.

    Business rule (belonging): a milestone or edition belongs to every declaration, theme
    and lead party its parent belongs to, unless it has its own; nested milestones inherit
    level by level, up to MILESTONE_DEPTH. `model` has a foreign key `instrument`
    (Reference, or the through model of `themes` or `lead_parties`).
    """

    def rows(level, **extra):
        lookup = "instrument" + "__children" * level
        return Exists(model.objects.filter(**{lookup: OuterRef("pk")}, **extra))

    condition = Q(rows(0, **match))
    none_of_its_own = Q()
    for level in range(1, MILESTONE_DEPTH + 1):
        none_of_its_own &= ~rows(level - 1)
        condition |= none_of_its_own & rows(level, **match)
    return condition


def ladder_rank():
    """A status's place on STATUS_LADDER, as SQL."""
    return Case(
        *(When(status=status, then=Value(rank)) for rank, status in enumerate(STATUS_LADDER)),
        output_field=IntegerField(),
    )


def ladder_status(rank):
    """The status at a place on STATUS_LADDER, as SQL."""
    return Case(
        *(When(**{rank: value}, then=Value(status)) for value, status in enumerate(STATUS_LADDER)),
        default=Value(None),
        output_field=models.CharField(),
    )


class InstrumentQuerySet(models.QuerySet):
    @staticmethod
    def _known(at):
        """Published assessments that were true and known on `at` (any date when None)."""
        entries = ImplementationStatus.objects.filter(review_state=ReviewState.PUBLISHED)
        if at is not None:
            entries = entries.filter(as_of__lte=at, published_at__lte=end_of_day(at))
        return entries

    def with_current_status(self, at=None):
        """Annotate the overall status as of `at` (any date when None): `current_status`,
        `current_progress`, `current_as_of`, `last_published_at`, `status_basis`, and the
        parties' summary `parties_reported`, `parties_completed`, `parties_expected`.

        Business rule (overall status across parties): the region-wide assessment when one
        was published (basis "region"); otherwise a summary of the parties' own latest
        assessments (basis "parties"): the least advanced of their statuses (STATUS_LADDER),
        the average of their `completion()`, the latest of their dates. With nothing
        published the status is None, "no information" (basis "none"). A party's entry is
        never presented as the whole: the basis and the summary say what stands behind it.
        """
        known = self._known(at)
        # The ordering of `status_current_idx` (region entries first): the region's latest
        # entry is the first one that probe finds, read from the index alone once vacuumed.
        region = known.filter(instrument=OuterRef("pk"), party__isnull=True).order_by(
            region_first(), "-as_of", "-published_at", "-pk"
        )
        by_party = known.filter(instrument=OuterRef("pk"), party__isnull=False).order_by()
        newer = known.filter(instrument=OuterRef("instrument"), party=OuterRef("party")).filter(
            Q(as_of__gt=OuterRef("as_of"))
            | Q(as_of=OuterRef("as_of"), published_at__gt=OuterRef("published_at"))
            | Q(
                as_of=OuterRef("as_of"),
                published_at=OuterRef("published_at"),
                pk__gt=OuterRef("pk"),
            )
        )
        latest_by_party = by_party.filter(~Exists(newer))

        def over(entries, **aggregate):
            ((name, expression),) = aggregate.items()
            return Subquery(entries.values("instrument").annotate(**aggregate).values(name)[:1])

        done = Coalesce(
            "progress",
            Case(When(status=Status.COMPLETED, then=Value(100)), default=Value(0)),
        )
        asean = Party.objects.filter(group=PartyGroup.ASEAN).order_by().values("group")
        leads = Instrument.lead_parties.through.objects.order_by().values("instrument")

        def lead_count(level):
            lookup = "instrument" + "__children" * level
            return NullIf(
                Subquery(
                    leads.filter(**{lookup: OuterRef("pk")}).annotate(n=Count("pk")).values("n")[:1]
                ),
                Value(0),
            )

        queryset = self.annotate(
            region_status=Subquery(region.values("status")[:1]),
            region_progress=Subquery(region.values("progress")[:1]),
            region_as_of=Subquery(region.values("as_of")[:1]),
            region_published_at=Subquery(region.values("published_at")[:1]),
            # One latest entry per party: counting them counts the parties, no DISTINCT.
            parties_reported=Coalesce(over(latest_by_party, n=Count("pk")), 0),
            parties_rank=over(latest_by_party, rank=Min(ladder_rank())),
            parties_completed=Coalesce(
                over(latest_by_party, n=Count("pk", filter=Q(status=Status.COMPLETED))), 0
            ),
            parties_percent=over(latest_by_party, percent=Avg(done)),
            parties_as_of=over(by_party, last=Max("as_of")),
            parties_published_at=over(by_party, last=Max("published_at")),
            parties_expected=Coalesce(
                *(lead_count(level) for level in range(MILESTONE_DEPTH + 1)),
                Subquery(asean.annotate(n=Count("pk")).values("n")[:1]),
                Value(0),
            ),
        )
        on_region = Q(region_status__isnull=False)
        return queryset.annotate(
            status_basis=Case(
                When(on_region, then=Value(Basis.REGION)),
                When(parties_reported__gt=0, then=Value(Basis.PARTIES)),
                default=Value(Basis.NONE),
            ),
            current_status=Coalesce(F("region_status"), ladder_status("parties_rank")),
            current_progress=Case(
                When(on_region, then=F("region_progress")),
                default=Cast(Round("parties_percent"), IntegerField()),
                output_field=IntegerField(),
            ),
            current_as_of=Case(When(on_region, then=F("region_as_of")), default=F("parties_as_of")),
            last_published_at=Case(
                When(on_region, then=F("region_published_at")),
                default=F("parties_published_at"),
            ),
        )

    def with_party_statuses(self, parties, at=None):
        """Annotate `party_<pk>_status` for each of `parties`: that party's latest published
        status on `at` (today when None), or None.

        Each value is one probe of `status_latest_idx`, so a matrix of instruments by party
        costs the same however long their history; `latest_per_party`, which numbers every
        entry, suits one instrument's parties rather than thousands of instruments'.
        """
        at = at or timezone.localdate()
        entries = ImplementationStatus.objects.known_at(at).order_by(
            "-as_of", "-published_at", "-pk"
        )
        return self.annotate(
            **{
                party_status_name(party): Subquery(
                    entries.filter(instrument=OuterRef("pk"), party=party).values("status")[:1]
                )
                for party in parties
            }
        )

    def in_declaration(self, declaration):
        """Instruments that belong to `declaration` (a Declaration or its slug): cited by one
        of its clauses, or a milestone of one that is (`inherited`)."""
        key = "clause__declaration__slug" if isinstance(declaration, str) else "clause__declaration"
        return self.filter(inherited(Reference, **{key: declaration}))

    def with_theme(self, theme):
        """Instruments under `theme` (a Theme or its slug), their own or inherited."""
        key = "theme__slug" if isinstance(theme, str) else "theme"
        return self.filter(inherited(Instrument.themes.through, **{key: theme}))

    def led_by(self, party):
        """Instruments `party` (a Party or its code) leads, its own or inherited."""
        key = "party__code" if isinstance(party, str) else "party"
        return self.filter(inherited(Instrument.lead_parties.through, **{key: party}))

    def for_party(self, party):
        """Instruments that concern `party` (a Party or its code): it leads them (`led_by`)
        or has published an assessment of them. What every "party" filter means."""
        key = "party__code" if isinstance(party, str) else "party"
        reported = ImplementationStatus.objects.published().filter(
            instrument=OuterRef("pk"), **{key: party}
        )
        return self.filter(
            inherited(Instrument.lead_parties.through, **{key: party}) | Exists(reported)
        )

    def tracked(self):
        """Instruments with work to follow: adopted, approved, welcomed, encouraged or looked
        forward to by a trackable clause (see `tracking`), and their milestones."""
        return self.filter(inherited(Reference, **tracking_lookups()))

    def cited(self):
        """Tracked instruments that a clause cites themselves, milestones left out: what a
        declaration's roll-up and the dashboard's instrument counts count."""
        return self.filter(Exists(Reference.objects.filter(tracking(), instrument=OuterRef("pk"))))

    def overdue(self, at=None):
        """Overdue = due date before `at`, not completed by `at`, and the overall status as
        of `at` is not completed or discontinued."""
        at = at or timezone.localdate()
        return self.with_current_status(at=at).filter(overdue_condition(at))

    def stale(self, days=None, at=None):
        """Stale = tracked, not closed, and no published assessment with `as_of` in the `days`
        before `at` (never assessed counts as stale)."""
        at = at or timezone.localdate()
        return self.tracked().with_current_status(at=at).filter(stale_condition(at, days))


class Series(models.Model):
    """A recurring instrument: an exercise or conference held every year, a numbered
    protocol. Business rule (editions): "the 2nd X" and "the 3rd X" are two editions of one
    series, two instruments (each with its own status, milestones and citing clauses) in one
    line of history, never one record and never unrelated ones. `name` is the name without
    the ordinal ("ASEAN-United States Maritime Exercise")."""

    slug = models.SlugField(max_length=120, unique=True, validators=[validate_storable_text])
    name = models.CharField(
        max_length=300,
        help_text="The name without the edition's ordinal.",
        validators=[validate_storable_text],
    )
    acronym = models.CharField(max_length=20, blank=True, validators=[validate_storable_text])
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.OTHER)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"
        constraints = [choices_check("kind", Kind, "series_kind_valid")]
        indexes = [
            # Importer: find the series of "the 3rd AUMX" by its acronym.
            models.Index(fields=["acronym"], name="series_acronym_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("admin:declarations_series_change", args=[self.pk])

    def ordered_editions(self):
        """The editions by number, unnumbered ones last."""
        return self.editions.order_by(F("edition").asc(nulls_last=True), "name")

    def latest_edition(self):
        return self.editions.order_by(F("edition").desc(nulls_last=True), "-pk").first()


def edition_label(number):
    """3 -> "3rd"."""
    teens = 10 <= number % 100 <= 20
    suffix = "th" if teens else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class Instrument(models.Model):
    slug = models.SlugField(max_length=120, unique=True, validators=[validate_storable_text])
    name = models.CharField(max_length=300, validators=[validate_storable_text])
    acronym = models.CharField(
        max_length=20,
        blank=True,
        help_text="The instrument's own acronym (ADSARX), not SOP/TOR.",
        validators=[validate_storable_text],
    )
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True, validators=[validate_storable_text])
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="For a milestone or a yearly edition: the instrument it belongs to.",
    )
    series = models.ForeignKey(
        Series,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="editions",
        help_text="For one edition of a recurring exercise, conference or protocol: its series.",
    )
    edition = models.PositiveIntegerField(
        null=True, blank=True, help_text="Its number in the series: 3 for the 3rd."
    )
    weight = models.PositiveSmallIntegerField(
        default=1,
        help_text="A milestone's share of its parent's progress, relative to its siblings.",
    )
    due_on = models.DateField(null=True, blank=True, help_text="Planned date.")
    completed_on = models.DateField(null=True, blank=True, help_text="Actual completion date.")
    lead_parties = models.ManyToManyField(Party, blank=True, related_name="led_instruments")
    themes = models.ManyToManyField(Theme, blank=True, related_name="instruments")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[lead_parties, themes], excluded_fields=["updated_at"])

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            choices_check("kind", Kind, "instrument_kind_valid"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="instrument_not_own_parent"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="instrument_weight_positive"),
            models.CheckConstraint(
                condition=Q(edition__isnull=True) | Q(series__isnull=False, edition__gte=1),
                name="instrument_edition_in_series",
            ),
            models.UniqueConstraint(fields=["series", "edition"], name="instrument_edition_unique"),
        ]
        indexes = [
            # Importer: find an existing instrument by its acronym.
            models.Index(fields=["acronym"], name="instrument_acronym_idx"),
            # Overdue lists: due date passed and not completed.
            models.Index(fields=["due_on", "completed_on"], name="instrument_due_idx"),
            # Lists in name order (the API, the admin, the reports): a page is read from the
            # index instead of sorting every instrument.
            models.Index(fields=["name", "id"], name="instrument_name_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("admin:declarations_instrument_change", args=[self.pk])

    @property
    def edition_label(self):
        return edition_label(self.edition) if self.edition else ""

    def overdue_on(self, at):
        """Whether this instrument, annotated by `with_current_status(at)`, is overdue on
        `at` (`is_overdue`)."""
        return is_overdue(self.due_on, self.completed_on, self.current_status, at)
