import csv
import datetime
import io
import logging
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from declarations.intake import spreadsheets, status_import
from declarations.intake.spreadsheets import restore
from declarations.intake.status_import import (
    COLUMNS,
    ImportFailed,
    ImportProblem,
    apply,
    read_table,
    validate,
)
from declarations.models import (
    ImplementationStatus,
    JobState,
    ReviewState,
    Status,
    record_status,
)
from declarations.tabular import escape_formula
from tests.factories import make_instrument

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
IMPORT_URL = "admin:declarations_implementationstatus_import"
IMPORT_JOB_URL = "admin:declarations_implementationstatus_import_job"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def acdn():
    return make_instrument(slug="acdn", name="ACDN Guidelines and Roadmap", acronym="ACDN")


@pytest.fixture
def adsarx():
    return make_instrument(slug="adsarx", name="ADSARX Concept Paper", acronym="ADSARX")


def row(instrument="acdn", party="MYS", status="in_progress", **cells):
    values = {
        "instrument": instrument,
        "instrument_name": "",
        "party": party,
        "status": status,
        "progress": "50",
        "as_of": TODAY.isoformat(),
        "note": "Imported",
        "evidence_url": "",
        "evidence_title": "",
    }
    values.update(cells)
    return [values[column] for column in COLUMNS]


