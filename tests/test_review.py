"""Review that talks back: one review page per submitted entry, a rejection goes back to its
author as an editable draft, reviewers never edit a country's figures, and mail tells the
reviewers of a submission and the author of the decision."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from declarations.models import (
    Evidence,
    ReviewState,
    Status,
    check_editable,
    record_status,
    review_status,
    submit_status,
)
from tests.factories import make_clause, make_instrument

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
AS_OF = datetime.date(2026, 11, 30)


@pytest.fixture
def phase_2():
    return make_instrument(make_clause(), name="ACDN phase 2", kind="milestone")


@pytest.fixture
def with_mail(malaysia_editor, editor):
    malaysia_editor.email = "mas@example.org"
    malaysia_editor.save()
    editor.email = "eddie@example.org"
    editor.save()


@pytest.fixture
def submitted(phase_2, malaysia, malaysia_editor, editor):
    """Malaysia's entry on ACDN phase 2, submitted, after an earlier published one."""
    record_status(
        instrument=phase_2,
        party=malaysia,
        status=Status.PLANNED,
        progress=10,
        as_of=AS_OF - datetime.timedelta(days=60),
        note="Earlier published entry",
        by=editor,
        state=ReviewState.PUBLISHED,
    )
    return record_status(
        instrument=phase_2,
        party=malaysia,
        status=Status.IN_PROGRESS,
        progress=60,
        as_of=AS_OF,
        note="Platform in testing",
        evidence=[{"title": "Test report", "url": "https://example.org/test.pdf"}],
        by=malaysia_editor,
        state=ReviewState.SUBMITTED,
    )


def review_url(entry):
    return reverse("admin:declarations_implementationstatus_review", args=[entry.pk])


def change_url(entry):
    return reverse("admin:declarations_implementationstatus_change", args=[entry.pk])


class TestReviewPage:
    def test_it_shows_the_figures_note_evidence_and_the_previous_published_entry(
        self, client, editor, submitted
    ):
        client.force_login(editor)
        page = client.get(review_url(submitted)).content.decode()
        assert "Submitted: ACDN phase 2, Malaysia, 30 Nov 2026" in page
        assert "60%" in page and "Platform in testing" in page
        assert 'href="https://example.org/test.pdf"' in page
        assert "Previous published entry" in page and "Earlier published entry" in page
        assert 'name="publish"' in page and 'name="reject"' in page

    def test_publishing_names_the_entry_and_what_happened(self, client, editor, submitted):
        client.force_login(editor)
        response = client.post(
            review_url(submitted), {"version_seen": submitted.version, "publish": "1"}, follow=True
        )
        submitted.refresh_from_db()
        assert submitted.review_state == ReviewState.PUBLISHED
        assert "ACDN phase 2, Malaysia, 30 Nov 2026: published." in response.content.decode()

    def test_a_rejection_needs_a_comment(self, client, editor, submitted):
        client.force_login(editor)
        response = client.post(
            review_url(submitted), {"version_seen": submitted.version, "reject": "1"}
        )
        assert response.status_code == 200
        assert "comment" in response.context["form"].errors
        submitted.refresh_from_db()
        assert submitted.review_state == ReviewState.SUBMITTED

    def test_a_published_entry_offers_no_review_controls(self, client, editor, submitted):
        review_status(submitted, by=editor, publish=True)
        client.force_login(editor)
        response = client.get(review_url(submitted), follow=True)
        page = response.content.decode()
        assert response.redirect_chain[-1][0] == change_url(submitted)
        assert "is published: there is nothing to review" in page
        assert 'name="reject"' not in page
        assert 'value="publish"' not in page  # no action in the entry page's action bar
        assert "Review this entry" not in page

    def test_the_entry_page_links_reviewers_to_the_review_page(self, client, editor, submitted):
        client.force_login(editor)
        assert review_url(submitted) in client.get(change_url(submitted)).content.decode()

    def test_a_country_editor_may_not_review(
        self, client, philippines_editor, malaysia_editor, submitted
    ):
        client.force_login(malaysia_editor)
        assert client.get(review_url(submitted)).status_code == 403
        assert client.post(review_url(submitted), {"publish": "1"}).status_code == 403
        submitted.refresh_from_db()
        assert submitted.review_state == ReviewState.SUBMITTED


