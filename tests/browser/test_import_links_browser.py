"""The import preview's link decisions in a real browser at 1366 px: each instrument's
proposed link with its reason, changed with the admin's autocomplete, then confirmed.
Screenshots of the preview go to docs/ under `make screenshots` (tests/browser/screens.py)."""

import pytest

from declarations.intake.importing import import_text
from declarations.models import Instrument
from tests.browser.conftest import sign_in
from tests.browser.screens import screenshot_dir
from tests.test_linking import HANOI_PATH, SEED, years_citing

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_see_each_decision_and_relink_one_before_confirming(page, editor):
    import_text(SEED)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, editor.username)
    page.goto("/admin/declarations/declaration/import/")
    page.fill("#id_text", HANOI_PATH.read_text(encoding="utf-8"))
    page.click("input[name=preview]")
    table = page.locator("table.import-links")
    table.wait_for()
    assert "new edition 3 of series AUMX" in table.inner_text()
    assert "known by acronym ADSARX, adopted 2025, op-10" in table.inner_text()
    width = page.evaluate(
        "document.querySelector('table.import-links').getBoundingClientRect().right"
    )
    assert width <= 1366
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir() / "import-links.png"), full_page=True)

    # Link "the 3rd AUMX" to the 2nd instead, through the autocomplete.
    row = table.locator("tr", has_text="3rd AUMX")
    row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("2nd ASEAN-United")
    page.locator(".select2-results__option", has_text="2nd ASEAN-United").click()
    row.screenshot(path=str(screenshot_dir() / "import-links-row.png"))
    page.click("input[name=confirm]")
    page.wait_for_url("**/declaration/*/change/")
    second = Instrument.objects.get(acronym="AUMX", edition=2)
    assert years_citing(second) == {2025, 2026}
    assert not Instrument.objects.filter(acronym="AUMX", edition=3).exists()
