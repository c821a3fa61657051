"""Declarations as staff have them: PDF, Word and saved web pages, read into the same text
the parser reads from a .txt, and refused with a message when they cannot be read."""

import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from declarations.demo import SEED as SEED_PATH
from declarations.intake import parsing
from declarations.intake.html_text import html_to_text
from declarations.intake.importing import ImportRejected
from declarations.intake.page_text import join_hyphenated, page_text
from declarations.intake.readers import read_declaration_file
from declarations.models import Clause, Declaration
from tests import documents

SEED = SEED_PATH.read_text(encoding="utf-8")
NUMBERED = (
    Path(__file__).resolve().parent
    / "fixtures"
    / "declarations"
    / "singapore-2023-admm-numbered.txt"
).read_text(encoding="utf-8")


def clauses(text):
    return [
        (c.anchor, c.printed_number, c.lead_verb, c.trackable, c.text)
        for c in parsing.parse_declaration(text).clauses
    ]


@pytest.fixture(scope="module")
def seed_pdf():
    return documents.pdf_from_text(SEED)


class TestPageText:
    def test_running_headers_footers_and_page_numbers_go(self):
        pages = [
            ["Joint Declaration on Peace", "RECOGNISING the need for peace;", "1"],
            ["Joint Declaration on Peace", "NOTING the progress;", "- 2 -"],
            ["Joint Declaration on Peace", "HEREBY DECLARE TO:", "Page 3 of 4"],
            ["ADOPT the Plan;", "Joint Declaration on Peace", "4/4"],
        ]
        assert page_text(pages).splitlines() == [
            "Joint Declaration on Peace",  # the first page's top: the title stands there
            "RECOGNISING the need for peace;",
            "NOTING the progress;",
            "HEREBY DECLARE TO:",
            "ADOPT the Plan;",
        ]

    def test_a_line_repeated_on_a_minority_of_pages_stays(self):
        pages = [["Intro;", "ANNEX"], ["More;", "text"], ["Still more;", "ANNEX"], ["End.", "x"]]
        assert "ANNEX" in page_text(pages).splitlines()[1:]

    def test_a_paragraph_over_a_page_break_is_one_run_of_lines(self):
        pages = [
            ["Header text here", "ENHANCE practical coopera-"],
            ["Header text here", "tion among us;"],
        ]
        assert page_text(pages).splitlines()[-1] == "ENHANCE practical cooperation among us;"

    @pytest.mark.parametrize(
        ("lines", "joined"),
        [
            (["to foster coopera-", "tion in"], "to foster cooperation in"),
            (["to foster coopera\u2010", "tion in"], "to foster cooperation in"),
            (["the ADMM-", "Plus countries"], "the ADMM-Plus countries"),
            (
                ["non-traditional and non-", "traditional threats"],
                "non-traditional and non-traditional threats",
            ),
            (["WELCOMING it; and WEL\u2010", "COMING them"], "WELCOMING it; and WELCOMING them"),
            (["Universities/", "Colleges of"], "Universities/Colleges of"),
            (["Mechanism (ES\u2010", "MAWP)"], "Mechanism (ESMAWP)"),
        ],
        ids=[
            "lower-case",
            "typeset-hyphen",
            "capital",
            "spelt-with-hyphen",
            "spelt-without",
            "slash",
            "typeset-in-capitals",
        ],  # fmt: skip
    )
    def test_end_of_line_hyphenation_is_undone_by_the_rule(self, lines, joined):
        assert join_hyphenated(lines) == [joined]

    def test_a_dash_or_a_number_before_a_line_break_is_no_hyphenation(self):
        lines = ["the years 2024-", "2027 and -", "beyond"]
        assert join_hyphenated(lines) == lines


class TestHtmlText:
    def test_page_furniture_goes_blocks_are_lines_and_items_are_dashes(self):
        markup = (
            "<html><head><title>T</title><style>p{}</style></head><body>"
            "<header>Site name</header><nav><a>Home</a></nav><script>var x = 1;</script>"
            "<h1>Joint Statement</h1><ul><li>First <b>item</b></li><li>Second</li></ul>"
            "<p>RECOGNISING&nbsp;the Members&rsquo; efforts &amp; plans;<br>NOTING it;</p>"
            "<table><tr><td>1.</td><td>ADOPT the Plan;</td></tr></table>"
            "<footer>Copyright</footer></body></html>"
        )
        assert html_to_text(markup).splitlines() == [
            "Joint Statement",
            "- First item",
            "- Second",
            "RECOGNISING the Members’ efforts & plans;",
            "NOTING it;",
            "1. ADOPT the Plan;",
        ]


