"""WCAG 2.1 AA on every page the project renders or overrides: axe-core's wcag2a, wcag2aa,
wcag21a and wcag21aa rules find nothing, under the real CSP (the `page` fixture fails a test
on any console error, a refused script included).

axe-core is vendored under tests/browser/vendor/ (MPL-2.0, see the README there) and is
test-only: Playwright answers its address itself, so the app never serves it, and it comes
in as a same-origin script that the CSP's script-src 'self' allows."""

import csv
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from declarations import demo
from declarations.models import Evidence, Instrument
from tests.browser.conftest import sign_in
from tests.samples import SEED, seed_with_sample_statuses

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_PATH = "/__tests__/axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}}).then(result =>
  result.violations.map(v => `${v.id} (${v.impact}): ${v.help}: ` +
    v.nodes.map(node => node.target.join(" ")).join(", ")))"""


# axe reports an aria-describedby that names no element only as "needs review"; a help
# text a screen reader never reaches is a failure here. Django's date fields name a time
# zone warning that its script adds only when the browser's zone differs from the server's;
# a hidden input is not shown to anyone, and what it names is never read.
REFERRING = "[aria-describedby]:not([type=hidden]), [aria-labelledby], [aria-controls], [for]"
MISSING_REFERENCES = """selector => [...document.querySelectorAll(selector)].flatMap(element =>
  ["aria-describedby", "aria-labelledby", "aria-controls", "for"].flatMap(name =>
    (element.getAttribute(name) || "").split(/\\s+/).filter(id => id &&
      !id.endsWith("_timezone_warning_helptext") &&
      !document.getElementById(id)).map(id => `missing-reference: ${name}="${id}" on ` +
      (element.id ? `#${element.id}` : element.tagName.toLowerCase()))))"""


def violations(page, live_server):
    """What axe finds on the page as it stands, and references to ids that do not exist."""
    page.add_script_tag(url=live_server.url + AXE_PATH)
    return page.evaluate(RUN_AXE, WCAG_21_AA) + page.evaluate(MISSING_REFERENCES, REFERRING)


@pytest.fixture
def audited(page, live_server):
    page.route(
        f"{live_server.url}{AXE_PATH}",
        lambda route: route.fulfill(path=AXE, content_type="text/javascript"),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', event =>"
        " console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));"
    )
    return page


@pytest.fixture
def sample(editor, malaysia_editor):
    """The demo's data: the seed declaration with published progress, an open round and,
    waiting for review, Malaysia's ACDN entry with a file as evidence."""
    declaration = seed_with_sample_statuses()
    round_ = demo.open_sample_round(editor=editor)
    entry = demo.submit_sample_draft(country_editor=malaysia_editor, round_=round_)
    Evidence.objects.create(
        status=entry,
        title="Acceptance test minutes",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="minutes.pdf"),
    )
    return declaration, round_, entry


def audit(page, live_server, paths, width):
    """Opens each path at `width` px and fails, naming every page and violation, if axe
    finds anything."""
    page.set_viewport_size({"width": width, "height": 900})
    found = {}
    for path in paths:
        response = page.goto(path)
        assert response.ok, f"{path}: {response.status}"
        # The API docs page draws itself from the schema it fetches.
        page.wait_for_load_state("networkidle")
        if problems := violations(page, live_server):
            found[path] = problems
    assert not found, listing(found)


def listing(found):
    return "\n".join(f"{path}:\n  " + "\n  ".join(problems) for path, problems in found.items())


def report_paths(declaration, round_):
    acdn = Instrument.objects.get(acronym="ACDN", parent=None)
    return [
        "/",
        "/reports/",
        f"/reports/declarations/{declaration.slug}/",
        f"/reports/instruments/{acdn.slug}/",
        "/reports/countries/",
        "/reports/overdue/",
        "/reports/stale/",
        "/reports/changes/",
        f"/reports/rounds/{round_.pk}/",
        "/reports/search/?q=cyber",
        "/api/v1/docs/",
    ]


