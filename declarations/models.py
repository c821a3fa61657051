"""The tracker's data: declaration -> clause -> instrument (and milestones) -> dated status.

Status history is append-only: the current status of anything is the latest *published*
assessment, and every report can be reproduced "as at" a past date because each query takes
an `at` date and only looks at what was both true (`as_of`) and known (`published_at`) then.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import Coalesce, JSONObject, RowNumber
from django.db.models.lookups import In, LessThan
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import audit
from .audit import describe


class Part(models.TextChoices):
    PREAMBLE = "preamble", "Preamble"
    OPERATIVE = "operative", "Operative"


class VerbClass(models.TextChoices):
    ADOPTS = "adopts", "Adopts / approves"
    COMMITMENT = "commitment", "Continuing commitment"
    WELCOMES = "welcomes", "Welcomes / notes"
    DECLARATORY = "declaratory", "Declaratory"
    UNKNOWN = "unknown", "Unclassified"


class Relation(models.TextChoices):
    ADOPTS = "adopts", "adopts"
    APPROVES = "approves", "approves"
    WELCOMES = "welcomes", "welcomes"
    NOTES = "notes", "notes"
    REAFFIRMS = "reaffirms", "reaffirms"
    ENCOURAGES = "encourages", "encourages"
    LOOKS_FORWARD = "looks_forward", "looks forward to"
    CITES = "cites", "cites"


class Kind(models.TextChoices):
    CONCEPT_PAPER = "concept_paper", "Concept paper"
    GUIDELINES = "guidelines", "Guidelines"
    ROADMAP = "roadmap", "Roadmap"
    SOP = "sop", "Standard operating procedure"
    TERMS_OF_REFERENCE = "terms_of_reference", "Terms of reference"
    RULES_OF_PROCEDURE = "rules_of_procedure", "Rules of procedure"
    PROTOCOL = "protocol", "Protocol"
    JOINT_STATEMENT = "joint_statement", "Joint statement"
    DECLARATION = "declaration", "Declaration"
    AGREEMENT = "agreement", "Treaty, convention or agreement"
    PLAN = "plan", "Plan or strategy"
    EXERCISE = "exercise", "Exercise"
    CONFERENCE = "conference", "Conference"
    NETWORK = "network", "Network"
    PROGRAMME = "programme", "Programme"
    MECHANISM = "mechanism", "Mechanism"
    COMMITMENT = "commitment", "Commitment"
    MILESTONE = "milestone", "Milestone"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    ONGOING = "ongoing", "Ongoing"
    DELAYED = "delayed", "Delayed"
    ON_HOLD = "on_hold", "On hold"
    DISCONTINUED = "discontinued", "Discontinued"
    NO_INFORMATION = "no_information", "No information"


# Statuses after which an instrument is no longer expected to move.
CLOSED_STATUSES = (Status.COMPLETED, Status.DISCONTINUED)


# Applies to a queryset annotated by `with_current_status()`. Never assessed counts as open:
# NULL becomes "" before the NOT IN, which over NULL would be unknown in SQL. One mention of
# the annotation, not an IS NULL test and a NOT IN: each mention repeats its subquery.
OPEN = ~Q(In(Coalesce("current_status", Value("")), list(CLOSED_STATUSES)))


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"


class PartyGroup(models.TextChoices):
    ASEAN = "asean", "ASEAN Member State"
    PLUS = "plus", "ADMM-Plus country"
    OBSERVER = "observer", "Observer"
    REGIONAL = "regional", "Regional"


class EvidenceKind(models.TextChoices):
    OFFICIAL_RECORD = "official_record", "Official record"
    MEETING_REPORT = "meeting_report", "Meeting report"
    PRESS_RELEASE = "press_release", "Press release"
    MEDIA = "media", "Media"
    OTHER = "other", "Other"


def _choices_check(field, choices, name):
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


def region_first():
    """0 for a region-wide entry (no party), 1 for a country's: sorts the region first.

    Shared by `with_current_status()` and the index `status_current_idx`; PostgreSQL uses an
    expression index only for a query that orders by the very same expression."""
    return Case(When(party__isnull=True, then=Value(0)), default=Value(1))


def end_of_day(day):
    """The last instant of `day` in UTC: what was known "on" a date includes that whole day."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)