class TestSameClausesAsTheText:
    def test_the_seed_from_a_pdf(self, seed_pdf):
        text = read_declaration_file(seed_pdf, name="kl-2025.pdf")
        assert documents.RUNNING_HEADER not in text and "Page 2 of" not in text
        assert clauses(text) == clauses(SEED)

    def test_the_pdf_really_has_pages_furniture_and_hyphenation(self, seed_pdf):
        import pypdf

        reader = pypdf.PdfReader(io.BytesIO(seed_pdf))
        raw = [page.extract_text() for page in reader.pages]
        assert len(raw) >= 5
        assert all(documents.RUNNING_HEADER in page for page in raw)
        assert all(f"Page {n} of {len(raw)}" in page for n, page in enumerate(raw, 1))
        assert any("\u2010\n" in page for page in raw)  # words hyphenated at line ends
        # A paragraph runs over a page break: a page ends without ending a paragraph.
        ends = [page.replace(documents.RUNNING_HEADER, "").split("\n")[-3] for page in raw[:-1]]
        assert any(not end.rstrip().endswith((";", ".", ":")) for end in ends)

    def test_the_seed_from_a_word_document(self):
        text = read_declaration_file(documents.docx_from_text(SEED), name="kl-2025.docx")
        assert clauses(text) == clauses(SEED)

    def test_numbers_word_draws_are_the_printed_numbers(self):
        text = read_declaration_file(documents.docx_from_text(NUMBERED), name="sg.docx")
        assert clauses(text) == clauses(NUMBERED)
        assert [c.printed_number for c in parsing.parse_declaration(text).operative] == [
            str(n) for n in range(1, 8)
        ]

    def test_a_word_documents_tables_are_read_in_order(self):
        import docx

        document = docx.Document()
        document.add_paragraph("Before the table")
        table = document.add_table(rows=2, cols=2)
        for row, (number, text) in enumerate([("1.", "ADOPT the Plan;"), ("2.", "NOTE it.")]):
            table.cell(row, 0).text, table.cell(row, 1).text = number, text
        document.add_paragraph("After the table")
        text = read_declaration_file(documents.save(document), name="t.docx")
        assert text.splitlines() == [
            "Before the table",
            "1. ADOPT the Plan;",
            "2. NOTE it.",
            "After the table",
        ]

    def test_the_seed_from_a_saved_web_page(self):
        text = read_declaration_file(documents.html_page(SEED), name="kl-2025.html")
        assert "ASEAN Main Portal" not in text and "analytics" not in text
        assert clauses(text) == clauses(SEED)

    def test_a_web_page_is_known_by_content_without_its_extension(self):
        text = read_declaration_file(documents.html_page(SEED), name="download")
        assert clauses(text) == clauses(SEED)


def zipped(**members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


class TestRefusals:
    def test_a_scanned_pdf_is_refused_saying_it_has_no_text_layer(self):
        with pytest.raises(ImportRejected, match=r"This PDF has no text layer \(a scan\?\)"):
            read_declaration_file(documents.pdf_without_text(), name="scan.pdf")

    def test_a_password_protected_pdf(self, seed_pdf):
        with pytest.raises(ImportRejected, match="protected by a password"):
            read_declaration_file(documents.encrypted(seed_pdf), name="kl.pdf")

    @pytest.mark.parametrize("cut", [400, 0.5], ids=["header-only", "half"])
    def test_a_truncated_pdf(self, seed_pdf, cut):
        data = seed_pdf[: cut if isinstance(cut, int) else int(len(seed_pdf) * cut)]
        with pytest.raises(ImportRejected, match="This PDF cannot be read: the file is damaged"):
            read_declaration_file(data, name="kl.pdf")

    def test_a_zip_that_is_no_word_document(self):
        with pytest.raises(ImportRejected, match="zip archive but not a Word document"):
            read_declaration_file(zipped(**{"notes.txt": "hello"}), name="notes.zip")

    def test_a_damaged_word_document(self):
        data = zipped(**{"word/document.xml": "<w:document", "[Content_Types].xml": "<x/>"})
        with pytest.raises(ImportRejected, match="Word document cannot be read"):
            read_declaration_file(data, name="kl.docx")

    def test_an_older_word_file(self):
        with pytest.raises(ImportRejected, match=r"older Word \(.doc\) file"):
            read_declaration_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, name="a.doc")

    @pytest.mark.parametrize(
        ("name", "data", "message"),
        [
            ("kl.pdf", SEED.encode(), "named 'kl.pdf' but its content is not a PDF"),
            ("kl.docx", b"%PDF-1.7\n...", "not a Word document \\(it looks like a PDF\\)"),
        ],
        ids=["text-named-pdf", "pdf-named-docx"],
    )
    def test_a_name_promising_another_kind(self, name, data, message):
        with pytest.raises(ImportRejected, match=message):
            read_declaration_file(data, name=name)

    def test_an_oversized_pdf(self, seed_pdf, settings):
        settings.TRACKER_IMPORT_MAX_FILE_BYTES = 10_000
        with pytest.raises(ImportRejected, match="over 10,000 bytes, the limit for a PDF"):
            read_declaration_file(seed_pdf, name="kl.pdf")


