"""Reporting rounds: opening creates the requests, entries answer them through
record_status, the round page and the admin home show who owes what, closing freezes the
round, and its progress report downloads as PDF and DOCX."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from declarations.models import (
    ImplementationStatus,
    Kind,
    Party,
    ReportingRound,
    RequestState,
    ReviewState,
    RoundRequest,
    RoundState,
    Status,
    close_round,
    open_round,
    record_status,
    remind_round,
    reminder_due,
    response_rates,
    review_status,
    round_summary,
    submit_status,
)
from tests.factories import make_clause, make_declaration, make_instrument, make_status

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def kl_declaration():
    return make_declaration(slug="admm-2025-kuala-lumpur", title="Kuala Lumpur Joint Declaration")


@pytest.fixture
def acdn(kl_declaration):
    clause = make_clause(kl_declaration, text="ADOPT the ACDN Guidelines and Roadmap.")
    return make_instrument(clause, name="ACDN Guidelines and Roadmap", acronym="ACDN")


@pytest.fixture
def acdn_phase_2(acdn):
    return make_instrument(
        name="ACDN phase 2", parent=acdn, kind=Kind.MILESTONE, due_on=TODAY.replace(year=2027)
    )


@pytest.fixture
def declaratory(kl_declaration):
    """Cited by a declaratory paragraph only: not tracked, never asked about."""
    clause = make_clause(
        kl_declaration, lead_word="RECOGNISING", verb_class="declaratory", trackable=False
    )
    return make_instrument(clause, name="A noted statement", relation="cites")


def new_round(*, declarations=(), instruments=(), parties=(), due=None, **fields):
    due = due or TODAY + datetime.timedelta(days=14)
    round_ = ReportingRound.objects.create(
        name=fields.pop("name", "Progress report to the 20th ADMM"),
        reports_as_of=fields.pop("reports_as_of", due + datetime.timedelta(days=10)),
        due_on=due,
        **fields,
    )
    round_.declarations.set(declarations)
    round_.instruments.set(instruments)
    round_.parties.set(parties)
    return round_


@pytest.fixture
def opened(editor, malaysia_editor, philippines_editor, kl_declaration, acdn, acdn_phase_2):
    """The declaration's round, asking Malaysia and the Philippines (their editors exist)."""
    round_ = new_round(declarations=[kl_declaration])
    open_round(round_, by=editor)
    return round_


def request_for(round_, instrument, party):
    return round_.requests.get(instrument=instrument, party=party)


# Opening -------------------------------------------------------------------------------


class TestOpening:
    def test_it_asks_each_party_with_an_editor_about_each_tracked_instrument_and_milestone(
        self, opened, acdn, acdn_phase_2, declaratory, malaysia, philippines
    ):
        asked = set(opened.requests.values_list("instrument__name", "party__code"))
        assert asked == {
            ("ACDN Guidelines and Roadmap", "MYS"),
            ("ACDN Guidelines and Roadmap", "PHL"),
            ("ACDN phase 2", "MYS"),
            ("ACDN phase 2", "PHL"),
        }

    def test_hand_picked_instruments_parties_and_the_region(self, editor, acdn, malaysia):
        round_ = new_round(instruments=[acdn], parties=[malaysia], include_region=True)
        assert open_round(round_, by=editor) == 2
        assert set(round_.requests.values_list("party__code", flat=True)) == {"MYS", None}

    def test_opening_again_adds_only_what_the_scope_gained(self, opened, editor, declaratory):
        before = opened.requests.count()
        opened.instruments.add(declaratory)
        assert open_round(opened, by=editor) == 2
        assert opened.requests.count() == before + 2
        assert open_round(opened, by=editor) == 0

    def test_a_country_editor_cannot_open_a_round(self, malaysia_editor, acdn):
        with pytest.raises(PermissionDenied):
            open_round(new_round(instruments=[acdn]), by=malaysia_editor)

    def test_updates_must_be_due_by_the_report_date(self):
        round_ = ReportingRound(
            name="Late",
            reports_as_of=datetime.date(2026, 10, 31),
            due_on=datetime.date(2026, 11, 30),
        )
        with pytest.raises(ValidationError, match="due by the report date \\(31 Oct 2026\\)"):
            round_.full_clean()


# Answering -------------------------------------------------------------------------------


