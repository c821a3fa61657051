"""A manager's way through the reports in a real browser, under the real CSP."""

import re

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import sign_in
from tests.samples import SEED_SLUG, seed_with_sample_statuses

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_goes_from_the_dashboard_to_an_instrument_and_downloads_it(
    page, live_server, manager
):
    declaration = seed_with_sample_statuses()
    # Chromium reports CSP violations on the console already; this makes sure of it, and the
    # `page` fixture fails the test on any console error.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', event =>"
        " console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));"
    )
    sign_in(page, manager.username)

    response = page.goto("/reports/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    assert page.locator("svg.chart-bars").count() == 1

    page.get_by_role("link", name=declaration.title).click()
    page.wait_for_url(f"**/reports/declarations/{SEED_SLUG}/")
    assert page.get_by_role("heading", level=1).inner_text() == declaration.title
    adopting = page.locator("#op-13")
    assert "ADOPT" in adopting.inner_text()
    assert "In progress" in adopting.inner_text()
    assert "not counted" in page.locator("#pre-1").inner_text()

    adopting.get_by_role("link", name=re.compile(r"\(ACDN\)$")).click()
    page.wait_for_url("**/reports/instruments/acdn-*/")
    assert "ACDN" in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("svg.chart-timeline").count() == 2  # statuses and milestones
    assert page.get_by_role("link", name="ADMM working group report").count() == 1

    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as saved:
        book = load_workbook(saved)
    assert book.sheetnames == ["Summary", "Status timeline", "Milestones", "Cited by"]
    timeline = list(book["Status timeline"].iter_rows(values_only=True))
    assert timeline[0][:3] == ("As of", "Party", "Status")
    assert len(timeline) == 1 + 5  # the sample has five ACDN entries
