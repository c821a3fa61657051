"""A country editor records progress and an editor publishes it, in a real browser under
the real CSP (the `page` fixture fails the test on any console error or CSP violation)."""

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from declarations.models import ImplementationStatus, Kind, Party, ReviewState
from tests.browser.conftest import sign_in
from tests.factories import (
    make_clause,
    make_declaration,
    make_instrument,
    rerun_data_migrations,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module", autouse=True)
def reference_data_left_for_later_tests(django_db_setup, django_db_blocker):
    """Runs after this module's last flush, so the tests that follow find the roles."""
    yield
    with django_db_blocker.unblock():
        rerun_data_migrations()
        connection.close()


@pytest.fixture
def reference_data(transactional_db):
    if not Party.objects.filter(code="MYS").exists():
        rerun_data_migrations()


@pytest.fixture
def acdn_roadmap():
    clause = make_clause(
        make_declaration(slug="admm-2025-kuala-lumpur"),
        text="ADOPT the ASEAN Cyber Defence Network (ACDN) Guidelines and Roadmap.",
    )
    return make_instrument(
        clause,
        name="ASEAN Cyber Defence Network Guidelines and Roadmap for the Implementation of ACDN",
        acronym="ACDN",
        kind=Kind.GUIDELINES,
    )


def sign_out(page):
    page.locator("#logout-form button").click()
    page.wait_for_url("**/admin/logout/")


def test_a_country_editor_records_and_an_editor_publishes(
    reference_data, page, live_server, acdn_roadmap, malaysia_editor, editor
):
    instrument_page = f"/admin/declarations/instrument/{acdn_roadmap.pk}/change/"
    as_of = timezone.localdate() - datetime.timedelta(days=1)

    # The Malaysia editor records a status with evidence and submits it for review.
    sign_in(page, malaysia_editor.username)
    response = page.goto(instrument_page)
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.get_by_role("link", name="Record progress").click()
    page.wait_for_url("**/record-status/")
    form = page.locator("#content-main form")
    assert form.locator("#record_party option").all_inner_texts() == ["Malaysia"]
    form.locator("#record_status").select_option(label="In progress")
    form.locator("#record_progress").fill("60")
    form.locator("#record_as_of").fill(as_of.isoformat())
    form.locator("#record_note").fill("National node connected for testing.")
    form.locator("#id_evidence-0-title").fill("ACDN working group report")
    form.locator("#id_evidence-0-url").fill("https://example.org/acdn-wg-report.pdf")
    form.get_by_label("Submit for review").check()
    form.get_by_role("button", name="Record status").click()
    page.wait_for_url(f"**{instrument_page}")
    assert "Recorded 1 status entry for Malaysia (submitted for review)" in (
        page.locator(".messagelist").inner_text()
    )
    entry = ImplementationStatus.objects.get()
    assert (entry.review_state, entry.recorded_by) == (ReviewState.SUBMITTED, malaysia_editor)
    # Not yet current: only published entries count.
    assert page.locator(".field-current_status_badge .status-badge").inner_text() == (
        "No information"
    )
    sign_out(page)

    # An editor finds it in the review queue and publishes it with a comment.
    sign_in(page, editor.username)
    page.goto("/admin/declarations/implementationstatus/?review_state__exact=submitted")
    entry_page = re.compile(rf".*/admin/declarations/implementationstatus/{entry.pk}/change/.*")
    page.get_by_role("link", name="ACDN", exact=True).click()
    page.wait_for_url(entry_page)
    # The entry is the country's: the reviewer reads it and reviews it on its review page.
    assert page.locator("#evidence-0 .field-url input").count() == 0
    page.get_by_role("link", name="Review this entry").click()
    assert page.get_by_role("link", name="ACDN working group report").count() == 1
    page.get_by_label("Comment").fill("Checked against the working group report.")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/admin/declarations/implementationstatus/")
    assert f"{entry.label}: published." in page.locator(".messagelist").inner_text()

    # The instrument page now shows it as the current status, and in its history.
    page.goto(instrument_page)
    assert page.locator(".field-current_status_badge .status-badge").inner_text() == ("In progress")
    assert (
        page.locator(".fieldBox.field-current_progress_bar .readonly").inner_text().strip() == "60%"
    )
    history = page.locator("#statuses-group")
    assert "Published" in history.inner_text()
    assert history.get_by_role("link", name="ACDN working group report").count() == 1
    entry.refresh_from_db()
    assert (entry.review_state, entry.reviewed_by) == (ReviewState.PUBLISHED, editor)


def test_an_editor_imports_a_declaration_from_its_pdf(page, reference_data, tmp_path):
    """The import page with an uploaded PDF: its preview at 1366 px, then the import."""
    from django.contrib.auth.models import Group, User

    from declarations.demo import SEED
    from declarations.models import Declaration
    from tests.documents import pdf_from_text

    editor = User.objects.create_user("eddie", password="a-long-test-password", is_staff=True)
    editor.groups.set(Group.objects.filter(name="Editors"))
    pdf = tmp_path / "kl-2025-admm-joint-declaration.pdf"
    pdf.write_bytes(pdf_from_text(SEED.read_text(encoding="utf-8")))

    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "eddie")
    page.goto("/admin/declarations/declaration/import/")
    page.set_input_files("#id_file", str(pdf))
    page.click("input[name=preview]")
    page.wait_for_selector("pre.import-preview")
    assert "13 preambular, 25 operative" in page.inner_text("pre.import-preview")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=str(tmp_path / "import-pdf-preview.png"), full_page=False)

    page.click("input[name=confirm]")
    page.wait_for_url("**/admin/declarations/declaration/*/change/")
    assert Declaration.objects.get().clauses.count() == 38
