import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from declarations.models import (
    Basis,
    Clause,
    ImplementationStatus,
    Instrument,
    Kind,
    Part,
    Party,
    PartyGroup,
    Reference,
    Relation,
    ReviewState,
    Status,
    VerbClass,
    record_status,
    review_status,
    submit_status,
)
from tests.factories import make_clause, make_declaration, make_instrument, make_status

pytestmark = pytest.mark.django_db

D = datetime.date


def rejected_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


class TestDatabaseConstraints:
    def test_it_rejects_an_invalid_status_value(self):
        instrument = make_instrument()
        rejected_by_database(
            lambda: ImplementationStatus.objects.create(
                instrument=instrument, status="finished-ish", as_of=D(2026, 1, 1)
            )
        )

    def test_it_rejects_progress_over_100(self):
        instrument = make_instrument()
        rejected_by_database(
            lambda: ImplementationStatus.objects.create(
                instrument=instrument, status=Status.IN_PROGRESS, progress=101, as_of=D(2026, 1, 1)
            )
        )

    def test_it_accepts_progress_0_and_100(self):
        instrument = make_instrument()
        for progress in (0, 100):
            ImplementationStatus.objects.create(
                instrument=instrument,
                status=Status.IN_PROGRESS,
                progress=progress,
                as_of=D(2026, 1, 1),
            )
        assert instrument.statuses.count() == 2

    def test_it_rejects_a_published_entry_without_publication_time(self):
        instrument = make_instrument()
        rejected_by_database(
            lambda: ImplementationStatus.objects.create(
                instrument=instrument,
                status=Status.COMPLETED,
                as_of=D(2026, 1, 1),
                review_state=ReviewState.PUBLISHED,
            )
        )

    def test_it_rejects_a_duplicate_clause_number(self):
        declaration = make_declaration()
        make_clause(declaration, part=Part.OPERATIVE, number=9)
        rejected_by_database(lambda: make_clause(declaration, part=Part.OPERATIVE, number=9))

    def test_the_same_number_may_exist_in_each_part(self):
        declaration = make_declaration()
        make_clause(declaration, part=Part.PREAMBLE, number=1, verb_class=VerbClass.DECLARATORY)
        make_clause(declaration, part=Part.OPERATIVE, number=1)
        assert declaration.clauses.count() == 2

    def test_it_rejects_a_duplicate_reference(self):
        clause = make_clause()
        instrument = make_instrument(clause, relation=Relation.ADOPTS)
        rejected_by_database(
            lambda: Reference.objects.create(
                clause=clause, instrument=instrument, relation=Relation.ADOPTS
            )
        )

    def test_it_rejects_an_unknown_verb_class_part_kind_and_relation(self):
        declaration = make_declaration()
        rejected_by_database(lambda: make_clause(declaration, verb_class="promises"))
        rejected_by_database(lambda: make_clause(declaration, part="annex"))
        rejected_by_database(lambda: make_instrument(kind="poem"))
        clause = make_clause(declaration)
        instrument = make_instrument()
        rejected_by_database(
            lambda: Reference.objects.create(clause=clause, instrument=instrument, relation="likes")
        )


class TestClause:
    def test_its_anchor_names_part_and_number(self):
        declaration = make_declaration()
        assert make_clause(declaration, part=Part.OPERATIVE, number=9).anchor == "op-9"
        assert make_clause(declaration, part=Part.PREAMBLE, number=2).anchor == "pre-2"

    def test_preamble_is_ordered_before_operative_part(self):
        declaration = make_declaration()
        make_clause(declaration, part=Part.OPERATIVE, number=1)
        make_clause(declaration, part=Part.PREAMBLE, number=2)
        make_clause(declaration, part=Part.PREAMBLE, number=1)
        anchors = [clause.anchor for clause in Clause.objects.filter(declaration=declaration)]
        assert anchors == ["pre-1", "pre-2", "op-1"]