class Party(models.Model):
    code = models.CharField(
        max_length=8, unique=True, help_text="Short code, ISO 3166 alpha-3 for a country (MYS)."
    )
    name = models.CharField(max_length=100, unique=True)
    group = models.CharField(max_length=16, choices=PartyGroup.choices)
    member_since = models.DateField(
        null=True, blank=True, help_text="When the party joined its group, if that matters."
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="parties",
        help_text="Country editors who may report for this party.",
    )
    history = HistoricalRecords(m2m_fields=[editors])

    class Meta:
        ordering = ["group", "name"]
        verbose_name_plural = "parties"
        constraints = [_choices_check("group", PartyGroup, "party_group_valid")]

    def __str__(self):
        return self.name


class Theme(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Declaration(models.Model):
    slug = models.SlugField(
        max_length=120, unique=True, help_text="Stable identifier, e.g. admm-2025-kuala-lumpur."
    )
    title = models.CharField(max_length=300)
    body = models.CharField(
        max_length=60, help_text="The adopting body: ADMM, ADMM-Plus, ASEAN Summit, ..."
    )
    meeting = models.CharField(max_length=100, blank=True, help_text="e.g. 19th ADMM")
    place = models.CharField(max_length=120, blank=True)
    adopted_on = models.DateField()
    source_url = models.URLField(
        max_length=500, blank=True, help_text="Where the text is published."
    )
    language = models.CharField(max_length=8, default="en")
    text = models.TextField(blank=True, help_text="The full original text as imported.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["text", "updated_at"])

    class Meta:
        ordering = ["-adopted_on", "title"]
        indexes = [
            # The dashboard and the API list declarations newest first.
            models.Index(fields=["-adopted_on"], name="declaration_adopted_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("admin:declarations_declaration_change", args=[self.pk])


# What a trackable clause must do to an instrument to make it work to follow. A clause that
# only cites, notes or reaffirms something (UNCLOS, the confidence-building measures it
# commends) creates no work for this declaration.
TRACKED_RELATIONS = (
    Relation.ADOPTS,
    Relation.APPROVES,
    Relation.WELCOMES,
    Relation.ENCOURAGES,
    Relation.LOOKS_FORWARD,
)


def tracking(prefix=""):
    """The condition on a Reference (reached through `prefix`) that makes it tracked."""
    return Q(**{f"{prefix}clause__trackable": True, f"{prefix}relation__in": TRACKED_RELATIONS})


class InstrumentQuerySet(models.QuerySet):
    def _latest_published(self, at):
        """Published assessments of the outer instrument that were true and known on `at`.

        The region-wide assessment (no party) wins over a country's; then the latest `as_of`,
        then the latest publication.
        """
        entries = ImplementationStatus.objects.filter(
            instrument=OuterRef("pk"), review_state=ReviewState.PUBLISHED
        )
        if at is not None:
            entries = entries.filter(as_of__lte=at, published_at__lte=end_of_day(at))
        # The same expression as in `status_current_idx`, so each subquery is one index probe.
        return entries.order_by(region_first(), "-as_of", "-published_at", "-pk")

    def with_current_status(self, at=None):
        """Annotate `current_status`, `current_progress`, `current_as_of`, `last_published_at`.

        Business rule: an instrument's current status is its latest published assessment on
        or before `at` (today when None) for the region as a whole, or, when nothing has been
        published for the region, the latest published assessment for any party. An
        instrument with no such assessment has `current_status` None ("no information").
        """
        latest = self._latest_published(at)
        return self.annotate(
            current_status=Subquery(latest.values("status")[:1]),
            current_progress=Subquery(latest.values("progress")[:1]),
            current_as_of=Subquery(latest.values("as_of")[:1]),
            last_published_at=Subquery(latest.values("published_at")[:1]),
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

    def tracked(self):
        """Instruments with work to follow: adopted, approved, welcomed, encouraged or looked
        forward to by a trackable clause (see `tracking`), or a milestone."""
        return self.filter(
            Exists(Reference.objects.filter(tracking(), instrument=OuterRef("pk")))
            | Q(parent__isnull=False)
        )

    def overdue(self, at=None):
        """Overdue = due date before `at`, not completed by `at`, and the current status as of
        `at` is not completed or discontinued."""
        at = at or timezone.localdate()
        return self.with_current_status(at=at).filter(overdue_condition(at))

    def stale(self, days=None, at=None):
        """Stale = tracked, not closed, and no published assessment with `as_of` in the `days`
        before `at` (never assessed counts as stale)."""
        at = at or timezone.localdate()
        return self.tracked().with_current_status(at=at).filter(stale_condition(at, days))


def party_status_name(party):
    """The attribute `with_party_statuses` gives a party's status."""
    return f"party_{party.pk}_status"


def overdue_condition(at):
    """The overdue rule as a filter on a queryset annotated by `with_current_status(at)`."""
    return Q(due_on__lt=at) & (Q(completed_on__isnull=True) | Q(completed_on__gt=at)) & OPEN


def is_overdue(due_on, completed_on, current_status, at):
    """`overdue_condition` for one instrument's values, computed in Python: lists use it
    instead of repeating the status subquery in SQL."""
    return (
        due_on is not None
        and due_on < at
        and (completed_on is None or completed_on > at)
        and current_status not in CLOSED_STATUSES
    )


def stale_condition(at, days=None):
    """The stale rule (less `tracked()`) on a queryset annotated by `with_current_status(at)`."""
    days = settings.TRACKER_STALE_AFTER_DAYS if days is None else days
    # An `at` within `days` of year 1 (an API client can ask for one) has no earlier date.
    cutoff = max(at, datetime.date.min + datetime.timedelta(days=days)) - datetime.timedelta(
        days=days
    )
    # Never assessed counts as stale: a missing date sorts before any cutoff.
    never = Value(datetime.date.min)
    return Q(LessThan(Coalesce("current_as_of", never), cutoff)) & OPEN


def completion(status, progress):
    """Per cent done of one instrument in a roll-up: the progress recorded, else 100 when it
    is completed and 0 otherwise (no information counts as nothing done)."""
    if progress is not None:
        return progress
    return 100 if status == Status.COMPLETED else 0


@dataclass
class Rollup:
    """Instruments counted by current status (None = no information) and per cent complete,
    the average of their `completion()`."""

    counts: dict = field(default_factory=dict)
    done: int = 0

    def add(self, status, progress):
        self.counts[status] = self.counts.get(status, 0) + 1
        self.done += completion(status, progress)

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def percent(self):
        return round(self.done / self.total) if self.total else None


def rollup(instruments):
    """The roll-up of a queryset annotated by `with_current_status(at)`."""
    result = Rollup()
    for status, progress in instruments.order_by().values_list(
        "current_status", "current_progress"
    ):
        result.add(status, progress)
    return result


def rollups_by_declaration(instruments, *, declarations=None):
    """{declaration id: Rollup} over a queryset annotated by `with_current_status(at)`.

    Business rule: a declaration's roll-up counts the instruments cited by its trackable
    clauses, each once however often it is cited; declaratory and other untracked clauses
    do not count, so they can never make a declaration look "0% done".
    """
    condition = tracking("references__")
    if declarations is not None:
        condition &= Q(references__clause__declaration__in=declarations)
    rows = (
        instruments.filter(condition)
        .order_by()
        .values_list("references__clause__declaration", "pk", "current_status", "current_progress")
        .distinct()
    )
    result = {}
    for declaration_id, _pk, status, progress in rows:
        result.setdefault(declaration_id, Rollup()).add(status, progress)
    return result


class Instrument(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    acronym = models.CharField(
        max_length=20, blank=True, help_text="The instrument's own acronym (ADSARX), not SOP/TOR."
    )
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="For a milestone or a yearly edition: the instrument it belongs to.",
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
            _choices_check("kind", Kind, "instrument_kind_valid"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="instrument_not_own_parent"),
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

    def overdue_on(self, at):
        """Whether this instrument, annotated by `with_current_status(at)`, is overdue on
        `at` (`is_overdue`)."""
        return is_overdue(self.due_on, self.completed_on, self.current_status, at)


class Clause(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="clauses")
    part = models.CharField(max_length=10, choices=Part.choices)
    number = models.PositiveSmallIntegerField(help_text="Position within its part, from 1.")
    lead_word = models.CharField(max_length=60, help_text="The lead word as written.")
    lead_verb = models.CharField(
        max_length=60, help_text="The lead word normalised: typos fixed, upper case."
    )
    verb_class = models.CharField(max_length=12, choices=VerbClass.choices)
    text = models.TextField()
    trackable = models.BooleanField(
        default=False, help_text="Whether the clause creates work to follow up."
    )
    instruments = models.ManyToManyField(Instrument, through="Reference", related_name="clauses")
    history = HistoricalRecords()

    class Meta:
        # "-part" puts "preamble" before "operative".
        ordering = ["declaration", "-part", "number"]
        constraints = [
            _choices_check("part", Part, "clause_part_valid"),
            _choices_check("verb_class", VerbClass, "clause_verb_class_valid"),
            models.UniqueConstraint(
                fields=["declaration", "part", "number"], name="clause_unique_number"
            ),
        ]

    def __str__(self):
        return f"{self.declaration.slug} {self.anchor}"

    @property
    def anchor(self):
        return f"{'pre' if self.part == Part.PREAMBLE else 'op'}-{self.number}"


class Reference(models.Model):
    """A clause's mention of an instrument, with what the clause does to it."""

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="references")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="references")
    relation = models.CharField(max_length=16, choices=Relation.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["clause", "instrument"]
        constraints = [
            _choices_check("relation", Relation, "reference_relation_valid"),
            models.UniqueConstraint(
                fields=["clause", "instrument", "relation"], name="reference_unique"
            ),
        ]

    def __str__(self):
        return f"{self.clause} {self.get_relation_display()} {self.instrument}"

    @property
    def is_tracked(self):
        """Python twin of `tracking()` for a reference whose clause is loaded."""
        return self.clause.trackable and self.relation in TRACKED_RELATIONS


class JSONArrayAgg(models.Aggregate):
    """The grouped rows' values as one JSON array: JSONB_AGG on PostgreSQL, JSON_GROUP_ARRAY
    on SQLite. Neither orders it; order the items after reading them."""

    function = "JSONB_AGG"
    output_field = models.JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


class ImplementationStatusQuerySet(models.QuerySet):
    def published(self):
        return self.filter(review_state=ReviewState.PUBLISHED)

    def with_evidence(self):
        """Annotate `evidence_json`, each entry's evidence as a JSON list, read by the same
        query: a page of entries costs one query instead of two (see `evidence_items`)."""
        items = (
            Evidence.objects.filter(status=OuterRef("pk"))
            .order_by()
            .values("status")
            .annotate(
                items=JSONArrayAgg(JSONObject(id="id", title="title", url="url", kind="kind"))
            )
            .values("items")
        )
        return self.annotate(evidence_json=Subquery(items, output_field=models.JSONField()))

    def visible_to(self, user):
        """The entries `user` may see in the admin: reviewers see every entry; anyone else
        sees published entries, every entry for the parties they report for, and their own."""
        if not user.is_authenticated:
            return self.published()
        if can_review(user):
            return self
        return self.filter(
            Q(review_state=ReviewState.PUBLISHED)
            # A subquery, not a join through `editors`, so no entry is listed twice.
            | Q(party__in=Party.objects.filter(editors=user))
            | Q(recorded_by=user)
        )

    def known_at(self, at):
        """Published entries that were true (`as_of`) and known (`published_at`) on `at`."""
        return self.published().filter(as_of__lte=at, published_at__lte=end_of_day(at))

    def latest_per_party(self, at=None):
        """The current entry for each (instrument, party) pair, region included, as of `at`.

        One pass in index order (`status_latest_idx`) numbering each pair's entries newest
        first, keeping number 1; no correlated subquery per entry."""
        base = self.known_at(at) if at is not None else self.published()
        newest_first = Window(
            RowNumber(),
            partition_by=[F("instrument"), F("party")],
            order_by=[F("as_of").desc(), F("published_at").desc(), F("pk").desc()],
        )
        return base.annotate(pair_rank=newest_first).filter(pair_rank=1)


class ImplementationStatus(models.Model):
    """One dated assessment of an instrument, for one party or for the region (no party).

    Rows are never overwritten once published: a correction is a new entry.
    """

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="statuses")
    party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statuses",
        help_text="Leave empty for the region as a whole.",
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Per cent complete, 0 to 100, if it can be measured.",
    )
    as_of = models.DateField(help_text="The date this assessment describes.")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_statuses",
        editable=False,
    )
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_statuses",
        editable=False,
    )
    review_comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ImplementationStatusQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-recorded_at", "-pk"]
        verbose_name = "implementation status"
        verbose_name_plural = "implementation statuses"
        permissions = [("review_implementationstatus", "Can publish or reject status entries")]
        constraints = [
            _choices_check("status", Status, "status_value_valid"),
            _choices_check("review_state", ReviewState, "status_review_state_valid"),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="status_progress_0_100",
            ),
            models.CheckConstraint(
                condition=~Q(review_state=ReviewState.PUBLISHED) | Q(published_at__isnull=False),
                name="status_published_has_time",
            ),
        ]
        indexes = [
            # latest_per_party(): each (instrument, party) pair's entries newest first, read
            # in index order by the window that keeps the newest.
            models.Index(
                "instrument",
                "party",
                F("as_of").desc(),
                F("published_at").desc(),
                F("id").desc(),
                name="status_latest_idx",
                condition=Q(review_state="published"),
            ),
            # with_current_status(): the region's latest entry, else any party's, as of a
            # date; one index probe per instrument (the expression must match the query's).
            # It also carries the values read (PostgreSQL only; SQLite ignores `include`), so
            # that a probe reads no table page once VACUUM has marked them all-visible: at a
            # million entries the dashboard's stale list went from 41 to 32 ms.
            models.Index(
                "instrument",
                region_first(),
                F("as_of").desc(),
                F("published_at").desc(),
                F("id").desc(),
                name="status_current_idx",
                condition=Q(review_state="published"),
                include=["party", "status", "progress"],
            ),
            # An instrument's entries newest first, any party: the instrument report's history
            # and the admin's "last update" column. Without it the planner may walk
            # status_recent_idx for each instrument instead.
            models.Index(
                "instrument",
                F("as_of").desc(),
                F("published_at").desc(),
                F("id").desc(),
                name="status_instrument_idx",
                condition=Q(review_state="published"),
            ),
            # Admin changelist (Meta.ordering): the newest entries first, read from the
            # index instead of sorting the whole history; also MIN/MAX(as_of).
            models.Index(
                F("as_of").desc(),
                F("recorded_at").desc(),
                F("id").desc(),
                name="status_recent_idx",
            ),
            # Incremental sync and feeds: published entries in publication order.
            models.Index(
                fields=["published_at", "id"],
                name="status_published_idx",
                condition=Q(review_state="published"),
            ),
            # Incremental sync of one party (?party=): in publication order without walking
            # every other party's entries, which for a party that rarely reports meant all.
            models.Index(
                fields=["party", "published_at", "id"],
                name="status_party_sync_idx",
                condition=Q(review_state="published"),
            ),
            # Review queue: entries waiting for a reviewer.
            models.Index(fields=["review_state", "recorded_at"], name="status_review_idx"),
        ]

    def __str__(self):
        who = self.party.code if self.party_id else "region"
        return f"{self.instrument} / {who}: {self.get_status_display()} as of {self.as_of}"

    @property
    def evidence_items(self):
        """The evidence as dicts (title, url, kind) in the order it was added: from the
        `with_evidence()` annotation when the entry was read with it, else queried."""
        if hasattr(self, "evidence_json"):
            return sorted_evidence(self.evidence_json)
        return list(self.evidence.order_by("pk").values("title", "url", "kind"))


