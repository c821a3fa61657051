"""The corpus of bad inputs named in the "Trust" issue, in one table, each sent through the
door a user would use (the admin's import pages, the API): each is answered with a 4xx or a
form error that says what is wrong, and no row is written.

Lower-level checks of the same inputs (the parser, the table reader, field by field API
validation) stay in test_importing.py, test_status_import.py and test_api.py; this file
reuses their builders and adds what the issue asks for on top: the answer through HTTP and
the row counts before and after.
"""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from declarations.intake import spreadsheets
from declarations.models import (
    Clause,
    Declaration,
    Evidence,
    ImplementationStatus,
    Instrument,
    Reference,
)
from tests.factories import make_instrument
from tests.samples import SEED
from tests.test_status_import import COLUMNS, csv_file, messages_of, row, xlsx_file

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DECLARATION_IMPORT = "admin:declarations_declaration_import"
STATUS_IMPORT = "admin:declarations_implementationstatus_import"
MODELS = (Declaration, Clause, Instrument, Reference, ImplementationStatus, Evidence)


def row_counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def zip_bomb():
    """A workbook-shaped zip of 60 MB of zeros that is a few kB on the wire."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return SimpleUploadedFile("bomb.xlsx", buffer.getvalue())


# Declaration importer: (case, form data or a file's bytes, words the error must contain).
DECLARATIONS = [
    ("empty", {"text": ""}, "choose a file"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("undecodable", "RECOGNISING caf\u00e9".encode("latin-1"), "not UTF-8"),
    ("oversized", b"RECOGNISING " * 100_000, "limit"),
    (
        "navigation-only",
        {"text": "- Home\n- News and events\n- Latest Releases\nMore Resources\n"},
        "No recognisable clauses",
    ),
    (
        "no-operative-part",
        {"text": "Joint Declaration\nRECOGNISING the importance of peace;\nNOTING progress;\n"},
        "operative",
    ),
    ("duplicate", {"text": SEED.read_text(), "slug": "another-name"}, "already imported"),
]

# Status import (CSV/XLSX): (case, uploaded file builder, words the error must contain).
STATUS_FILES = [
    ("bad-header", lambda: csv_file([row()], header=["instrument", "state"]), "header"),
    (
        "bad-rows",
        lambda: csv_file([row(status="finished"), row(progress="lots"), row(as_of="31/02/2026")]),
        "Row 2",
    ),
    ("formula", lambda: csv_file([row(progress="=1+1")]), "progress"),
    ("xlsx-wrong-types", lambda: xlsx_file([row(progress="half", as_of="soon")]), "Row 2"),
    ("xlsx-zip-bomb", zip_bomb, "would expand to more than"),
    ("not-utf8", lambda: SimpleUploadedFile("s.csv", b"instrument\nCaf\xe9\n"), "not UTF-8"),
    ("other-type", lambda: SimpleUploadedFile("s.pdf", b"%PDF-1.7"), ".csv or .xlsx"),
]


def api_body(**changes):
    body = {
        "instrument": "acdn",
        "party": "MYS",
        "status": "in_progress",
        "progress": 50,
        "as_of": TODAY.isoformat(),
        "state": "submitted",
    }
    return body | changes


# API writes: (case, body, expected status, the field or words the answer must name).
TOO_LATE = (TODAY + datetime.timedelta(days=30)).isoformat()
API_WRITES = [
    ("wrong-types", api_body(progress="half", as_of=20260101), 400, "progress"),
    ("status-not-a-choice", api_body(status="finished"), 400, "status"),
    ("unknown-party", api_body(party="XYZ"), 400, "party"),
    ("out-of-scope-party", api_body(party="PHL"), 403, "may not record status"),
    ("progress-101", api_body(progress=101), 400, "progress"),
    ("future-as-of", api_body(as_of=TOO_LATE), 400, "as_of"),
    ("unknown-instrument", api_body(instrument="no-such-thing"), 400, "instrument"),
    ("not-json", "{not json", 400, "JSON parse error"),
]


@pytest.fixture
def acdn():
    return make_instrument(slug="acdn", name="ACDN Guidelines and Roadmap", acronym="ACDN")


@pytest.mark.parametrize(("case", "data", "words"), DECLARATIONS, ids=[c[0] for c in DECLARATIONS])
def test_the_declaration_importer_refuses_bad_input_and_writes_nothing(
    client, editor, settings, case, data, words
):
    settings.TRACKER_IMPORT_MAX_BYTES = 1_000_000
    client.force_login(editor)
    if case == "duplicate":
        # The same text is already in, under its own slug.
        first = client.post(reverse(DECLARATION_IMPORT), {"text": data["text"], "confirm": "1"})
        assert first.status_code == 302
    before = row_counts()
    form = data if isinstance(data, dict) else {"file": SimpleUploadedFile("d.txt", data)}
    response = client.post(reverse(DECLARATION_IMPORT), {**form, "confirm": "1"})
    assert response.status_code == 200  # the form again, never a redirect to a new object
    errors = response.context["form"].errors
    assert errors, f"{case}: no error shown"
    assert words.lower() in str(errors).lower(), (case, errors)
    assert row_counts() == before


@pytest.mark.parametrize(("case", "make", "words"), STATUS_FILES, ids=[c[0] for c in STATUS_FILES])
def test_the_status_import_refuses_bad_files_and_writes_nothing(
    client, editor, acdn, case, make, words, monkeypatch
):
    # The zip bomb's 60 MB over a limit lowered to 50 MB (the limit itself is larger).
    monkeypatch.setattr(spreadsheets, "MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
    client.force_login(editor)
    before = row_counts()
    response = client.post(
        reverse(STATUS_IMPORT), {"file": make(), "state": "submitted"}, follow=True
    )
    assert response.status_code == 200
    problems = messages_of(response)
    assert problems, f"{case}: no problem shown"
    assert any(words in problem for problem in problems), (case, problems)
    # Nothing offered for confirmation, nothing written.
    assert not response.context.get("may_confirm")
    assert row_counts() == before


def test_a_formula_cell_is_never_computed_nor_imported_as_a_value(client, editor, acdn):
    # A formula that a spreadsheet would run, in a text column: kept as text (escaped),
    # never evaluated; the file is otherwise valid, so it may be confirmed.
    client.force_login(editor)
    file = csv_file([row(note='=HYPERLINK("http://evil.example","x")')])
    response = client.post(
        reverse(STATUS_IMPORT), {"file": file, "state": "submitted"}, follow=True
    )
    assert response.status_code == 200
    assert not messages_of(response) and response.context["may_confirm"]
    assert ImplementationStatus.objects.count() == 0  # a preview writes nothing


@pytest.mark.parametrize(
    ("case", "body", "status", "words"), API_WRITES, ids=[c[0] for c in API_WRITES]
)
def test_the_api_refuses_bad_writes_with_a_clear_4xx_and_writes_nothing(
    api_client_for, malaysia_editor, acdn, case, body, status, words
):
    client = api_client_for(malaysia_editor)
    before = row_counts()
    if isinstance(body, str):
        response = client.post(
            "/api/v1/statuses/", body, content_type="application/json", format=None
        )
    else:
        response = client.post("/api/v1/statuses/", body, format="json")
    assert response.status_code == status, (case, response.content[:300])
    assert response["Content-Type"] == "application/json"
    assert words in response.content.decode(), (case, response.json())
    assert row_counts() == before


def test_the_corpus_lists_every_case_named_in_the_issue():
    named = {c[0] for c in DECLARATIONS} | {c[0] for c in STATUS_FILES} | {c[0] for c in API_WRITES}
    issue = {
        "empty", "binary", "undecodable", "oversized", "navigation-only", "no-operative-part",
        "duplicate", "bad-header", "bad-rows", "formula", "xlsx-zip-bomb", "xlsx-wrong-types",
        "wrong-types", "unknown-party", "out-of-scope-party", "progress-101", "future-as-of",
    }  # fmt: skip
    assert issue <= named, issue - named
    assert COLUMNS  # the status import's columns, shared with its own tests


def test_a_bad_date_on_a_report_gets_the_sites_page_naming_the_parameter(client, manager):
    client.force_login(manager)
    response = client.get("/reports/?as_of=2026-13-45")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="site-header"' in html  # the app's page, not Django's bare one
    assert "as_of" in html


def test_a_pasted_text_over_the_upload_limit_gets_the_sites_page(client, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(editor)
    response = client.post("/admin/declarations/declaration/import/", {"text": "ADOPT " * 500})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "upload it as a file" in html