class TestCurrentStatus:
    @pytest.fixture
    def acdn(self):
        return make_instrument(name="ACDN Guidelines and Roadmap", acronym="ACDN")

    def current(self, instrument, at=None):
        return Instrument.objects.with_current_status(at=at).get(pk=instrument.pk)

    def test_it_is_none_without_published_entries(self, acdn):
        make_status(acdn, as_of=D(2026, 1, 1), published=False)
        assert self.current(acdn).current_status is None

    def test_it_takes_the_latest_as_of_date_not_the_latest_recorded(self, acdn):
        make_status(acdn, status=Status.IN_PROGRESS, as_of=D(2026, 3, 1))
        make_status(acdn, status=Status.PLANNED, as_of=D(2026, 1, 1))  # recorded later
        assert self.current(acdn).current_status == Status.IN_PROGRESS

    def test_it_ignores_drafts_submitted_and_rejected_entries(self, acdn):
        make_status(acdn, status=Status.PLANNED, as_of=D(2026, 1, 1))
        for state in (ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.REJECTED):
            make_status(
                acdn,
                status=Status.COMPLETED,
                as_of=D(2026, 6, 1),
                published=False,
                review_state=state,
            )
        assert self.current(acdn).current_status == Status.PLANNED

    def test_it_ignores_entries_after_at(self, acdn):
        make_status(acdn, status=Status.PLANNED, as_of=D(2026, 1, 1))
        make_status(acdn, status=Status.COMPLETED, as_of=D(2026, 6, 1))
        assert self.current(acdn, at=D(2026, 5, 31)).current_status == Status.PLANNED
        assert self.current(acdn, at=D(2026, 6, 1)).current_status == Status.COMPLETED

    def test_it_ignores_entries_published_after_at_even_when_backdated(self, acdn):
        make_status(acdn, status=Status.PLANNED, as_of=D(2026, 1, 1))
        make_status(
            acdn,
            status=Status.DELAYED,
            as_of=D(2026, 2, 1),
            published_at=datetime.datetime(2026, 7, 1, 9, tzinfo=datetime.UTC),
        )
        assert self.current(acdn, at=D(2026, 3, 1)).current_status == Status.PLANNED
        assert self.current(acdn, at=D(2026, 7, 1)).current_status == Status.DELAYED

    def test_the_region_wide_entry_wins_over_a_country_entry(self, acdn, malaysia, philippines):
        make_status(acdn, status=Status.IN_PROGRESS, progress=40, as_of=D(2026, 1, 1))
        make_status(acdn, party=malaysia, status=Status.COMPLETED, as_of=D(2026, 5, 1))
        current = self.current(acdn)
        assert (current.current_status, current.current_progress) == (Status.IN_PROGRESS, 40)

    def test_without_a_region_entry_the_parties_entries_are_summarised(
        self, acdn, malaysia, philippines
    ):
        make_status(acdn, party=malaysia, status=Status.COMPLETED, as_of=D(2026, 5, 1))
        make_status(acdn, party=philippines, status=Status.PLANNED, as_of=D(2026, 3, 1))
        current = self.current(acdn)
        # The least advanced of the parties' latest statuses, never one country's alone.
        assert current.current_status == Status.PLANNED
        assert current.status_basis == Basis.PARTIES
        assert (current.parties_reported, current.parties_completed) == (2, 1)
        # Completed counts 100, planned without a figure 0.
        assert current.current_progress == 50
        assert current.current_as_of == D(2026, 5, 1)

    def test_a_partys_older_entry_does_not_count_once_it_reports_again(self, acdn, malaysia):
        make_status(acdn, party=malaysia, status=Status.PLANNED, as_of=D(2026, 1, 1))
        make_status(acdn, party=malaysia, status=Status.COMPLETED, as_of=D(2026, 5, 1))
        current = self.current(acdn)
        assert (current.current_status, current.parties_reported) == (Status.COMPLETED, 1)
        assert self.current(acdn, at=D(2026, 2, 1)).current_status == Status.PLANNED

    def test_the_region_entry_is_the_basis_when_there_is_one(self, acdn, malaysia):
        make_status(acdn, party=malaysia, status=Status.COMPLETED, as_of=D(2026, 5, 1))
        make_status(acdn, status=Status.IN_PROGRESS, progress=30, as_of=D(2026, 2, 1))
        current = self.current(acdn)
        assert (current.current_status, current.current_progress) == (Status.IN_PROGRESS, 30)
        assert current.status_basis == Basis.REGION

    def test_parties_expected_are_the_lead_parties_else_the_member_states(
        self, acdn, malaysia, philippines
    ):
        members = Party.objects.filter(group=PartyGroup.ASEAN).count()
        assert self.current(acdn).parties_expected == members
        acdn.lead_parties.set([malaysia, philippines])
        assert self.current(acdn).parties_expected == 2

    def test_it_annotates_a_whole_list_in_one_query(self, acdn, django_assert_num_queries):
        for n in range(5):
            instrument = make_instrument()
            make_status(instrument, as_of=D(2026, 1, n + 1))
            make_status(instrument, status=Status.COMPLETED, as_of=D(2026, 2, n + 1))
        with django_assert_num_queries(1):
            rows = list(Instrument.objects.with_current_status(at=D(2026, 12, 31)))
        assert len(rows) == 6
        assert [row.current_status for row in rows].count(Status.COMPLETED) == 5

    def test_latest_per_party_gives_one_entry_per_party_and_region(
        self, acdn, malaysia, philippines
    ):
        make_status(acdn, status=Status.PLANNED, as_of=D(2026, 1, 1))
        make_status(acdn, status=Status.IN_PROGRESS, as_of=D(2026, 2, 1))
        make_status(acdn, party=malaysia, status=Status.PLANNED, as_of=D(2026, 1, 1))
        make_status(acdn, party=malaysia, status=Status.COMPLETED, as_of=D(2026, 4, 1))
        make_status(acdn, party=philippines, status=Status.DELAYED, as_of=D(2026, 3, 1))
        make_status(
            acdn, party=philippines, status=Status.COMPLETED, as_of=D(2026, 5, 1), published=False
        )
        latest = {
            (entry.party.code if entry.party else None): entry.status
            for entry in ImplementationStatus.objects.latest_per_party().select_related("party")
        }
        assert latest == {None: Status.IN_PROGRESS, "MYS": Status.COMPLETED, "PHL": Status.DELAYED}
        assert ImplementationStatus.objects.latest_per_party(at=D(2026, 3, 15)).count() == 3


