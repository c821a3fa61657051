"""Reporting rounds: before a meeting the secretariat asks each party (or the region) for an
update on every instrument in scope by a due date. A request is answered by a status entry
recorded in the round, through `record_status(request=...)` like any other entry."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery
from django.utils import timezone

from ..text import validate_storable_text
from .base import ReviewState, choices_check, day_text
from .declarations import Declaration
from .instruments import Instrument
from .parties import Party
from .statuses import REGION_LABEL, ImplementationStatus, can_review
from .versioning import save_versioned


class RoundState(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class RequestState(models.TextChoices):
    """Where a request stands: nothing sent yet (a draft or a rejected entry does not count),
    an entry waiting for review, or a published answer."""

    OPEN = "open", "Open"
    SUBMITTED = "submitted", "Awaiting review"
    ANSWERED = "answered", "Answered"


def reporting_parties():
    """The parties a round asks by default: every party with an active country editor."""
    return Party.objects.filter(Exists(Party.editors.through.objects.filter(
        party=OuterRef("pk"), user__is_active=True
    )))  # fmt: skip


class ReportingRound(models.Model):
    name = models.CharField(
        max_length=200,
        validators=[validate_storable_text],
        help_text="As the report is titled: “Progress report to the 20th ADMM”.",
    )
    reports_as_of = models.DateField(
        help_text="The date the round reports progress as of: its progress report is the "
        "reports as of this date. Updates are due on or before it."
    )
    due_on = models.DateField(help_text="The date the parties' updates are due.")
    declarations = models.ManyToManyField(
        Declaration,
        blank=True,
        related_name="reporting_rounds",
        help_text="Ask about every tracked instrument and milestone of these declarations.",
    )
    instruments = models.ManyToManyField(
        Instrument,
        blank=True,
        related_name="reporting_rounds",
        help_text="And/or these instruments and milestones, hand-picked.",
    )
    parties = models.ManyToManyField(
        Party,
        blank=True,
        related_name="reporting_rounds",
        help_text="Leave empty to ask every party that has a country editor.",
    )
    include_region = models.BooleanField(
        default=False,
        help_text="Also ask the secretariat for the region-wide status of each instrument.",
    )
    state = models.CharField(max_length=8, choices=RoundState.choices, default=RoundState.OPEN)
    opened_at = models.DateTimeField(default=timezone.now, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-due_on", "-pk"]
        constraints = [
            choices_check("state", RoundState, "round_state_valid"),
            models.CheckConstraint(
                condition=Q(due_on__lte=F("reports_as_of")), name="round_due_by_report_date"
            ),
            models.CheckConstraint(
                condition=Q(state=RoundState.OPEN) | Q(closed_at__isnull=False),
                name="round_closed_has_time",
            ),
        ]
        indexes = [
            # The admin home's worklist: the open rounds.
            models.Index(fields=["state", "due_on"], name="round_state_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_open(self):
        return self.state == RoundState.OPEN

    def clean(self):
        if self.due_on and self.reports_as_of and self.due_on > self.reports_as_of:
            report_date = day_text(self.reports_as_of)
            raise ValidationError(
                {
                    "due_on": f"Updates must be due by the report date ({report_date}): an "
                    "update published after it is not in a report as of that date."
                }
            )

    def scope(self):
        """The instruments and milestones the round asks about: the tracked ones of its
        declarations (`tracked()`, `in_declaration()`), and those hand-picked."""
        chosen = Instrument.objects.filter(pk__in=self.instruments.values("pk"))
        for declaration in self.declarations.all():
            chosen = chosen | Instrument.objects.tracked().in_declaration(declaration)
        return chosen

    def asked_parties(self):
        chosen = self.parties.all()
        return chosen if chosen.exists() else reporting_parties()


def answered():
    """A request has a published answer (a condition on RoundRequest rows)."""
    return Exists(
        ImplementationStatus.objects.filter(
            request=OuterRef("pk"), review_state=ReviewState.PUBLISHED
        )
    )


def awaiting_review():
    """A request has an entry submitted and not yet reviewed."""
    return Exists(
        ImplementationStatus.objects.filter(
            request=OuterRef("pk"), review_state=ReviewState.SUBMITTED
        )
    )


def request_counts():
    """Aggregates over RoundRequest rows: all, answered, and awaiting review only."""
    return {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(answered())),
        "waiting": Count("pk", filter=Q(awaiting_review()) & ~Q(answered())),
    }


class RoundRequestQuerySet(models.QuerySet):
    def with_state(self):
        """Annotate `answer_state` (RequestState) from the entries recorded for each request."""
        return self.annotate(answered=answered(), submitted=awaiting_review()).annotate(
            answer_state=models.Case(
                models.When(answered=True, then=models.Value(RequestState.ANSWERED)),
                models.When(submitted=True, then=models.Value(RequestState.SUBMITTED)),
                default=models.Value(RequestState.OPEN),
            )
        )

    def unanswered(self):
        """Open: nothing submitted or published for it yet."""
        return self.with_state().filter(answered=False, submitted=False)

    def in_open_rounds(self):
        return self.filter(round__state=RoundState.OPEN)

    def owed_by(self, user):
        """What `user` still owes: unanswered requests of open rounds for the parties they
        report for (reviewers: the region's requests)."""
        mine = Q(party__in=Party.objects.filter(editors=user))
        if can_review(user):
            mine |= Q(party__isnull=True)
        return self.in_open_rounds().filter(mine).unanswered()

    def overdue(self, at=None):
        at = at or timezone.localdate()
        return self.unanswered().filter(round__due_on__lt=at)

    def with_worklist_details(self):
        """Each request's party's last published status and its date for the instrument
        (`last_status`, `last_as_of`), and the latest draft or rejected entry recorded for
        the request (`draft_id`), which "Record progress" goes on with."""
        published = ImplementationStatus.objects.published().order_by(
            "-as_of", "-published_at", "-pk"
        )
        mine = published.filter(instrument=OuterRef("instrument"), party=OuterRef("party"))
        # `party = NULL` is never true in SQL: the region's entries need their own condition.
        region = published.filter(instrument=OuterRef("instrument"), party__isnull=True)

        def latest(field):
            return models.Case(
                models.When(party__isnull=True, then=Subquery(region.values(field)[:1])),
                default=Subquery(mine.values(field)[:1]),
            )

        drafts = (
            ImplementationStatus.objects.filter(
                request=OuterRef("pk"),
                review_state__in=(ReviewState.DRAFT, ReviewState.REJECTED),
            )
            .order_by("-recorded_at", "-pk")
            .values("pk")[:1]
        )
        return self.annotate(
            last_status=latest("status"), last_as_of=latest("as_of"), draft_id=Subquery(drafts)
        )


class RoundRequest(models.Model):
    """One party's (or the region's) update owed on one instrument in one round."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="requests")
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="round_requests"
    )
    party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="round_requests",
        help_text="Empty: the region as a whole.",
    )

    objects = RoundRequestQuerySet.as_manager()

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "instrument", "party"],
                condition=Q(party__isnull=False),
                name="request_once_per_party",
            ),
            models.UniqueConstraint(
                fields=["round", "instrument"],
                condition=Q(party__isnull=True),
                name="request_once_for_region",
            ),
        ]
        indexes = [
            # The admin home's worklist: a party's requests.
            models.Index(fields=["party", "round"], name="request_party_idx"),
        ]

    def __str__(self):
        return f"{self.round}: {self.instrument_label}, {self.party_label}"

    @property
    def party_label(self):
        return self.party.name if self.party_id else REGION_LABEL

    @property
    def instrument_label(self):
        return self.instrument.acronym or self.instrument.name

    def check_entry(self, *, instrument, party, as_of):
        """The rules an entry answering this request follows (`record_status(request=)`):
        the round is open, and the entry is about the request's instrument and party, as of
        the round's report date at the latest."""
        round_ = self.round
        if not round_.is_open:
            raise ValidationError(f"The round “{round_}” is closed; record the entry outside it.")
        if self.instrument_id != instrument.pk or self.party_id != (party.pk if party else None):
            raise ValidationError(
                f"This request is for {self.instrument_label}, {self.party_label}."
            )
        if as_of > round_.reports_as_of:
            raise ValidationError(
                {
                    "as_of": f"The round reports as of {day_text(round_.reports_as_of)}: an "
                    "update for it describes progress on that date or before."
                }
            )


@transaction.atomic
def open_round(round_, *, by):
    """Create the round's requests: one per asked party (and the region, if asked) and
    instrument in scope. Running it again adds what the scope gained and removes nothing."""
    if not can_review(by):
        raise PermissionDenied(f"{by.get_username()} may not open reporting rounds.")
    if not round_.is_open:
        raise ValidationError(f"The round “{round_}” is closed.")
    parties = list(round_.asked_parties())
    if round_.include_region:
        parties.append(None)
    existing = set(round_.requests.values_list("instrument_id", "party_id"))
    new = [
        RoundRequest(round=round_, instrument_id=instrument_id, party=party)
        for instrument_id in round_.scope().order_by("name", "pk").values_list("pk", flat=True)
        for party in parties
        if (instrument_id, party.pk if party else None) not in existing
    ]
    RoundRequest.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def close_round(round_, *, by):
    """Freeze the round: no more answers. Entries still in draft or review carry on as
    ordinary entries, outside the round, so its figures never change after closing."""
    if not can_review(by):
        raise PermissionDenied(f"{by.get_username()} may not close reporting rounds.")
    if not round_.is_open:
        raise ValidationError(f"The round “{round_}” is already closed.")
    ImplementationStatus.objects.filter(request__round=round_).exclude(
        review_state=ReviewState.PUBLISHED
    ).update(request=None)
    round_.state = RoundState.CLOSED
    round_.closed_at = timezone.now()
    round_.closed_by = by
    # A round page opened before the closing is then refused, like any stale page.
    return save_versioned(
        round_, version=round_.version, update_fields=["state", "closed_at", "closed_by"]
    )


def response_rates(round_, by):
    """Per `by` ("party" or "instrument"): (label, requests, answered, awaiting review), in
    label order. Two aggregate queries whatever the number of requests."""
    requests = round_.requests.all()
    if by == "party":
        keys = ["party", "party__name"]
    else:
        keys = ["instrument", "instrument__name", "instrument__acronym"]
    rows = requests.values(*keys).annotate(**request_counts())
    result = []
    for row in rows:
        if by == "party":
            label = row["party__name"] or REGION_LABEL
        else:
            label = row["instrument__acronym"] or row["instrument__name"]
        result.append((label, row["total"], row["done"], row["waiting"]))
    return sorted(result, key=lambda row: (row[0] == REGION_LABEL, row[0].lower()))


def round_summary(round_):
    """The round's headline figures: requests, answered, awaiting review, open, and the
    response rate in whole per cent (answered / requests)."""
    figures = round_.requests.aggregate(**request_counts())
    figures["answered"] = figures.pop("done")
    figures["open"] = figures["total"] - figures["answered"] - figures["waiting"]
    figures["rate"] = round(100 * figures["answered"] / figures["total"]) if figures["total"] else 0
    return figures


def open_requests_summary(user):
    """(count, earliest due date) of what `user` owes, for the admin home."""
    owed = RoundRequest.objects.owed_by(user).aggregate(n=Count("pk"), due=Min("round__due_on"))
    return owed["n"], owed["due"]