@pytest.mark.parametrize("width", [1366, 320])
def test_the_report_pages_pass_wcag_21_aa(audited, live_server, sample, manager, width):
    declaration, round_, _ = sample
    sign_in(audited, manager.username)
    audit(audited, live_server, report_paths(declaration, round_), width)


def test_the_report_pages_reflow_to_320_pixels(audited, live_server, sample, manager):
    """WCAG 1.4.10: nothing but a wide table's own box scrolls sideways at 320 px."""
    declaration, round_, _ = sample
    sign_in(audited, manager.username)
    audited.set_viewport_size({"width": 320, "height": 900})
    too_wide = {}
    for path in report_paths(declaration, round_):
        audited.goto(path)
        width = audited.evaluate("() => document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    assert too_wide == {}


def test_a_keyboard_user_skips_the_header_to_the_content(audited, live_server, sample, manager):
    sign_in(audited, manager.username)
    audited.goto("/reports/")
    audited.keyboard.press("Tab")
    skip = audited.get_by_role("link", name="Skip to content")
    assert skip.evaluate("link => link === document.activeElement")
    assert skip.is_visible()  # shown once focused
    audited.keyboard.press("Enter")
    assert audited.evaluate("() => document.activeElement.id") == "content"
    # The next Tab goes into the page, past the header's links.
    audited.keyboard.press("Tab")
    assert audited.evaluate("() => document.activeElement.closest('main') !== null")


def test_the_admin_pages_pass_wcag_21_aa(audited, live_server, sample, editor):
    declaration, round_, entry = sample
    acdn = Instrument.objects.get(acronym="ACDN", parent=None)
    audited.goto("/admin/login/")
    assert violations(audited, live_server) == []
    sign_in(audited, editor.username)
    paths = [
        "/admin/",
        f"/admin/declarations/instrument/{acdn.pk}/change/",
        f"/admin/declarations/instrument/{acdn.pk}/record-status/",
        f"/admin/declarations/implementationstatus/{entry.pk}/review/",
        f"/admin/declarations/implementationstatus/{entry.pk}/change/",
        "/admin/declarations/implementationstatus/",
        "/admin/declarations/declaration/",
        f"/admin/declarations/declaration/{declaration.pk}/change/",
        f"/admin/declarations/declaration/{declaration.pk}/history/",
        "/admin/declarations/declaration/import/",
        "/admin/declarations/implementationstatus/import/",
        "/admin/declarations/reportinground/",
        "/admin/declarations/reportinground/add/",
        f"/admin/declarations/reportinground/{round_.pk}/change/",
    ]
    audit(audited, live_server, paths, 1366)


def test_the_import_previews_pass_wcag_21_aa(audited, live_server, sample, editor, tmp_path):
    sign_in(audited, editor.username)
    audited.goto("/admin/declarations/declaration/import/")
    # A changed clause: the preview lists the change and offers to apply it.
    audited.fill("#id_text", SEED.read_text(encoding="utf-8").replace("ADOPT", "WELCOME", 1))
    audited.get_by_role("button", name="Preview").click()
    audited.wait_for_selector("pre.import-preview")
    assert audited.locator("#id_update").count() == 1
    assert violations(audited, live_server) == []

    acdn = Instrument.objects.get(acronym="ACDN", parent=None)
    statuses = tmp_path / "statuses.csv"
    with statuses.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["instrument", "party", "status", "progress", "as_of", "note"])
        writer.writerow([acdn.slug, "PHL", "in_progress", "40", "2026-11-01", "Imported"])
    audited.goto("/admin/declarations/implementationstatus/import/")
    audited.set_input_files("#id_file", str(statuses))
    audited.get_by_role("button", name="Check the file").click()
    audited.wait_for_selector("table.import-preview")
    assert violations(audited, live_server) == []


def test_a_country_editors_worklist_and_request_pass_wcag_21_aa(
    audited, live_server, sample, malaysia_editor
):
    _, round_, _ = sample
    request = round_.requests.unanswered().filter(party__code="MYS").first()
    sign_in(audited, malaysia_editor.username)
    paths = [
        "/admin/",
        reverse("admin:declarations_reportinground_record", args=[request.pk]),
    ]
    audit(audited, live_server, paths, 1366)