def sorted_evidence(items):
    """A `with_evidence()` annotation's items in the order they were added."""
    return sorted(items or (), key=lambda item: item["id"])


def can_review(user):
    """Editors and administrators publish and reject entries, for any party."""
    return user.is_active and user.has_perm("declarations.review_implementationstatus")


def reportable_parties(user):
    """The parties `user` may record status for; reviewers may also report for the region."""
    if can_review(user):
        return Party.objects.all()
    if user.is_active and user.has_perm("declarations.add_implementationstatus"):
        return Party.objects.filter(editors=user)
    return Party.objects.none()


def can_report_for(user, party):
    """Whether `user` may record an entry for `party` (None = the region as a whole)."""
    if party is None:
        return can_review(user)
    return reportable_parties(user).filter(pk=party.pk).exists()


def check_as_of(as_of, today=None):
    today = today or timezone.localdate()
    limit = today + datetime.timedelta(days=settings.TRACKER_MAX_FUTURE_DAYS)
    if as_of > limit:
        raise ValidationError(
            {
                "as_of": f"The as-of date {as_of.isoformat()} is in the future (latest allowed: "
                f"{limit.isoformat()})."
            }
        )


class EditConflict(Exception):
    """Someone saved the object after the editor loaded it; nothing was written."""


def conflict_message(model):
    return (
        f"This {model._meta.verbose_name} was changed by someone else since you opened it; "
        "reload to see their changes. Nothing was saved."
    )


