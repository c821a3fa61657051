"""At 1366 px wide no table is wider than the page: the instruments list, a declaration's
page with its clauses, the dashboard and the round pages."""

import pytest

from declarations.models import Declaration, ReportingRound, open_round
from tests.browser.conftest import sign_in
from tests.samples import seed_with_sample_statuses

pytestmark = pytest.mark.django_db(transaction=True)


def widest_table(page):
    return page.evaluate(
        "() => Math.max(0, ...[...document.querySelectorAll('table')].map("
        "t => t.getBoundingClientRect().right))"
    )


def test_tables_fit_a_1366_pixel_screen(page, live_server, editor, malaysia_editor):
    declaration = seed_with_sample_statuses()
    round_ = ReportingRound.objects.create(
        name="Progress report to the 20th ADMM",
        reports_as_of=declaration.adopted_on.replace(year=2026, month=12, day=31),
        due_on=declaration.adopted_on.replace(year=2026, month=12, day=15),
    )
    round_.declarations.add(declaration)
    open_round(round_, by=editor)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, editor.username)
    pages = [
        "/admin/declarations/instrument/",
        f"/admin/declarations/declaration/{Declaration.objects.get().pk}/change/",
        "/reports/",
        f"/admin/declarations/reportinground/{round_.pk}/change/",
        f"/reports/rounds/{round_.pk}/",
        "/admin/declarations/implementationstatus/",
    ]
    too_wide = {}
    for path in pages:
        page.goto(path)
        right = widest_table(page)
        if right > 1366:
            too_wide[path] = right
    assert too_wide == {}