def csv_file(rows, header=COLUMNS, name="statuses.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


def xlsx_file(rows, header=COLUMNS, name="statuses.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, file, state="submitted"):
    """Upload a file: the job checking it runs at once (the tests' immediate task backend),
    and the answer is its page, the preview."""
    return client.post(reverse(IMPORT_URL), {"file": file, "state": state}, follow=True)


def confirm(client, preview):
    """Confirm a preview: the job writing the file runs at once; the answer is its page."""
    job = preview.context["job"]
    return client.post(reverse(IMPORT_JOB_URL, args=[job.pk]), {"confirm": "1"}, follow=True)


def row_count(preview):
    return preview.context["job"].result["rows"] if preview.context["may_confirm"] else None


def messages_of(response):
    """The problems the page names: the upload form's, a failed job's, or the rows'."""
    job = response.context.get("job")
    if job is None:
        return [
            error for errors in response.context["upload_form"].errors.values() for error in errors
        ]
    if job.state == JobState.FAILED:
        return [job.error]
    return job.result.get("shown_problems", [])


# Through the admin: preview, then confirm ------------------------------------------------


def test_a_country_editor_previews_then_imports_their_rows(
    client, malaysia_editor, acdn, adsarx, malaysia
):
    client.force_login(malaysia_editor)
    file = csv_file(
        [
            row(
                "acdn",
                evidence_url="https://example.org/a https://example.org/b",
                evidence_title="Minutes | Press release",
            ),
            row("adsarx", status="planned", progress=""),
        ]
    )
    preview = upload(client, file)
    assert preview.status_code == 200
    assert row_count(preview) == 2
    assert not ImplementationStatus.objects.exists()  # nothing written by the preview

    done = confirm(client, preview)
    assert done.status_code == 200 and done.context["job"].result["entries"] == 2
    assert "Imported 2 status entries." in done.content.decode()

    entries = ImplementationStatus.objects.order_by("instrument__slug")
    assert [(e.instrument, e.party, e.status, e.progress, e.review_state) for e in entries] == [
        (acdn, malaysia, Status.IN_PROGRESS, 50, ReviewState.SUBMITTED),
        (adsarx, malaysia, Status.PLANNED, None, ReviewState.SUBMITTED),
    ]
    assert [(e.title, e.url) for e in entries[0].evidence.all()] == [
        ("Minutes", "https://example.org/a"),
        ("Press release", "https://example.org/b"),
    ]
    assert all(entry.recorded_by == malaysia_editor for entry in entries)


def test_a_confirmation_is_checked_again_against_the_database(
    client, malaysia_editor, acdn, malaysia
):
    client.force_login(malaysia_editor)
    preview = upload(client, csv_file([row(), row(as_of="2020-01-01")]))
    assert preview.context["may_confirm"]
    malaysia.editors.remove(malaysia_editor)  # their scope changed after the preview

    response = confirm(client, preview)

    assert response.status_code == 200
    assert messages_of(response) == [
        "; ".join(
            f"Row {n}, column party: you may not record status for Malaysia. "
            "You report for no party."
            for n in (2, 3)
        )
        + "; nothing was written."
    ]
    assert not ImplementationStatus.objects.exists()


def test_a_file_with_problems_cannot_be_confirmed(client, editor, acdn):
    client.force_login(editor)
    preview = upload(client, csv_file([row(status="finished")]))
    assert not preview.context["may_confirm"]
    response = confirm(client, preview)
    assert "This file cannot be imported; upload it again." in response.content.decode()
    assert not ImplementationStatus.objects.exists()


def test_a_country_editor_is_not_offered_publishing(client, malaysia_editor, acdn):
    client.force_login(malaysia_editor)
    response = upload(client, csv_file([row()]), state="published")
    assert "state" in response.context["upload_form"].errors
    assert "job" not in response.context


def test_an_editor_imports_region_rows_and_publishes(client, editor, acdn):
    client.force_login(editor)
    preview = upload(client, csv_file([row(party="")]), state="published")
    confirm(client, preview)
    entry = ImplementationStatus.objects.get()
    assert (entry.party, entry.review_state) == (None, ReviewState.PUBLISHED)


# Bad files write nothing and name the problem ---------------------------------------------


@pytest.mark.parametrize("column", ["instrument", "note"])
def test_a_nul_in_a_cell_is_named_and_nothing_is_written(client, editor, acdn, column):
    client.force_login(editor)
    cells = {"instrument": "acdn", "note": "fine"} | {column: "ac\x00dn"}
    response = upload(client, csv_file([row(**cells)]))
    assert response.status_code == 200
    problems = messages_of(response)
    assert problems and all(p.startswith("Row 2") for p in problems)
    assert any(column in p for p in problems)
    assert not response.context["may_confirm"]
    assert not ImplementationStatus.objects.exists()


def test_a_wrong_header_is_named(client, editor, acdn):
    client.force_login(editor)
    header = ["instrument", "country", "status", "date"]
    response = upload(client, csv_file([["acdn", "MYS", "planned", "2026-01-01"]], header=header))
    [problem] = messages_of(response)
    assert problem.startswith("Row 1 (header): unknown column(s): country, date; ")
    assert "missing column(s): party, as_of" in problem
    assert problem.endswith(" Nothing was imported.")
    assert not ImplementationStatus.objects.exists()


def test_bad_rows_first_500th_and_last_are_each_named_and_nothing_is_written(client, editor, acdn):
    rows = [row() for _ in range(600)]
    rows[0] = row(status="finished")  # data row 1 is spreadsheet row 2
    rows[499] = row(progress="150")
    rows[599] = row(as_of="31/12/2025")
    client.force_login(editor)

    response = upload(client, csv_file(rows))

    assert messages_of(response) == [
        "Row 2, column status: “finished” is not a status; use one of "
        + ", ".join(Status.values)
        + ".",
        "Row 501, column progress: 150 is not between 0 and 100.",
        "Row 601, column as_of: “31/12/2025” is not a date written YYYY-MM-DD.",
    ]
    assert not response.context["may_confirm"]
    assert not ImplementationStatus.objects.exists()


def test_an_unknown_instrument_is_named(client, editor, acdn):
    client.force_login(editor)
    response = upload(client, csv_file([row(), row("no-such-roadmap")]))
    assert messages_of(response) == [
        "Row 3, column instrument: no instrument has the slug “no-such-roadmap”."
    ]
    assert not ImplementationStatus.objects.exists()


def test_a_party_outside_the_users_scope_is_named(client, malaysia_editor, acdn):
    client.force_login(malaysia_editor)
    response = upload(client, csv_file([row(party="MYS"), row(party="PHL"), row(party="")]))
    assert messages_of(response) == [
        "Row 3, column party: you may not record status for Philippines. "
        "You report for Malaysia only.",
        "Row 4, column party: you may not record status for the region as a whole. "
        "You report for Malaysia only.",
    ]
    assert not ImplementationStatus.objects.exists()


def test_an_unknown_party_code_is_named(client, editor, acdn):
    client.force_login(editor)
    response = upload(client, csv_file([row(party="XYZ")]))
    assert messages_of(response) == ["Row 2, column party: no party has the code “XYZ”."]


def test_a_bad_evidence_address_is_named(client, editor, acdn):
    client.force_login(editor)
    response = upload(client, csv_file([row(evidence_url="javascript:alert(1)")]))
    assert messages_of(response) == [
        "Row 2, column evidence_url: “javascript:alert(1)” is not a web address (http or https)."
    ]


def test_a_future_as_of_date_is_named(client, editor, acdn):
    client.force_login(editor)
    late = (TODAY + datetime.timedelta(days=40)).isoformat()
    [message] = messages_of(upload(client, csv_file([row(as_of=late)])))
    assert message.startswith(f"Row 2, column as_of: The as-of date {late} is in the future")


def test_a_file_of_another_type_is_refused(client, editor):
    client.force_login(editor)
    response = upload(client, SimpleUploadedFile("statuses.pdf", b"%PDF-1.7"))
    assert messages_of(response) == ["Upload a .csv or .xlsx file."]
    assert not ImplementationStatus.objects.exists()


def test_a_csv_that_is_not_utf8_is_refused(client, editor):
    client.force_login(editor)
    data = ",".join(COLUMNS).encode() + b"\nacdn,Caf\xe9,MYS\n"
    response = upload(client, SimpleUploadedFile("statuses.csv", data))
    assert messages_of(response) == [
        f"The CSV file is not UTF-8 text (byte {data.index(b'\xe9')}); save it as CSV UTF-8. "
        "Nothing was imported."
    ]


def test_a_file_over_the_size_limit_is_refused_unread(editor, monkeypatch):
    monkeypatch.setattr(status_import, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ImportProblem, match="larger than"):
        read_table(SimpleUploadedFile("big.csv", b"x" * 1001))


def test_there_is_no_row_limit_only_a_size_limit(editor, acdn):
    table = read_table(csv_file([row()] * 5000))  # five times the former limit
    preview = validate(table, user=editor)
    assert (preview.ok, preview.count, len(preview.rows)) == (True, 5000, status_import.SAMPLE_ROWS)


def test_a_file_over_the_size_limit_is_refused_at_the_upload(client, editor, monkeypatch):
    monkeypatch.setattr(status_import, "MAX_FILE_BYTES", 1000)
    client.force_login(editor)
    response = upload(client, csv_file([row()] * 50))
    assert messages_of(response) == ["The file is larger than 1,000 bytes."]


def test_a_zip_bomb_is_refused_before_it_is_inflated(client, editor, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < 200_000  # small on the wire
    client.force_login(editor)
    response = upload(client, SimpleUploadedFile("bomb.xlsx", buffer.getvalue()))
    [problem] = messages_of(response)
    assert "would expand to more than 50 MB; it was not opened" in problem


def test_a_damaged_workbook_is_refused(client, editor):
    client.force_login(editor)
    response = upload(client, SimpleUploadedFile("broken.xlsx", b"PK\x03\x04 not really"))
    assert messages_of(response) == [
        "The file is not a valid .xlsx workbook. Nothing was imported."
    ]


# XLSX and formulas --------------------------------------------------------------------------


def test_an_xlsx_with_real_dates_and_numbers_imports(client, editor, acdn):
    values = row(progress=75, as_of=datetime.datetime.combine(TODAY, datetime.time()))
    client.force_login(editor)
    preview = upload(client, xlsx_file([values]))
    assert row_count(preview) == 1
    confirm(client, preview)
    entry = ImplementationStatus.objects.get()
    assert (entry.progress, entry.as_of) == (75, TODAY)


def test_formula_cells_are_kept_as_text_never_computed(editor, acdn):
    workbook_rows = [
        row(note='=HYPERLINK("https://evil.example","click")'),
        row(note="=1+1", status='=CONCAT("in_","progress")'),
    ]
    table = read_table(xlsx_file(workbook_rows))
    preview = validate(table, user=editor)
    assert [str(error) for error in preview.errors] == [
        'Row 3, column status: “=CONCAT("in_","progress")” is not a status; use one of '
        + ", ".join(Status.values)
        + "."
    ]
    assert preview.rows[0].entry.note == '=HYPERLINK("https://evil.example","click")'


def test_an_escaped_export_cell_imports_back_unchanged(editor, acdn):
    for text in ["=SUM(A1:A9)", "+44 20", "-5 days", "@here", "plain", "'quoted"]:
        assert restore(escape_formula(text)) == text
    table = read_table(csv_file([row(note=escape_formula("=1+1"))]))
    assert validate(table, user=editor).rows[0].entry.note == "=1+1"


# All or nothing --------------------------------------------------------------------------------


def test_apply_writes_every_row_or_none(editor, malaysia_editor, acdn, malaysia):
    table = read_table(csv_file([row(), row()]))
    assert apply(table, user=malaysia_editor, state=ReviewState.SUBMITTED) == 2

    table = read_table(csv_file([row(), row(party="PHL")]))
    with pytest.raises(ImportFailed) as failure:
        apply(table, user=malaysia_editor, state=ReviewState.SUBMITTED)
    assert [str(error) for error in failure.value.errors] == [
        "Row 3, column party: you may not record status for Philippines. "
        "You report for Malaysia only."
    ]
    assert ImplementationStatus.objects.count() == 2  # only the first import's rows


def test_the_export_columns_are_one_constant(acdn):
    assert COLUMNS[:6] == ("instrument", "instrument_name", "party", "status", "progress", "as_of")
    assert set(status_import.REQUIRED_COLUMNS) <= set(COLUMNS)


# The rules are record_status's ---------------------------------------------------------------


def test_the_preview_runs_each_row_through_record_status_and_keeps_nothing(
    editor, malaysia_editor, acdn, caplog
):
    table = read_table(csv_file([row(), row(party="")]))
    with caplog.at_level(logging.INFO, logger="tracker.audit"):
        preview = validate(table, user=editor, state=ReviewState.PUBLISHED)
    assert preview.ok and [r.entry.party_label for r in preview.rows] == ["Malaysia", "Region"]
    assert not ImplementationStatus.objects.exists()
    assert not caplog.records  # no publication is logged for entries that were never kept

    # Publishing is record_status's to refuse, row by row, before anything is written.
    preview = validate(table, user=malaysia_editor, state=ReviewState.PUBLISHED)
    assert [str(error) for error in preview.errors] == [
        "Row 2: mas may not publish status entries.",
        "Row 3, column party: you may not record status for the region as a whole. "
        "You report for Malaysia only.",
    ]


def test_an_applied_publication_is_logged_once_per_entry(
    editor, acdn, caplog, django_capture_on_commit_callbacks
):
    table = read_table(csv_file([row(), row(party="")]))
    with (
        caplog.at_level(logging.INFO, logger="tracker.audit"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        written = apply(table, user=editor, state=ReviewState.PUBLISHED)
    published = [
        r.getMessage() for r in caplog.records if "event=status_published" in r.getMessage()
    ]
    assert len(published) == 2 == written
    entries = ImplementationStatus.objects.all()
    assert {entry.review_state for entry in entries} == {ReviewState.PUBLISHED}
    assert sorted(published) == sorted(
        next(m for m in published if f"object=implementationstatus:{e.pk}" in m) for e in entries
    )


# The export: the import's columns, so a file goes out and comes back -----------------------

EXPORT_URL = "admin:declarations_implementationstatus_export"
LIST_URL = "admin:declarations_implementationstatus_changelist"


def export(client, fmt, **filters):
    response = client.get(reverse(EXPORT_URL), {**filters, "format": fmt})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    return body, read_table(SimpleUploadedFile(f"export.{fmt}", body))


def snapshot(entries=None):
    """The entries as the export and the import carry them."""
    entries = ImplementationStatus.objects.all() if entries is None else entries
    return sorted(
        (
            e.instrument.slug,
            e.party.code if e.party else "",
            e.status,
            e.progress,
            e.as_of,
            e.note,
            [(link.title, link.url) for link in e.evidence.order_by("pk")],
        )
        for e in entries.select_related("instrument", "party")
    )


@pytest.fixture
def recorded(editor, malaysia, philippines, acdn, adsarx):
    def entry(instrument, party, status, progress, as_of, note="", evidence=()):
        links = [{"title": t, "url": u, "kind": "other"} for t, u in evidence]
        return record_status(
            instrument=instrument, party=party, status=status, progress=progress,
            as_of=as_of, note=note, evidence=links, by=editor, state=ReviewState.PUBLISHED,
        )  # fmt: skip

    links = [("Minutes", "https://example.org/minutes"), ("Press", "https://example.org/p")]
    day = datetime.date(2026, 3, 1)
    return [
        entry(acdn, malaysia, Status.IN_PROGRESS, 40, day, "=1+1 said the minutes", links),
        entry(acdn, None, Status.PLANNED, None, day, "-5 days late\nsecond line, with a comma"),
        entry(adsarx, malaysia, Status.DELAYED, 20, day, "Waiting"),
        entry(adsarx, philippines, Status.COMPLETED, 100, day, "Done"),
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exported_filtered_list_imports_back_into_an_empty_database_as_the_same_entries(
    client, editor, acdn, recorded, fmt
):
    client.force_login(editor)
    body, table = export(client, fmt, q="ACDN")
    assert table[0] == list(COLUMNS)
    assert len(table) == 3  # the header and the ACDN's two entries, not the others
    if fmt == "csv":
        assert b"'=1+1 said the minutes" in body  # a spreadsheet shows it as text
    expected = snapshot(ImplementationStatus.objects.filter(instrument=acdn))
    assert len(expected) == 2 and any(entry[-1] for entry in expected)  # evidence too
    ImplementationStatus.objects.all().delete()

    preview = upload(client, SimpleUploadedFile(f"export.{fmt}", body), state="published")
    assert row_count(preview) == 2, messages_of(preview)
    confirm(client, preview)

    assert snapshot() == expected


def test_a_country_editor_exports_only_what_they_may_see(
    client, malaysia_editor, philippines_editor, acdn, malaysia, philippines
):
    day = datetime.date(2026, 3, 1)
    for editor, party in [(malaysia_editor, malaysia), (philippines_editor, philippines)]:
        record_status(
            instrument=acdn, party=party, status=Status.PLANNED, as_of=day,
            note=f"draft of {party.code}", by=editor, state=ReviewState.SUBMITTED,
        )  # fmt: skip
    client.force_login(malaysia_editor)
    _, table = export(client, "csv")
    notes = [cells[COLUMNS.index("note")] for cells in table[1:]]
    assert notes == ["draft of MYS"]


def test_the_status_list_links_the_export_of_what_it_shows(client, editor, malaysia, acdn):
    client.force_login(editor)
    response = client.get(reverse(LIST_URL), {"status__exact": "planned"})
    links = dict(response.context["export_links"])
    assert set(links) == {"CSV", "XLSX"}
    assert links["XLSX"] == f"{reverse(EXPORT_URL)}?format=xlsx&status__exact=planned"
    assert links["CSV"] in response.content.decode().replace("&amp;", "&")


def test_an_export_in_another_format_or_with_a_bad_filter_is_refused_plainly(client, editor):
    client.force_login(editor)
    response = client.get(reverse(EXPORT_URL), {"format": "pdf"}, follow=True)
    assert "Export as CSV or XLSX." in response.content.decode()
    response = client.get(reverse(EXPORT_URL), {"no_such_field": "1"})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