pytestmark = pytest.mark.django_db
ADMIN_IMPORT = "admin:declarations_declaration_import"


class TestAdminUpload:
    def upload(self, client, name, data, **fields):
        return client.post(
            reverse(ADMIN_IMPORT), {"file": SimpleUploadedFile(name, data), **fields}
        )

    def test_a_pdf_is_previewed_then_imported_with_the_texts_clauses(
        self, client, editor, seed_pdf
    ):
        client.force_login(editor)
        preview = self.upload(client, "kl-2025.pdf", seed_pdf)
        assert preview.status_code == 200
        assert "13 preambular, 25 operative" in preview.text
        assert Declaration.objects.count() == 0
        # The confirmation carries the text read from the file, as the page holds it.
        text = html.unescape(re.search(r'name="text" value="([^"]*)"', preview.text).group(1))
        assert text == preview.context["form"].cleaned_data["text"]
        confirmed = client.post(
            reverse(ADMIN_IMPORT), {"text": text, "confirm": "1", "state": "new"}
        )
        assert confirmed.status_code == 302
        stored = [
            (c.anchor, c.printed_number, c.lead_verb, c.trackable, c.text)
            for c in Clause.objects.filter(declaration__slug="admm-2025-kuala-lumpur")
        ]
        assert stored == clauses(SEED)

    @pytest.mark.parametrize(
        ("name", "make"),
        [("kl-2025.docx", documents.docx_from_text), ("kl-2025.html", documents.html_page)],
        ids=["docx", "html"],
    )
    def test_word_and_web_page_uploads_preview_the_same_declaration(
        self, client, editor, name, make
    ):
        client.force_login(editor)
        response = self.upload(client, name, make(SEED))
        assert "13 preambular, 25 operative" in response.text

    @pytest.mark.parametrize(
        ("name", "data", "message"),
        [
            ("scan.pdf", "scan", "This PDF has no text layer (a scan?)"),
            ("kl.pdf", "encrypted", "This PDF is protected by a password"),
            ("kl.pdf", b"%PDF-1.4\nnot really", "This PDF cannot be read"),
            ("kl.docx", zipped(**{"a.txt": "x"}), "zip archive but not a Word document"),
        ],
        ids=["scan", "encrypted", "corrupt", "zip"],
    )
    def test_unreadable_files_are_a_message_and_nothing_is_written(
        self, client, editor, seed_pdf, name, data, message
    ):
        data = {
            "scan": documents.pdf_without_text,
            "encrypted": lambda: documents.encrypted(seed_pdf),
        }.get(data, lambda: data)()
        client.force_login(editor)
        for fields in ({}, {"confirm": "1"}):
            response = self.upload(client, name, data, **fields)
            assert response.status_code == 200
            assert message in response.text
            assert "Nothing was imported." in response.text
        assert Declaration.objects.count() == 0


class TestCommand:
    def run(self, *args):
        out = io.StringIO()
        call_command("import_declaration", *args, stdout=out)
        return out.getvalue()

    def test_it_imports_a_pdf_and_a_word_document_of_the_same_text_as_one(self, tmp_path, seed_pdf):
        pdf, word = tmp_path / "kl-2025.pdf", tmp_path / "kl-2025.docx"
        pdf.write_bytes(seed_pdf)
        word.write_bytes(documents.docx_from_text(SEED))
        assert "Imported admm-2025-kuala-lumpur." in self.run(str(pdf))
        # The Word document's text differs from the PDF's only by its line breaks.
        assert "Nothing changed." in self.run(str(word))
        stored = [
            (c.anchor, c.printed_number, c.lead_verb, c.trackable, c.text)
            for c in Clause.objects.filter(declaration__slug="admm-2025-kuala-lumpur")
        ]
        assert stored == clauses(SEED)

    def test_a_web_page_is_read_by_content(self, tmp_path):
        page = tmp_path / "saved"
        page.write_bytes(documents.html_page(SEED))
        assert "13 preambular, 25 operative" in self.run(str(page), "--dry-run")

    def test_a_scanned_pdf_is_a_clear_error(self, tmp_path):
        scan = tmp_path / "scan.pdf"
        scan.write_bytes(documents.pdf_without_text())
        with pytest.raises(CommandError, match=r"This PDF has no text layer \(a scan\?\)"):
            self.run(str(scan))
        assert Declaration.objects.count() == 0
