"""Status entries and their evidence, and the one write path for them: record, submit,
review, with the version check that stops lost updates."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Window
from django.db.models.functions import JSONObject, RowNumber
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..text import validate_storable_text
from .base import (
    ReviewState,
    Status,
    choices_check,
    day_text,
    end_of_day,
    region_first,
)
from .evidence import (
    Evidence,
    evidence_path,
)
from .parties import Party

# The name of the region as a whole wherever an entry's party is shown.
REGION_LABEL = "Region"


class JSONArrayAgg(models.Aggregate):
    """The grouped rows' values as one JSON array: JSONB_AGG on PostgreSQL, JSON_GROUP_ARRAY
    on SQLite. Neither orders it; order the items after reading them."""

    function = "JSONB_AGG"
    output_field = models.JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


class JSONObjectOf(JSONObject):
    """JSONObject without Django's SQLite check for JSON support, a query run once per
    connection wrapper, that is in the first request of every process. JSON_GROUP_ARRAY
    above needs the same JSON functions and is not checked either."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return models.Func.as_sql(self, compiler, connection, **extra_context)


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
                items=JSONArrayAgg(
                    JSONObjectOf(id="id", title="title", url="url", kind="kind", file="file")
                )
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

    instrument = models.ForeignKey("Instrument", on_delete=models.PROTECT, related_name="statuses")
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
    note = models.TextField(blank=True, validators=[validate_storable_text])
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
    review_comment = models.TextField(blank=True, validators=[validate_storable_text])
    request = models.ForeignKey(
        "RoundRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
        editable=False,
        help_text="The reporting round's request this entry answers, if any.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ImplementationStatusQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-recorded_at", "-pk"]
        verbose_name = "implementation status"
        verbose_name_plural = "implementation statuses"
        permissions = [("review_implementationstatus", "Can publish or reject status entries")]
        constraints = [
            choices_check("status", Status, "status_value_valid"),
            choices_check("review_state", ReviewState, "status_review_state_valid"),
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
            # Reporting rounds: the entries answering each request, by state.
            models.Index(
                fields=["request", "review_state"],
                name="status_request_idx",
                condition=Q(request__isnull=False),
            ),
        ]

    def __str__(self):
        who = self.party.code if self.party_id else "region"
        as_of = day_text(self.as_of)
        return f"{self.instrument} / {who}: {self.get_status_display()} as of {as_of}"

    @property
    def party_label(self):
        """Whose progress this is, as pages and downloads name it: the party, or "Region"."""
        return self.party.name if self.party_id else REGION_LABEL

    @property
    def label(self):
        """How messages and mails name the entry: "ACDN phase 2, Malaysia, 30 Nov 2026"."""
        instrument = self.instrument.acronym or self.instrument.name
        return f"{instrument}, {self.party_label}, {day_text(self.as_of)}"

    @property
    def evidence_items(self):
        """The evidence as dicts (title, url, kind) in the order it was added: from the
        `with_evidence()` annotation when the entry was read with it, else queried."""
        if hasattr(self, "evidence_json"):
            return sorted_evidence(self.evidence_json)
        return sorted_evidence(
            self.evidence.order_by("pk").values("id", "title", "url", "kind", "file")
        )


# What a new entry may become, with the words the forms and the API offer for each.
NEW_ENTRY_STATES = {
    ReviewState.DRAFT: "Save as a draft",
    ReviewState.SUBMITTED: "Submit for review",
    ReviewState.PUBLISHED: "Publish now",
}


def new_entry_choices(user):
    """The (state, label) choices a user has for a new entry: only reviewers may publish."""
    return [
        (state, label)
        for state, label in NEW_ENTRY_STATES.items()
        if state != ReviewState.PUBLISHED or can_review(user)
    ]


def sorted_evidence(items):
    """A `with_evidence()` annotation's items in the order they were added; a file's `url`
    is the address that serves it (`evidence_path`)."""
    ordered = sorted(items or (), key=lambda item: item["id"])
    for item in ordered:
        if not item.get("url") and item.get("file"):
            item["url"] = evidence_path(item["id"])
    return ordered


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


def reporting_scope(user):
    """The rule a refused party choice names, as forms and the import show it: "You report
    for Malaysia only." One query, so callers ask for it only when they refuse something."""
    if can_review(user):
        return "You report for every party and for the region as a whole."
    names = list(reportable_parties(user).order_by("name").values_list("name", flat=True))
    if not names:
        return "You report for no party."
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"You report for {listed} only."


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


# The states in which an entry is still its author's to change: a draft, or an entry a
# reviewer rejected and sent back with a comment.