class TestOverdueAndStale:
    def test_overdue_means_due_date_passed_and_not_completed(self):
        late = make_instrument(kind=Kind.MILESTONE, due_on=D(2026, 3, 1))
        done = make_instrument(
            kind=Kind.MILESTONE, due_on=D(2026, 3, 1), completed_on=D(2026, 2, 1)
        )
        reported_done = make_instrument(kind=Kind.MILESTONE, due_on=D(2026, 3, 1))
        make_status(reported_done, status=Status.COMPLETED, as_of=D(2026, 3, 5))
        not_yet_due = make_instrument(kind=Kind.MILESTONE, due_on=D(2026, 9, 1))
        overdue = set(Instrument.objects.overdue(at=D(2026, 4, 1)))
        assert overdue == {late}
        assert done not in overdue and not_yet_due not in overdue

    def test_overdue_as_of_a_past_date(self):
        milestone = make_instrument(
            kind=Kind.MILESTONE, due_on=D(2026, 3, 1), completed_on=D(2026, 5, 1)
        )
        assert list(Instrument.objects.overdue(at=D(2026, 4, 1))) == [milestone]
        assert list(Instrument.objects.overdue(at=D(2026, 6, 1))) == []

    def test_a_listed_instrument_computes_the_same_overdue_rule_as_the_queryset(self):
        make_instrument(kind=Kind.MILESTONE, due_on=D(2026, 3, 1))
        make_instrument(kind=Kind.MILESTONE, due_on=D(2026, 3, 1), completed_on=D(2026, 2, 1))
        make_instrument(kind=Kind.MILESTONE, due_on=D(2026, 3, 1), completed_on=D(2026, 5, 1))
        for status in (Status.COMPLETED, Status.DISCONTINUED, Status.DELAYED):
            reported = make_instrument(kind=Kind.MILESTONE, due_on=D(2026, 3, 1))
            make_status(reported, status=status, as_of=D(2026, 3, 5))
        make_instrument(kind=Kind.MILESTONE, due_on=D(2026, 9, 1))
        make_instrument()  # no due date
        for at in (D(2026, 1, 1), D(2026, 3, 1), D(2026, 3, 2), D(2026, 4, 1), D(2026, 6, 1)):
            annotated = Instrument.objects.with_current_status(at=at)
            assert {i.pk for i in annotated if i.overdue_on(at)} == {
                i.pk for i in Instrument.objects.overdue(at=at)
            }, at

    def test_stale_means_tracked_open_and_no_recent_published_update(self):
        clause = make_clause()
        fresh = make_instrument(clause)
        old = make_instrument(clause)
        never = make_instrument(clause)
        closed = make_instrument(clause)
        untracked = make_instrument()
        make_status(fresh, as_of=D(2026, 5, 1))
        make_status(old, as_of=D(2025, 1, 1))
        make_status(closed, status=Status.COMPLETED, as_of=D(2025, 1, 1))
        make_status(untracked, as_of=D(2025, 1, 1))
        stale = set(Instrument.objects.stale(days=180, at=D(2026, 6, 1)))
        assert stale == {old, never}


