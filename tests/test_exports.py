import csv
import datetime
import io
import re

import pytest
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import load_workbook
from pypdf import PdfReader

from declarations.reports.exports import pdf_bytes, static_files_fetcher
from declarations.tabular import csv_cell, csv_lines, escape_formula
from tests.factories import make_clause, make_declaration, make_instrument, make_status
from tests.samples import SAMPLE_DAY, SEED_SLUG, seed_with_sample_statuses

D = datetime.date


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("ADMM 2025", "ADMM 2025"),
        ("", ""),
        (-5, -5),
        (None, None),
        (D(2026, 1, 1), D(2026, 1, 1)),
    ],
)
def test_cells_that_would_run_as_formulas_are_escaped_and_nothing_else(value, escaped):
    assert escape_formula(value) == escaped


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (-5, -5),  # a number stays a number: the csv module writes it
        (D(2026, 1, 31), "2026-01-31"),
        (
            datetime.datetime(2026, 1, 31, 9, 30, 5, 123456, tzinfo=datetime.UTC),
            "2026-01-31T09:30:05+00:00",
        ),
        (["MYS", "SGP", None], "MYS; SGP; "),
        (["=1+1", "x"], "'=1+1; x"),
        ([{"code": "MYS"}], '[{"code":"MYS"}]'),
        ({"name": "Türkiye"}, '{"name":"Türkiye"}'),
        ("-1 day", "'-1 day"),
    ],
)
def test_every_csv_writes_a_value_by_one_rule(value, cell):
    assert csv_cell(value) == cell


def test_the_csv_writer_adds_a_byte_order_mark_only_when_asked():
    rows = [["name", "due"], ["=1+1", D(2026, 1, 31)], []]

    assert "".join(csv_lines(rows)) == "name,due\r\n'=1+1,2026-01-31\r\n\r\n"
    assert "".join(csv_lines(rows, bom=True)).startswith("\ufeffname,due\r\n")