def is_current_version(obj, version):
    """Whether the stored row of `obj` still carries `version` (a cheap early check)."""
    return type(obj)._default_manager.filter(pk=obj.pk, version=version).exists()


@transaction.atomic
def save_versioned(obj, *, version, update_fields=None):
    """Save `obj` only if its row still carries `version`, the one its editor loaded.

    Optimistic locking for every model with a `version` field: a conditional
    UPDATE ... WHERE pk = ... AND version = ... claims the row and increments its version.
    Of two saves that loaded the same version the database lets exactly one match; the
    other raises EditConflict and, inside the same transaction, writes nothing.
    """
    model = type(obj)
    claimed = model._default_manager.filter(pk=obj.pk, version=version).update(
        version=F("version") + 1
    )
    if claimed != 1:
        audit.event("edit_conflict", object=describe(obj), version_seen=version)
        raise EditConflict(conflict_message(model))
    obj.version = version + 1
    if update_fields is not None:
        update_fields = [*update_fields, "version"]
    obj.save(update_fields=update_fields)
    return obj


@transaction.atomic
def record_status(
    *,
    instrument,
    party,
    status,
    as_of,
    by,
    progress=None,
    note="",
    evidence=(),
    submit=False,
    publish=False,
):
    """Record one assessment, the one write path shared by the admin, imports and the API.

    Rules: the recorder must be allowed to report for the party (country editors only for
    their own parties, reviewers for any party and for the region). A country editor's entry
    is a draft, or submitted for review when `submit`; only a reviewer may `publish` at once.
    `evidence` is an iterable of dicts with title, url and kind.
    """
    if not can_report_for(by, party):
        who = party.name if party else "the region as a whole"
        raise PermissionDenied(f"{by.get_username()} may not record status for {who}.")
    if publish and not can_review(by):
        raise PermissionDenied(f"{by.get_username()} may not publish status entries.")
    check_as_of(as_of)
    entry = ImplementationStatus(
        instrument=instrument,
        party=party,
        status=status,
        progress=progress,
        as_of=as_of,
        note=note,
        recorded_by=by,
    )
    if publish:
        entry.review_state = ReviewState.PUBLISHED
        entry.published_at = timezone.now()
        entry.reviewed_by = by
    elif submit:
        entry.review_state = ReviewState.SUBMITTED
    # The database enforces the CHECK constraints; validating them here would cost a query
    # each, per entry, which bulk imports feel. Field validation still names bad values.
    entry.full_clean(validate_constraints=False)
    entry.save()
    for item in evidence:
        link = Evidence(status=entry, **item)
        link.full_clean(exclude=["status"])
        link.save()
    if publish:
        audit.event("status_published", user=by, object=describe(entry))
    return entry