class TestAnswering:
    def test_an_entry_recorded_for_a_request_answers_it_once_published(
        self, opened, acdn, malaysia, malaysia_editor, editor
    ):
        owed = request_for(opened, acdn, malaysia)
        entry = record_status(
            instrument=acdn,
            party=malaysia,
            status=Status.IN_PROGRESS,
            as_of=TODAY,
            by=malaysia_editor,
            state=ReviewState.SUBMITTED,
            request=owed,
        )
        assert entry.request == owed
        state = RoundRequest.objects.with_state().get(pk=owed.pk).answer_state
        assert state == RequestState.SUBMITTED
        review_status(entry, by=editor, publish=True)
        assert RoundRequest.objects.with_state().get(pk=owed.pk).answer_state == "answered"
        assert round_summary(opened) == {
            "total": 4, "answered": 1, "waiting": 0, "open": 3, "rate": 25
        }  # fmt: skip

    def test_an_entry_for_another_party_or_instrument_cannot_answer_it(
        self, opened, acdn, acdn_phase_2, malaysia, philippines, editor
    ):
        owed = request_for(opened, acdn, malaysia)
        for instrument, party in ((acdn_phase_2, malaysia), (acdn, philippines)):
            with pytest.raises(ValidationError, match="This request is for ACDN, Malaysia"):
                record_status(
                    instrument=instrument,
                    party=party,
                    status=Status.PLANNED,
                    as_of=TODAY,
                    by=editor,
                    request=owed,
                )

    def test_an_answer_describes_progress_by_the_report_date(
        self, editor, acdn, malaysia, malaysia_editor
    ):
        round_ = new_round(
            instruments=[acdn],
            due=TODAY - datetime.timedelta(days=10),
            reports_as_of=TODAY - datetime.timedelta(days=5),
        )
        open_round(round_, by=editor)
        with pytest.raises(ValidationError, match="The round reports as of"):
            record_status(
                instrument=acdn,
                party=malaysia,
                status=Status.PLANNED,
                as_of=TODAY,
                by=malaysia_editor,
                request=request_for(round_, acdn, malaysia),
            )

    def test_rates_per_party_and_per_instrument(self, opened, acdn, acdn_phase_2, malaysia, editor):
        record_status(
            instrument=acdn,
            party=malaysia,
            status=Status.PLANNED,
            as_of=TODAY,
            by=editor,
            state=ReviewState.PUBLISHED,
            request=request_for(opened, acdn, malaysia),
        )
        assert response_rates(opened, "party") == [("Malaysia", 2, 1, 0), ("Philippines", 2, 0, 0)]
        assert response_rates(opened, "instrument") == [
            ("ACDN", 2, 1, 0),
            ("ACDN phase 2", 2, 0, 0),
        ]


# Closing -------------------------------------------------------------------------------


class TestClosing:
    def test_closing_freezes_the_round(self, opened, acdn, malaysia, malaysia_editor, editor):
        owed = request_for(opened, acdn, malaysia)
        pending = record_status(
            instrument=acdn,
            party=malaysia,
            status=Status.PLANNED,
            as_of=TODAY,
            by=malaysia_editor,
            state=ReviewState.SUBMITTED,
            request=owed,
        )
        close_round(opened, by=editor)
        assert opened.state == RoundState.CLOSED
        pending.refresh_from_db()
        assert pending.request is None  # goes on as an ordinary entry
        with pytest.raises(ValidationError, match="is closed"):
            record_status(
                instrument=acdn,
                party=malaysia,
                status=Status.PLANNED,
                as_of=TODAY,
                by=malaysia_editor,
                request=owed,
            )
        review_status(pending, by=editor, publish=True)
        assert round_summary(opened)["answered"] == 0

    def test_only_reviewers_close_and_only_once(self, opened, malaysia_editor, editor):
        with pytest.raises(PermissionDenied):
            close_round(opened, by=malaysia_editor)
        close_round(opened, by=editor)
        with pytest.raises(ValidationError, match="already closed"):
            close_round(opened, by=editor)


# Reminders --------------------------------------------------------------------------------


class TestReminders:
    def test_the_editors_of_parties_with_open_requests_get_a_list_with_links(
        self, mailoutbox, opened, acdn, malaysia, malaysia_editor, philippines_editor, editor
    ):
        malaysia_editor.email = "mas@example.org"
        malaysia_editor.save()
        philippines_editor.email = "phil@example.org"
        philippines_editor.save()
        for instrument in opened.scope():
            record_status(
                instrument=instrument,
                party=Party.objects.get(code="PHL"),
                status=Status.PLANNED,
                as_of=TODAY,
                by=editor,
                state=ReviewState.PUBLISHED,
                request=request_for(opened, instrument, Party.objects.get(code="PHL")),
            )
        assert remind_round(opened, today=TODAY, base_url="https://tracker.example.org") == 1
        (mail,) = mailoutbox
        assert mail.to == ["mas@example.org"]
        assert "2 open requests for Malaysia" in mail.subject
        owed = request_for(opened, acdn, malaysia)
        assert (
            f"https://tracker.example.org/admin/declarations/reportinground/requests/{owed.pk}/record/"
            in mail.body
        )

    def test_send_reminders_sends_them_on_the_reminder_days_only(
        self, mailoutbox, settings, opened, malaysia_editor
    ):
        malaysia_editor.email = "mas@example.org"
        malaysia_editor.save()
        settings.TRACKER_ROUND_REMINDER_DAYS = [7, -1]
        due = opened.due_on
        assert reminder_due(opened, due - datetime.timedelta(days=7))
        assert not reminder_due(opened, due - datetime.timedelta(days=6))
        call_command(
            "send_reminders",
            at=(due - datetime.timedelta(days=6)).isoformat(),
            stdout=io.StringIO(),
        )
        assert [m for m in mailoutbox if "Progress report" in m.subject] == []
        call_command(
            "send_reminders",
            at=(due + datetime.timedelta(days=1)).isoformat(),
            stdout=io.StringIO(),
        )
        (mail,) = [m for m in mailoutbox if "Progress report" in m.subject]
        assert "overdue since" in mail.subject