def headers_on_screen(html):
    """The column labels of each report table on the page, in order."""
    tables = re.findall(r'<table class="report-table[^"]*">(.*?)</table>', html, re.S)
    return [re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", table) for table in tables]


def csv_text(response):
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8-sig")


def xlsx_book(response):
    assert isinstance(response, FileResponse)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def formula_world():
    """An instrument whose name a spreadsheet would run as a formula, overdue and assessed."""
    declaration = make_declaration(slug="admm-2025-test", title="Test Declaration")
    instrument = make_instrument(
        make_clause(declaration), slug="formula", name="=1+1", due_on=D(2026, 1, 31)
    )
    make_status(instrument, as_of=D(2026, 1, 10), note="@SUM(A1:A9)")
    return instrument


REPORTS = [
    "/reports/?as_of=2026-06-30",
    "/reports/declarations/admm-2025-test/?as_of=2026-06-30",
    "/reports/instruments/formula/?as_of=2026-06-30",
    "/reports/countries/?as_of=2026-06-30",
    "/reports/overdue/?as_of=2026-06-30",
    "/reports/stale/?as_of=2027-06-30",
    "/reports/changes/?from=2025-01-01&to=2026-06-30",
    "/reports/search/?q=1",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", REPORTS)
def test_the_csv_has_the_columns_and_rows_of_the_screen(client, manager, formula_world, url):
    client.force_login(manager)
    response = client.get(url)
    tables = response.context["tables"]

    rows = list(csv.reader(io.StringIO(csv_text(client.get(url + "&format=csv")))))

    # One block per table: its title, its header, its rows, then a blank line; the summary
    # (title, date, headline figures) comes first.
    titles = [rows[0][0]] + [rows[i + 1][0] for i, row in enumerate(rows[:-1]) if row == []]
    assert titles == ["Summary", *(table.title for table in tables)]
    if len(tables) == 1:
        block = rows[rows.index([]) + 2 :]
        assert block[0] == tables[0].header
        assert len(block) - 1 == len(list(tables[0].rows))
    # Every table on screen is an export table, or (the scorecard's per-clause instrument
    # tables) part of one.
    html = response.content.decode()
    on_screen = headers_on_screen(html)
    assert on_screen
    for header in on_screen:
        assert any(set(header) <= set(table.header) for table in tables), header
    clause_by_clause = (
        "Paragraph", "Printed no.", "Part", "Lead word", "Text", "Counted", "Instrument"
    )  # fmt: skip
    for table in tables:
        if tuple(table.header[:7]) != clause_by_clause:
            assert table.header in on_screen


@pytest.mark.django_db
def test_the_csv_and_xlsx_escape_a_cell_starting_with_a_formula(client, manager, formula_world):
    client.force_login(manager)
    url = "/reports/overdue/?as_of=2026-06-30"

    text = csv_text(client.get(url + "&format=csv"))
    book = xlsx_book(client.get(url + "&format=xlsx"))

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[rows.index(["Overdue"]) + 2][0] == "'=1+1"
    cell = book["Overdue"]["A2"]
    assert (cell.value, cell.data_type) == ("'=1+1", "s")
    updates = xlsx_book(client.get("/reports/?as_of=2026-06-30&format=xlsx"))
    notes = [row[-1] for row in updates["Latest published updates"].iter_rows(values_only=True)]
    assert notes == ["Note", "'@SUM(A1:A9)"]


@pytest.mark.django_db
def test_the_xlsx_opens_with_openpyxl_with_a_sheet_per_table(client, manager):
    seed_with_sample_statuses()
    client.force_login(manager)
    url = f"/reports/?as_of={SAMPLE_DAY}"
    tables = client.get(url).context["tables"]

    book = xlsx_book(client.get(url + "&format=xlsx"))

    assert book.sheetnames == ["Summary", *(table.title[:31] for table in tables)]
    for table in tables:
        sheet = book[table.title[:31]]
        assert [cell.value for cell in sheet[1]] == table.header
        assert sheet.max_row == 1 + len(list(table.rows))
    updates = book["Latest published updates"]
    assert isinstance(updates["A2"].value, datetime.datetime)  # dates stay dates
    assert updates["A2"].value.date() == D(2026, 11, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_downloads_open_with_the_title_date_and_headline_figures_of_the_page(client, manager, fmt):
    seed_with_sample_statuses()
    client.force_login(manager)
    url = f"/reports/?as_of={SAMPLE_DAY}"
    page = client.get(url).context

    response = client.get(f"{url}&format={fmt}")

    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(csv_text(response))))
        summary = dict(rows[2 : rows.index([])])
        expected = {
            "Report": "Dashboard",
            "As of": SAMPLE_DAY.isoformat(),
            "Tracked instruments": str(page["overall"].total),
            "Per cent complete": str(page["overall"].percent),
            "Overdue": str(page["overdue_count"]),
            "Stale": str(page["stale_count"]),
        }
    else:
        rows = list(xlsx_book(response)["Summary"].iter_rows(values_only=True))
        summary = dict(rows[1:])
        expected = {
            "Report": "Dashboard",
            "Tracked instruments": page["overall"].total,
            "Per cent complete": page["overall"].percent,
            "Overdue": page["overdue_count"],
            "Stale": page["stale_count"],
        }
        assert summary["As of"].date() == SAMPLE_DAY
    assert {key: summary[key] for key in expected} == expected


@pytest.mark.django_db
def test_the_scorecard_pdf_is_a_pdf_with_the_declarations_title(client, manager):
    declaration = seed_with_sample_statuses()
    client.force_login(manager)

    response = client.get(f"/reports/declarations/{SEED_SLUG}/?as_of={SAMPLE_DAY}&format=pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert declaration.title in text
    assert "ADOPT the ASEAN Cyber Defence Network (ACDN) Guidelines" in text
    assert "Sign out" not in text  # navigation does not print


@pytest.mark.django_db
@pytest.mark.parametrize("url", REPORTS)
def test_every_report_downloads_as_pdf(client, manager, formula_world, url):
    client.force_login(manager)
    response = client.get(url + "&format=pdf")
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment; filename=")


def test_the_pdf_fetcher_serves_the_apps_static_files_only():
    fetcher = static_files_fetcher(base_url="http://testserver/")

    css = fetcher.fetch("http://testserver/static/declarations/reports.css")

    assert b".badge-completed" in css.read()
    assert css.content_type == "text/css"
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "data:text/css,body{}",
        "http://testserver/admin/",
        "http://testserver/static/../tracker/settings.py",
        "http://testserver/static/%2e%2e/tracker/settings.py",
        "http://testserver/static//etc/passwd",
        "http://testserver.evil.example/static/declarations/reports.css",
        "http://testserver/static/declarations/missing.css",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 9


def test_a_pdf_of_hostile_html_fetches_nothing_from_outside():
    html = """<html><head>
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="stylesheet" href="/static/declarations/reports.css">
    </head><body><h1>Report</h1>
      <img src="http://169.254.169.254/latest/meta-data/">
      <img src="https://example.org/tracker.png">
    </body></html>"""
    fetcher = static_files_fetcher(base_url="http://testserver/")

    pdf = pdf_bytes(html, base_url="http://testserver/", url_fetcher=fetcher)

    assert pdf.startswith(b"%PDF")
    assert sorted(fetcher.refused) == [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/tracker.png",
    ]


@pytest.mark.django_db
def test_report_text_cannot_add_markup_to_the_pdf(client, manager):
    declaration = make_declaration(slug="admm-2025-test")
    make_instrument(
        make_clause(declaration), name='<img src="http://169.254.169.254/">', slug="hostile"
    )
    client.force_login(manager)

    response = client.get("/reports/declarations/admm-2025-test/")

    assert b"&lt;img src=&quot;http://169.254.169.254/&quot;&gt;" in response.content
    assert b'<img src="http://169.254.169.254/">' not in response.content
