"""Instruments and milestones, their current status as of a date, and the overdue, stale
and roll-up rules."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .base import (
    CLOSED_STATUSES,
    OPEN,
    Kind,
    ReviewState,
    Status,
    choices_check,
    end_of_day,
    region_first,
)
from .declarations import Reference, tracking
from .parties import Party, Theme
from .statuses import ImplementationStatus


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
            choices_check("kind", Kind, "instrument_kind_valid"),
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