class TestRejectedEntries:
    def test_a_rejected_entry_goes_back_to_its_author_editable_with_the_comment(
        self, client, editor, malaysia_editor, submitted
    ):
        review_status(submitted, by=editor, publish=False, comment="Attach the test report.")
        client.force_login(malaysia_editor)
        response = client.get(change_url(submitted))
        assert response.context["has_change_permission"] is True
        assert "Rejected by eddie: “Attach the test report.”" in response.content.decode()
        submitted.refresh_from_db()
        submitted.progress = 65
        submit_status(submitted, by=malaysia_editor)
        submitted.refresh_from_db()
        assert submitted.review_state == ReviewState.SUBMITTED

    def test_the_author_edits_a_rejected_entry_in_the_admin(
        self, client, editor, malaysia_editor, submitted, phase_2, malaysia
    ):
        review_status(submitted, by=editor, publish=False, comment="Progress looks high.")
        submitted.refresh_from_db()
        evidence = Evidence.objects.get(status=submitted)
        client.force_login(malaysia_editor)
        response = client.post(
            change_url(submitted),
            {
                "instrument": phase_2.pk,
                "party": malaysia.pk,
                "status": Status.IN_PROGRESS,
                "progress": "45",
                "as_of": AS_OF.isoformat(),
                "note": "Platform in testing",
                "version_seen": submitted.version,
                "evidence-TOTAL_FORMS": "1",
                "evidence-INITIAL_FORMS": "1",
                "evidence-0-id": evidence.pk,
                "evidence-0-status": submitted.pk,
                "evidence-0-title": evidence.title,
                "evidence-0-url": evidence.url,
                "evidence-0-kind": evidence.kind,
                "_save": "Save",
            },
        )
        assert response.status_code == 302
        submitted.refresh_from_db()
        assert submitted.progress == 45


class TestFiguresAreTheAuthors:
    def test_a_reviewer_cannot_change_a_submitted_entry(
        self, client, editor, administrator, submitted, phase_2, malaysia
    ):
        for reviewer in (editor, administrator):
            client.force_login(reviewer)
            response = client.post(
                change_url(submitted),
                {
                    "instrument": phase_2.pk,
                    "party": malaysia.pk,
                    "status": Status.COMPLETED,
                    "progress": "100",
                    "as_of": AS_OF.isoformat(),
                    "version_seen": submitted.version,
                    "evidence-TOTAL_FORMS": "0",
                    "evidence-INITIAL_FORMS": "0",
                    "_save": "Save",
                },
            )
            assert response.status_code == 403
        submitted.refresh_from_db()
        assert (submitted.status, submitted.progress) == (Status.IN_PROGRESS, 60)

    def test_the_rule_is_the_model_layers(self, editor, malaysia_editor, submitted):
        with pytest.raises(PermissionDenied, match="is submitted for review: nobody changes it"):
            check_editable(submitted, by=malaysia_editor)
        review_status(submitted, by=editor, publish=False, comment="No.")
        check_editable(submitted, by=malaysia_editor)
        with pytest.raises(PermissionDenied, match="reject it with a comment"):
            check_editable(submitted, by=editor)


class TestMail:
    def test_reviewers_are_mailed_on_submission_with_a_link(
        self,
        mailoutbox,
        with_mail,
        phase_2,
        malaysia,
        malaysia_editor,
        django_capture_on_commit_callbacks,
    ):
        draft = record_status(
            instrument=phase_2,
            party=malaysia,
            status=Status.PLANNED,
            as_of=AS_OF,
            by=malaysia_editor,
        )
        with django_capture_on_commit_callbacks(execute=True):
            submit_status(draft, by=malaysia_editor)
        (mail,) = mailoutbox
        assert mail.to == ["eddie@example.org"]
        assert (
            mail.subject == "[Declaration tracker] To review: ACDN phase 2, Malaysia, 30 Nov 2026"
        )
        assert f"http://localhost:8000{review_url(draft)}" in mail.body

    @pytest.mark.parametrize("publish", [True, False])
    def test_the_author_is_mailed_the_decision_with_the_comment_and_a_link(
        self, mailoutbox, with_mail, editor, submitted, publish, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            review_status(submitted, by=editor, publish=publish, comment="Checked.")
        (mail,) = mailoutbox
        outcome = "published" if publish else "rejected"
        assert mail.to == ["mas@example.org"]
        assert (
            mail.subject == f"[Declaration tracker] ACDN phase 2, Malaysia, 30 Nov 2026: {outcome}"
        )
        assert "Comment: Checked." in mail.body
        assert f"http://localhost:8000{change_url(submitted)}" in mail.body

    def test_nothing_is_mailed_when_the_review_fails(
        self, mailoutbox, with_mail, editor, submitted, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
            review_status(submitted, by=editor, publish=False, comment="  ")
        assert mailoutbox == []