@transaction.atomic
def submit_status(entry, *, by):
    """A draft goes to the review queue; only its author or a reviewer may send it."""
    if entry.review_state != ReviewState.DRAFT:
        state = entry.get_review_state_display().lower()
        raise ValidationError(f"Only a draft can be submitted; this entry is {state}.")
    if not (entry.recorded_by_id == by.pk or can_review(by)):
        raise PermissionDenied("Only the author or a reviewer may submit this entry.")
    entry.review_state = ReviewState.SUBMITTED
    save_versioned(entry, version=entry.version, update_fields=["review_state"])
    return entry


@transaction.atomic
def review_status(entry, *, by, publish, comment=""):
    """Publish or reject a submitted (or draft) entry. Published entries are final."""
    if not can_review(by):
        raise PermissionDenied(f"{by.get_username()} may not review status entries.")
    if entry.review_state in (ReviewState.PUBLISHED, ReviewState.REJECTED):
        raise ValidationError(
            f"This entry is already {entry.get_review_state_display().lower()}; "
            "record a new entry to correct it."
        )
    if not publish and not comment.strip():
        raise ValidationError({"review_comment": "Say why the entry is rejected."})
    entry.review_state = ReviewState.PUBLISHED if publish else ReviewState.REJECTED
    entry.published_at = timezone.now() if publish else None
    entry.reviewed_by = by
    entry.review_comment = comment
    # The entry as the reviewer loaded it is what gets published: a change since is a conflict.
    save_versioned(
        entry,
        version=entry.version,
        update_fields=["review_state", "published_at", "reviewed_by", "review_comment"],
    )
    audit.event(
        "status_published" if publish else "status_rejected", user=by, object=describe(entry)
    )
    return entry


class Evidence(models.Model):
    status = models.ForeignKey(
        ImplementationStatus, on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    kind = models.CharField(max_length=16, choices=EvidenceKind.choices, default=EvidenceKind.OTHER)

    class Meta:
        ordering = ["status", "pk"]
        verbose_name_plural = "evidence"
        constraints = [_choices_check("kind", EvidenceKind, "evidence_kind_valid")]

    def __str__(self):
        return self.title


class ApiToken(models.Model):
    """A revocable API key. Only a SHA-256 hash of the key is stored; the key itself is shown
    once, when an administrator creates it. The first characters are kept in clear as a
    lookup prefix so authentication reads one row by index."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What the token is for, e.g. 'Think-tank dashboard'."
    )
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty means no expiry.")
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key):
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name, expires_at=None):
        """Create a token; returns (token, key). The key is not stored and cannot be shown again."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[: cls.PREFIX_LENGTH],
            key_hash=cls.hash_key(key),
            expires_at=expires_at,
        )
        return token, key

    def is_usable(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