# Admin pages ---------------------------------------------------------------------------


class TestRoundAdmin:
    def test_an_editor_opens_a_round_in_the_admin_and_it_sends_the_requests(
        self, client, editor, malaysia_editor, kl_declaration, acdn
    ):
        client.force_login(editor)
        response = client.post(
            reverse("admin:declarations_reportinground_add"),
            {
                "name": "Progress report to the 20th ADMM",
                "reports_as_of": "2027-03-31",
                "due_on": "2027-02-28",
                "declarations": [kl_declaration.pk],
            },
            follow=True,
        )
        round_ = ReportingRound.objects.get()
        assert round_.requests.count() == 1
        assert "1 request sent, due 28 Feb 2027" in response.content.decode()

    def test_the_round_page_shows_rates_and_overdue_requests(
        self, client, editor, malaysia_editor, acdn
    ):
        round_ = new_round(
            instruments=[acdn],
            due=TODAY - datetime.timedelta(days=2),
            reports_as_of=TODAY,
        )
        open_round(round_, by=editor)
        client.force_login(editor)
        page = client.get(
            reverse("admin:declarations_reportinground_change", args=[round_.pk])
        ).content.decode()
        assert "Response rate <strong>0%</strong>" in page
        assert "Overdue requests (1)" in page
        assert "Malaysia: ACDN Guidelines and Roadmap" in page

    def test_a_country_editor_reads_a_round_but_cannot_close_it(
        self, client, opened, malaysia_editor
    ):
        client.force_login(malaysia_editor)
        url = reverse("admin:declarations_reportinground_change", args=[opened.pk])
        assert client.get(url).status_code == 200
        close = reverse("admin:declarations_reportinground_close", args=[opened.pk])
        assert client.post(close).status_code == 403
        opened.refresh_from_db()
        assert opened.is_open

    def test_an_editor_closes_a_round_and_it_can_no_longer_be_changed(self, client, opened, editor):
        client.force_login(editor)
        client.post(reverse("admin:declarations_reportinground_close", args=[opened.pk]))
        opened.refresh_from_db()
        assert opened.state == RoundState.CLOSED
        change = reverse("admin:declarations_reportinground_change", args=[opened.pk])
        assert client.post(change, {"name": "Renamed"}).status_code == 403

    @pytest.mark.parametrize("count", [3, 30])
    def test_the_round_page_costs_the_same_queries_for_3_and_30_requests(
        self, client, editor, count, django_assert_num_queries
    ):
        parties = list(Party.objects.order_by("pk")[:3])
        instruments = [make_instrument(make_clause()) for _ in range(count // 3)]
        round_ = new_round(instruments=instruments, parties=parties)
        open_round(round_, by=editor)
        assert round_.requests.count() == count
        client.force_login(editor)
        url = reverse("admin:declarations_reportinground_change", args=[round_.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == ROUND_PAGE_QUERIES


ROUND_PAGE_QUERIES = 15


class TestAdminHome:
    def test_a_country_editor_sees_their_open_requests_and_the_worklist(
        self, client, opened, acdn, malaysia, malaysia_editor
    ):
        make_status(
            acdn, party=malaysia, status=Status.PLANNED, as_of=TODAY - datetime.timedelta(days=30)
        )
        client.force_login(malaysia_editor)
        page = client.get(reverse("admin:index")).content.decode()
        assert f"Your open requests: 2, due {opened.due_on.day} {opened.due_on:%b %Y}" in page
        owed = request_for(opened, acdn, malaysia)
        assert reverse("admin:declarations_reportinground_record", args=[owed.pk]) in page
        assert '<span class="status-badge status-planned">Planned</span>' in page
        assert "Awaiting your review" not in page

    def test_a_reviewer_sees_how_many_entries_await_review(
        self, client, opened, acdn, malaysia, malaysia_editor, editor
    ):
        entry = record_status(
            instrument=acdn, party=malaysia, status=Status.PLANNED, as_of=TODAY, by=malaysia_editor
        )
        submit_status(entry, by=malaysia_editor)
        client.force_login(editor)
        assert "Awaiting your review: 1" in client.get(reverse("admin:index")).content.decode()

    @pytest.mark.parametrize("count", [3, 30])
    def test_the_home_costs_the_same_queries_for_3_and_30_requests(
        self, client, editor, malaysia_editor, malaysia, count
    ):
        instruments = [make_instrument(make_clause()) for _ in range(count)]
        round_ = new_round(instruments=instruments, parties=[malaysia])
        open_round(round_, by=editor)
        client.force_login(malaysia_editor)
        client.get(reverse("admin:index"))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("admin:index")).content.decode()
        assert f"Your open requests: {count}," in page
        assert len(queries) == HOME_QUERIES


HOME_QUERIES = 6


class TestRecordingARequest:
    def test_the_focused_form_records_an_answer_for_that_request(
        self, client, opened, acdn, malaysia, malaysia_editor
    ):
        owed = request_for(opened, acdn, malaysia)
        client.force_login(malaysia_editor)
        url = reverse("admin:declarations_reportinground_record", args=[owed.pk])
        assert "For <strong>Malaysia</strong>" in client.get(url).content.decode()
        response = client.post(
            url,
            {
                "record_status": Status.IN_PROGRESS,
                "status": Status.IN_PROGRESS,
                "progress": "60",
                "as_of": TODAY.isoformat(),
                "note": "National node connected.",
                "state": "submitted",
                "evidence-TOTAL_FORMS": "0",
                "evidence-INITIAL_FORMS": "0",
            },
            follow=True,
        )
        entry = ImplementationStatus.objects.get()
        assert (entry.request, entry.review_state, entry.recorded_by) == (
            owed,
            ReviewState.SUBMITTED,
            malaysia_editor,
        )
        assert f"ACDN, Malaysia, {TODAY.day} {TODAY:%b %Y}: submitted for review" in (
            response.content.decode()
        )

    def test_another_partys_request_is_refused(
        self, client, opened, acdn, philippines, malaysia_editor
    ):
        owed = request_for(opened, acdn, philippines)
        client.force_login(malaysia_editor)
        url = reverse("admin:declarations_reportinground_record", args=[owed.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"status": "planned"}).status_code == 403
        assert not ImplementationStatus.objects.exists()


# The progress report ----------------------------------------------------------------------


class TestProgressReport:
    @pytest.fixture
    def answered(self, opened, acdn, malaysia, editor):
        record_status(
            instrument=acdn,
            party=malaysia,
            status=Status.IN_PROGRESS,
            progress=60,
            as_of=TODAY,
            by=editor,
            state=ReviewState.PUBLISHED,
            evidence=[{"title": "Working group minutes", "url": "https://example.org/m.pdf"}],
            request=request_for(opened, acdn, malaysia),
        )
        return opened

    def test_the_page_has_the_title_the_as_at_date_and_a_table_per_declaration(
        self, client, manager, answered
    ):
        client.force_login(manager)
        page = client.get(reverse("report_round", args=[answered.pk])).content.decode()
        at = answered.reports_as_of
        assert f"Progress as at {at.day} {at:%B %Y}" in page
        assert "<h2>Kuala Lumpur Joint Declaration</h2>" in page
        assert "Malaysia: In progress, 60%" in page
        assert "Working group minutes" in page
        assert "1 of 4 (25%)" in page

    def test_it_downloads_as_pdf_and_docx(self, client, manager, answered):
        from docx import Document

        client.force_login(manager)
        url = reverse("report_round", args=[answered.pk])
        pdf = client.get(url, {"format": "pdf"})
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        docx = client.get(url, {"format": "docx"})
        assert docx["Content-Disposition"].endswith('.docx"')
        document = Document(io.BytesIO(b"".join(docx.streaming_content)))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "Progress report to the 20th ADMM" in text
        cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
        assert "Malaysia: In progress, 60%" in cells
        assert "Working group minutes <https://example.org/m.pdf>" in cells


@pytest.mark.parametrize("count", [3, 30])
def test_the_progress_report_costs_the_same_queries_for_3_and_30_requests(
    client, editor, manager, kl_declaration, count
):
    parties = list(Party.objects.order_by("pk")[:3])
    for _ in range(count // 3):
        make_instrument(make_clause(kl_declaration))
    round_ = new_round(declarations=[kl_declaration], parties=parties)
    open_round(round_, by=editor)
    assert round_.requests.count() == count
    client.force_login(manager)
    url = reverse("report_round", args=[round_.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == PROGRESS_REPORT_QUERIES


PROGRESS_REPORT_QUERIES = 13
