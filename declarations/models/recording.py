"""Recording status entries: the rules of the one write path, for one entry
(`record_status`) or for many at once (`record_statuses`, the status import), which
writes the same rows in bulk."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tracker import audit
from tracker.audit import describe

from . import bulk
from .base import ReviewState
from .evidence import Evidence
from .statuses import (
    NEW_ENTRY_STATES,
    ImplementationStatus,
    can_review,
    check_as_of,
    reportable_parties,
)


class RecordingRules:
    """What `record_status` asks about its recorder, asked once per recorder: whether they
    review (and so may publish and report for the region), which parties they report for
    (`reportable_parties`, one query when first needed) and today's date, which bounds
    `as_of`. A bulk import asks it of every row of a file without a query per row."""

    def __init__(self, by):
        self.by = by
        self.reviewer = can_review(by)
        self.today = timezone.localdate()
        self._party_ids = None

    def may_report_for(self, party):
        """`can_report_for`, from the parties read once."""
        if party is None:
            return self.reviewer
        if self._party_ids is None:
            self._party_ids = set(reportable_parties(self.by).values_list("pk", flat=True))
        return party.pk in self._party_ids


def check_entry(
    rules, *, instrument, party, as_of, state=ReviewState.DRAFT, request=None, **values
):
    """`record_status`'s rules for a new entry by `rules.by`, but for its fields' values
    (`values`, which `build_entry` takes and field validation checks): the state it may
    start in, whom it may report for, whether it may publish, how late `as_of` may be, and
    a round request's terms. Raises ValidationError or PermissionDenied; makes no query
    per entry (`RecordingRules`)."""
    by = rules.by
    state = ReviewState(state)
    if state not in NEW_ENTRY_STATES:
        raise ValidationError(f"A new entry cannot be {state.label.lower()}.")
    if not rules.may_report_for(party):
        who = party.name if party else "the region as a whole"
        raise PermissionDenied(f"{by.get_username()} may not record status for {who}.")
    if state == ReviewState.PUBLISHED and not rules.reviewer:
        raise PermissionDenied(f"{by.get_username()} may not publish status entries.")
    check_as_of(as_of, rules.today)
    if request is not None:
        request.check_entry(instrument=instrument, party=party, as_of=as_of)


def build_entry(
    rules,
    *,
    instrument,
    party,
    status,
    as_of,
    progress=None,
    note="",
    evidence=(),
    state=ReviewState.DRAFT,
    request=None,
):
    """The unsaved entry and evidence links `record_status` writes for these fields,
    unchecked: `check_entry` and field validation (`prepare_entry`) say whether it may."""
    by, state = rules.by, ReviewState(state)
    entry = ImplementationStatus(
        instrument=instrument,
        party=party,
        status=status,
        progress=progress,
        as_of=as_of,
        note=note,
        recorded_by=by,
        request=request,
    )
    entry.review_state = state
    if state == ReviewState.PUBLISHED:
        entry.published_at = timezone.now()
        entry.reviewed_by = by
    # The history names the recorder, whether the entry comes from a page, the API (whose
    # token user the history middleware does not see) or a worker.
    entry._history_user = by
    return entry, [Evidence(status=entry, **item) for item in evidence]


def prepare_entry(rules, **fields):
    """`record_status`'s checks of one new entry, by `rules.by`: the unsaved entry and its
    unsaved evidence, or the ValidationError or PermissionDenied that refuses them. Takes
    `build_entry`'s fields; checks `check_entry`'s rules, then every field's validation.

    The status import reads its cells with these same field rules, built once per file
    (`status_rows`), so it calls `check_entry` and `build_entry` without this per-row
    validation; tests/test_status_rows.py holds the rows it accepts to it."""
    check_entry(rules, **fields)
    entry, links = build_entry(rules, **fields)
    # The database enforces the CHECK constraints; validating them here would cost a query
    # each, per entry. Field validation names bad values.
    entry.full_clean(validate_constraints=False)
    for link in links:
        # Evidence.clean checks its one constraint (a link or a file) without a query.
        link.full_clean(exclude=["status"], validate_constraints=False)
    return entry, links


def announce_published(entries, by):
    """The audit line of each published entry, logged once its transaction commits."""
    for entry in entries:
        if entry.review_state == ReviewState.PUBLISHED:
            audit.event_on_commit("status_published", user=by, object=describe(entry))


@transaction.atomic
def record_status(*, by, **fields):
    """Record one assessment, the one write path shared by the admin, imports and the API.

    Takes `prepare_entry`'s fields: instrument, party, status, as_of, progress, note,
    evidence, state, request. Rules: the recorder must be allowed to report for the party
    (country editors only for their own parties, reviewers for any party and for the
    region). `state` is what the new entry becomes (`NEW_ENTRY_STATES`): a draft,
    submitted for review, or published at once, which only a reviewer may do. `evidence`
    is an iterable of dicts with title, url and kind. `request`, a reporting round's
    RoundRequest, makes the entry its answer: the round must be open and the entry about
    the request's instrument and party (`check_entry`). Many entries at once:
    `record_statuses` (the same checks and rows, written in bulk).
    """
    entry, links = prepare_entry(RecordingRules(by), **fields)
    entry.save()
    for link in links:
        link.status = entry
        link.save()
    announce_published([entry], by)
    return entry


def record_statuses(prepared, *, by, batch_size=1000):
    """Write entries that `prepare_entry` built and checked for `by`, with what
    `record_status` writes for each: the entry, its history row (naming `by`), its
    evidence, and once the transaction commits the audit line of a published entry. A few
    INSERTs per batch instead of several statements per entry (on PostgreSQL a COPY of
    each: `bulk`). `prepared` is a list of (entry, evidence links); returns the entries,
    saved. All or nothing."""
    entries = [entry for entry, _ in prepared]
    with transaction.atomic():
        bulk.create_with_history(entries, ImplementationStatus, by=by, batch_size=batch_size)
        links = []
        for entry, entry_links in prepared:
            for link in entry_links:
                link.status = entry
                links.append(link)
        bulk.create(links, Evidence, batch_size=batch_size)
        announce_published(entries, by)
    return entries
