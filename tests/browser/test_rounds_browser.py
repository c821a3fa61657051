"""The round cycle in a real browser, under the real CSP: the secretariat opens a round;
Malaysia's editor sees the worklist, records ACDN phase 2 with a PDF and submits; the
reviewer rejects it with a comment; Malaysia changes it and submits again; it is
published; the response rate moves; the round is closed and its PDF and DOCX progress
reports download and open. Screenshots of each step (1366 px wide) go to docs/ under
`make screenshots`."""

import datetime
import io
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from declarations.models import ImplementationStatus, Kind, Party, ReportingRound, ReviewState
from tests.browser.conftest import sign_in
from tests.browser.screens import screenshot_dir
from tests.factories import (
    make_clause,
    make_declaration,
    make_instrument,
    rerun_data_migrations,
)

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = screenshot_dir()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TODAY = timezone.localdate()


@pytest.fixture(scope="module", autouse=True)
def reference_data_left_for_later_tests(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        rerun_data_migrations()
        connection.close()


@pytest.fixture
def reference_data(transactional_db):
    if not Party.objects.filter(code="MYS").exists():
        rerun_data_migrations()


@pytest.fixture
def kl_declaration(reference_data):
    declaration = make_declaration(
        slug="admm-2025-kuala-lumpur", title="Kuala Lumpur Joint Declaration"
    )
    clause = make_clause(
        declaration,
        text="ADOPT the ASEAN Cyber Defence Network (ACDN) Guidelines and Roadmap.",
    )
    acdn = make_instrument(
        clause, name="ACDN Guidelines and Roadmap", acronym="ACDN", kind=Kind.GUIDELINES
    )
    make_instrument(name="ACDN phase 2", parent=acdn, kind=Kind.MILESTONE)
    return declaration


@pytest.fixture
def wide(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', event =>"
        " console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));"
    )
    return page


def shot(page, name):
    page.screenshot(path=str(DOCS / f"round-{name}.png"), full_page=True)


def sign_out(page):
    page.goto("/admin/")
    page.locator("#logout-form button").click()
    page.wait_for_url("**/admin/logout/")


def pick(page, field, text):
    """Choose `text` in the admin's autocomplete widget for `field`."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(f".field-{field} .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_the_round_cycle(
    wide, live_server, kl_declaration, editor, malaysia_editor, philippines_editor, tmp_path
):
    page = wide
    due = TODAY + datetime.timedelta(days=20)
    as_of = TODAY + datetime.timedelta(days=30)

    # The secretariat opens a round on the declaration.
    sign_in(page, editor.username)
    page.goto("/admin/declarations/reportinground/add/")
    page.fill("#id_name", "Progress report to the 20th ADMM")
    page.fill("#id_reports_as_of", as_of.isoformat())
    page.fill("#id_due_on", due.isoformat())
    pick(page, "declarations", "Kuala Lumpur")
    page.get_by_role("button", name="Save and continue editing").click()
    assert "4 requests sent" in page.locator(".messagelist").inner_text()
    round_ = ReportingRound.objects.get()
    assert "Response rate 0%" in page.locator("#round-figures").inner_text()
    shot(page, "1-opened")
    sign_out(page)

    # Malaysia's editor sees the worklist and records ACDN phase 2 with a PDF.
    sign_in(page, malaysia_editor.username)
    page.goto("/admin/")
    assert "Your open requests: 2, due" in page.locator("#your-work").inner_text()
    shot(page, "2-worklist")
    row = page.locator(".worklist tr", has_text="ACDN phase 2")
    row.get_by_role("link", name="Record progress").click()
    page.locator("#record_status").select_option(label="In progress")
    page.fill("#record_progress", "60")
    page.fill("#record_note", "Platform in acceptance testing.")
    page.fill("#id_evidence-0-title", "Acceptance test minutes")
    minutes = tmp_path / "minutes.pdf"
    minutes.write_bytes(PDF)
    page.set_input_files("#id_evidence-0-file", str(minutes))
    page.get_by_label("Submit for review").check()
    shot(page, "3-record")
    page.get_by_role("button", name="Record progress").click()
    page.wait_for_url("**/admin/")
    assert "ACDN phase 2, Malaysia" in page.locator(".messagelist").inner_text()
    assert "Your open requests: 1," in page.locator("#your-work").inner_text()
    entry = ImplementationStatus.objects.get()
    assert entry.request.round == round_ and entry.evidence.get().file
    sign_out(page)

    # The reviewer finds it in the queue and rejects it with a comment.
    sign_in(page, editor.username)
    page.goto("/admin/")
    page.get_by_role("link", name="Awaiting your review: 1").click()
    page.get_by_role("link", name="ACDN phase 2").click()
    page.get_by_role("link", name="Review this entry").click()
    assert page.get_by_role("link", name="Acceptance test minutes").count() == 1
    page.get_by_label("Comment").fill("Give the test report's date in the note.")
    shot(page, "4-review")
    page.get_by_role("button", name="Reject").click()
    assert "rejected, back with its author" in page.locator(".messagelist").inner_text()
    sign_out(page)

    # Malaysia changes it and submits it again.
    sign_in(page, malaysia_editor.username)
    page.goto("/admin/")
    page.get_by_role("link", name="Continue the draft").click()
    assert "Give the test report's date in the note." in page.locator(".rejected-note").inner_text()
    shot(page, "5-rejected")
    page.fill("#id_note", "Platform passed acceptance tests on 20 November.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.locator("select[name='CHANGE_FORM-action']").select_option(value="submit_for_review")
    page.get_by_role("button", name="Run").click()
    assert "submitted for review" in page.locator(".messagelist").inner_text()
    sign_out(page)

    # The reviewer publishes it; the round's response rate moves.
    sign_in(page, editor.username)
    page.goto(f"/admin/declarations/implementationstatus/{entry.pk}/review/")
    page.get_by_role("button", name="Publish").click()
    assert "ACDN phase 2, Malaysia" in page.locator(".messagelist").inner_text()
    entry.refresh_from_db()
    assert entry.review_state == ReviewState.PUBLISHED
    page.goto(f"/admin/declarations/reportinground/{round_.pk}/change/")
    assert "Response rate 25%" in page.locator("#round-figures").inner_text()
    shot(page, "6-answered")

    # The round is closed; its progress reports download and open.
    page.get_by_role("button", name="Close the round").click()
    assert "closed" in page.locator(".messagelist").inner_text()
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="PDF").click()
    reader = PdfReader(pdf_download.value.path())
    assert "Progress report to the 20th ADMM" in reader.pages[0].extract_text()
    with page.expect_download() as docx_download:
        page.get_by_role("link", name="DOCX").click()
    document = Document(io.BytesIO(Path(docx_download.value.path()).read_bytes()))
    assert document.paragraphs[0].text == "Progress report to the 20th ADMM"
    page.goto(f"/reports/rounds/{round_.pk}/")
    assert "Malaysia: In progress, 60%" in page.locator("main").inner_text()
    shot(page, "7-report")
