"""Evidence files: uploaded with an entry, checked by content and size, kept in their own
storage and served only to those who may see the entry."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from declarations.models import (
    Evidence,
    ImplementationStatus,
    ReviewState,
    Status,
    check_evidence_file,
    record_status,
)
from tests.factories import make_clause, make_instrument

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 11, 30)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def acdn():
    return make_instrument(make_clause(), name="ACDN Guidelines and Roadmap", acronym="ACDN")


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


class TestTheCheck:
    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("minutes.pdf", PDF),
            ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20),
            ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\0" * 20),
            ("report.docx", docx_bytes()),
        ],
    )
    def test_it_accepts_the_five_types_by_their_content(self, name, content):
        check_evidence_file(upload(name, content))

    def test_a_renamed_file_is_refused_by_its_content(self):
        with pytest.raises(ValidationError, match="not a PDF file by its content"):
            check_evidence_file(upload("minutes.pdf", b"MZ\x90\x00 an executable"))

    def test_a_pdf_named_docx_is_refused_and_named(self):
        with pytest.raises(ValidationError, match="it looks like a PDF file"):
            check_evidence_file(upload("report.docx", PDF))

    def test_other_types_are_refused(self):
        with pytest.raises(ValidationError, match="PDF, DOCX, XLSX, PNG or JPEG"):
            check_evidence_file(upload("page.html", b"<html>"))

    def test_a_file_over_the_limit_is_refused(self, settings):
        settings.TRACKER_EVIDENCE_MAX_BYTES = 1024
        with pytest.raises(ValidationError, match="1 MB at most|0 MB at most"):
            check_evidence_file(upload("minutes.pdf", PDF + b"\0" * 2048))


def submitted_with_file(by, party, instrument):
    """An entry sent for review with one PDF as its evidence, titled "Minutes"."""
    return record_status(
        instrument=instrument,
        party=party,
        status=Status.PLANNED,
        as_of=AS_OF,
        by=by,
        state=ReviewState.SUBMITTED,
        evidence=[{"title": "Minutes", "file": upload("minutes.pdf", PDF)}],
    )


def record_with_file(client, instrument, content=PDF, name="minutes.pdf"):
    return client.post(
        reverse("admin:declarations_instrument_record_status", args=[instrument.pk]),
        {
            "party": "",
            "status": Status.IN_PROGRESS,
            "as_of": AS_OF.isoformat(),
            "state": "submitted",
            "evidence-TOTAL_FORMS": "1",
            "evidence-INITIAL_FORMS": "0",
            "evidence-0-title": "Working group minutes",
            "evidence-0-file": upload(name, content),
            "evidence-0-kind": "meeting_report",
        },
    )


class TestUploadAndDownload:
    def test_a_country_editor_uploads_a_pdf_with_an_entry(
        self, client, malaysia_editor, malaysia, acdn
    ):
        client.force_login(malaysia_editor)
        response = client.post(
            reverse("admin:declarations_instrument_record_status", args=[acdn.pk]),
            {
                "party": malaysia.pk,
                "status": Status.IN_PROGRESS,
                "as_of": AS_OF.isoformat(),
                "state": "submitted",
                "evidence-TOTAL_FORMS": "1",
                "evidence-INITIAL_FORMS": "0",
                "evidence-0-title": "Working group minutes",
                "evidence-0-file": upload("minutes.pdf", PDF),
                "evidence-0-kind": "meeting_report",
            },
        )
        assert response.status_code == 302
        evidence = Evidence.objects.get()
        assert (evidence.url, evidence.title) == ("", "Working group minutes")
        assert evidence.file.name.startswith("evidence/") and evidence.file.name.endswith(".pdf")
        assert evidence.file.read() == PDF

    def test_a_bad_file_is_refused_with_a_message_and_nothing_is_recorded(
        self, client, editor, acdn
    ):
        client.force_login(editor)
        response = record_with_file(client, acdn, content=b"not a pdf")
        assert response.status_code == 200
        assert "minutes.pdf is not a PDF file by its content" in response.content.decode()
        assert not ImplementationStatus.objects.exists()

    def test_the_file_is_served_to_those_who_may_see_the_entry_only(
        self, client, malaysia_editor, philippines_editor, editor, manager, malaysia, acdn
    ):
        entry = submitted_with_file(malaysia_editor, malaysia, acdn)
        evidence = entry.evidence.get()
        url = reverse("admin:declarations_implementationstatus_evidence", args=[evidence.pk])
        assert entry.evidence_items[0]["url"] == url
        for user, code in (
            (malaysia_editor, 200),
            (editor, 200),
            (philippines_editor, 404),
            (manager, 404),
        ):
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == code, user
            if code == 200:
                assert response["Content-Type"] == "application/pdf"
                assert response["Content-Disposition"].startswith("attachment")
                assert b"".join(response.streaming_content) == PDF
        client.logout()
        assert client.get(url).status_code == 302

    def test_files_are_not_under_any_public_path(
        self, client, settings, malaysia_editor, malaysia, acdn
    ):
        entry = record_status(
            instrument=acdn,
            party=malaysia,
            status=Status.PLANNED,
            as_of=AS_OF,
            by=malaysia_editor,
            evidence=[{"title": "Minutes", "file": upload("minutes.pdf", PDF)}],
        )
        stored = entry.evidence.get().file
        assert str(settings.STATIC_ROOT) not in stored.path
        client.force_login(malaysia_editor)
        for path in (f"/{stored.name}", f"/media/{stored.name}", f"/static/{stored.name}"):
            assert client.get(path).status_code == 404

    def test_an_entry_has_a_link_or_a_file_never_neither(self, malaysia_editor, malaysia, acdn):
        with pytest.raises(ValidationError, match="either a link or a file"):
            record_status(
                instrument=acdn,
                party=malaysia,
                status=Status.PLANNED,
                as_of=AS_OF,
                by=malaysia_editor,
                evidence=[{"title": "Nothing"}],
            )


class TestOverTheApi:
    """A status entry's file evidence in the API: its name, size and type, and an address
    that serves it to a reader who may see the entry, as the admin does."""

    @pytest.fixture
    def published(self, editor, malaysia, acdn):
        return record_status(
            instrument=acdn,
            party=malaysia,
            status=Status.IN_PROGRESS,
            as_of=AS_OF,
            by=editor,
            state=ReviewState.PUBLISHED,
            evidence=[
                {"title": "Working group minutes", "file": upload("minutes.pdf", PDF)},
                {"title": "Press release", "url": "https://example.org/press"},
            ],
        )

    def test_an_entry_shows_its_file_and_a_reader_downloads_it(
        self, settings, api_client_for, consumer, published
    ):
        settings.TRACKER_API_SYNC_DELAY_SECONDS = 0  # the list shows what was just published
        client = api_client_for(consumer)
        evidence = published.evidence.get(title="Working group minutes")
        address = f"http://testserver/api/v1/statuses/{published.pk}/evidence/{evidence.pk}/"
        expected = [
            {
                "title": "Working group minutes",
                "url": address,
                "kind": "other",
                "file": {
                    "name": "working-group-minutes.pdf",
                    "size": len(PDF),
                    "content_type": "application/pdf",
                },
            },
            {"title": "Press release", "url": "https://example.org/press", "kind": "other",
             "file": None},
        ]  # fmt: skip
        detail = client.get(f"/api/v1/statuses/{published.pk}/").json()
        listed = client.get("/api/v1/statuses/").json()["results"]
        assert detail["evidence"] == expected
        assert [row["evidence"] for row in listed] == [expected]

        response = client.get(address)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="working-group-minutes.pdf"'
        )
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == PDF

    def test_no_file_is_served_to_a_caller_who_may_not_see_its_entry(
        self, client, settings, api_client_for, consumer, malaysia_editor, malaysia, acdn,
        published,
    ):  # fmt: skip
        submitted = submitted_with_file(malaysia_editor, malaysia, acdn)
        draft_file = submitted.evidence.get()
        public_file = published.evidence.get(title="Working group minutes")
        reader = api_client_for(consumer)
        # Not published: the reader may not see the entry, so there is no such file.
        response = reader.get(f"/api/v1/statuses/{submitted.pk}/evidence/{draft_file.pk}/")
        assert response.status_code == 404
        # A file asked for under another entry's address is not that entry's.
        response = reader.get(f"/api/v1/statuses/{published.pk}/evidence/{draft_file.pk}/")
        assert response.status_code == 404
        # Anonymous callers get no file, even when the API is open to all.
        settings.TRACKER_PUBLIC_API = True
        response = client.get(f"/api/v1/statuses/{published.pk}/evidence/{public_file.pk}/")
        assert response.status_code == 401
        assert client.get(f"/api/v1/statuses/{published.pk}/").status_code == 200