class TestRecordingStatus:
    def record(self, by, party, **fields):
        fields = {"status": Status.IN_PROGRESS, "as_of": D(2026, 1, 1)} | fields
        instrument = fields.pop("instrument", None) or make_instrument()
        return record_status(instrument=instrument, party=party, by=by, **fields)

    def test_a_country_editor_records_a_draft_for_their_party(self, malaysia_editor, malaysia):
        entry = self.record(
            malaysia_editor,
            malaysia,
            evidence=[
                {
                    "title": "Meeting report",
                    "url": "https://example.org/r",
                    "kind": "meeting_report",
                }
            ],
        )
        assert entry.review_state == ReviewState.DRAFT
        assert entry.recorded_by == malaysia_editor
        assert entry.evidence.get().title == "Meeting report"

    def test_a_country_editor_cannot_record_for_another_party(self, malaysia_editor, philippines):
        with pytest.raises(PermissionDenied, match="may not record status for Philippines"):
            self.record(malaysia_editor, philippines)
        assert not ImplementationStatus.objects.exists()

    def test_a_country_editor_cannot_record_for_the_region_or_publish(
        self, malaysia_editor, malaysia
    ):
        with pytest.raises(PermissionDenied):
            self.record(malaysia_editor, None)
        with pytest.raises(PermissionDenied, match="may not publish"):
            self.record(malaysia_editor, malaysia, state=ReviewState.PUBLISHED)

    def test_an_editor_publishes_directly_for_any_party(self, editor, philippines):
        entry = self.record(editor, philippines, state=ReviewState.PUBLISHED)
        assert entry.review_state == ReviewState.PUBLISHED
        assert entry.published_at is not None and entry.reviewed_by == editor

    def test_a_bad_evidence_link_writes_nothing(self, editor):
        with pytest.raises(ValidationError):
            self.record(editor, None, evidence=[{"title": "x", "url": "not a url"}])
        assert not ImplementationStatus.objects.exists()

    def test_progress_over_100_is_a_validation_error_naming_the_field(self, editor):
        with pytest.raises(ValidationError) as error:
            self.record(editor, None, progress=101)
        assert "progress" in error.value.message_dict
        assert not ImplementationStatus.objects.exists()

    def test_a_far_future_as_of_date_is_refused(self, editor):
        with pytest.raises(ValidationError, match="in the future"):
            self.record(editor, None, as_of=D(2999, 1, 1))

    def test_submit_then_publish(self, malaysia_editor, editor, malaysia):
        entry = self.record(malaysia_editor, malaysia)
        submit_status(entry, by=malaysia_editor)
        assert entry.review_state == ReviewState.SUBMITTED
        review_status(entry, by=editor, publish=True)
        entry.refresh_from_db()
        assert entry.review_state == ReviewState.PUBLISHED and entry.published_at

    def test_a_rejection_needs_a_comment_and_published_entries_are_final(
        self, malaysia_editor, editor, malaysia
    ):
        entry = self.record(malaysia_editor, malaysia, state=ReviewState.SUBMITTED)
        with pytest.raises(ValidationError, match="Say why"):
            review_status(entry, by=editor, publish=False)
        review_status(entry, by=editor, publish=True)
        with pytest.raises(ValidationError, match="already published"):
            review_status(entry, by=editor, publish=False, comment="oops")

    def test_a_country_editor_cannot_review(self, malaysia_editor, malaysia):
        entry = self.record(malaysia_editor, malaysia, state=ReviewState.SUBMITTED)
        with pytest.raises(PermissionDenied):
            review_status(entry, by=malaysia_editor, publish=True)
