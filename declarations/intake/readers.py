"""Files staff have -> a declaration's text: PDF (as ASEAN and the UN publish), Word
(.docx), a saved web page (.html) or plain UTF-8 text.

`read_declaration_file(data, name=...)` tells the kind by content (a file's first bytes),
the name's extension only telling an HTML page from a text; a name that promises another
kind than the content is refused, as are a scanned PDF without a text layer, a PDF that
is encrypted or damaged, a zip that is no Word document, and a file over its limit. Each
refusal is an `ImportRejected` whose message names the problem; the text then goes
through the same parser, limits and preview as pasted text.

Limits: TRACKER_IMPORT_MAX_BYTES for a text file (it is the text), and the larger
TRACKER_IMPORT_MAX_FILE_BYTES for a PDF, Word document or web page, whose text is then
held to TRACKER_IMPORT_MAX_BYTES like any other.
"""

import io
import zipfile

from django.conf import settings

from .html_text import declared_charset, html_to_text, looks_like_html
from .limits import ImportRejected, decode_text, size_limit_text
from .page_text import page_text

PDF, DOCX, HTML, TEXT = "PDF", "Word document", "web page", "text file"
EXTENSIONS = {".pdf": PDF, ".docx": DOCX, ".html": HTML, ".htm": HTML, ".txt": TEXT}
ACCEPTED = "a PDF, a Word document (.docx), a saved web page (.html) or a UTF-8 text file (.txt)"
MAX_PAGES = 500  # far more than a declaration has; a longer PDF is some other document
# What a Word document may unpack to, at most, as a multiple of its limit: a zip whose
# parts unpack to far more is a zip bomb, not a declaration.
MAX_UNPACKED_RATIO = 20
MIN_LETTERS_PER_PAGE = 20  # a page with fewer has no text layer worth the name


def read_limit():
    """How many bytes a caller reads of an upload: one more than the largest file accepted,
    so that a larger one is reported as over the limit."""
    return max(settings.TRACKER_IMPORT_MAX_FILE_BYTES, settings.TRACKER_IMPORT_MAX_BYTES) + 1


def file_kind(data, name=""):
    """PDF, DOCX, HTML or TEXT, by content; refuses kinds the importer cannot read."""
    extension = _extension(name)
    named = EXTENSIONS.get(extension)
    head = data[:1024]
    if b"%PDF-" in head:
        kind = PDF
    elif data.startswith(b"PK\x03\x04"):
        kind = DOCX  # or another zip: `read_docx` tells
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRejected(
            "This is an older Word (.doc) file, which the importer cannot read. Save it as "
            ".docx or PDF in Word and upload that."
        )
    elif extension in (".html", ".htm") or looks_like_html(
        head.decode("utf-8", "replace").lstrip("\ufeff")
    ):
        kind = HTML
    else:
        kind = TEXT
    if named is not None and named != kind and {named, kind} != {HTML, TEXT}:
        raise ImportRejected(
            f"The file is named {name!r} but its content is not a {named}"
            f"{f' (it looks like a {kind})' if kind != TEXT else ''}. Upload {ACCEPTED}."
        )
    return kind


def read_declaration_file(data, *, name=""):
    """The text of an uploaded or named file (see the module's rules)."""
    kind = file_kind(data, name)
    if kind == TEXT:
        return decode_text(data)
    limit = settings.TRACKER_IMPORT_MAX_FILE_BYTES
    if len(data) > limit:
        raise ImportRejected(
            f"The file is over {size_limit_text(limit)}, the limit for a {kind}. "
            "Is this really a declaration?"
        )
    return {PDF: read_pdf, DOCX: read_docx, HTML: read_html}[kind](data)


def _extension(name):
    base = (name or "").rsplit("/", 1)[-1].lower()
    return "." + base.rsplit(".", 1)[-1] if "." in base else ""


# PDF ---------------------------------------------------------------------------------------


def read_pdf(data):
    """A PDF's text layer, page by page, without its page furniture (`page_text`)."""
    import pypdf
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError
        count = len(reader.pages)
        if count > MAX_PAGES:
            raise ImportRejected(
                f"This PDF has {count:,} pages; the importer reads at most {MAX_PAGES}. "
                "Is this really one declaration?"
            )
        pages = [(page.extract_text() or "").splitlines() for page in reader.pages]
    except FileNotDecryptedError:
        raise ImportRejected(
            "This PDF is protected by a password, so its text cannot be read. Upload a copy "
            "without the password, or paste its text."
        ) from None
    except ImportRejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            OSError, RecursionError, NotImplementedError):  # fmt: skip
        # pypdf reports a damaged file by whatever broke while reading it.
        raise ImportRejected(
            "This PDF cannot be read: the file is damaged or incomplete. Download it again "
            "from its source, or paste its text."
        ) from None
    letters = sum(char.isalpha() for lines in pages for line in lines for char in line)
    if count == 0 or letters < MIN_LETTERS_PER_PAGE * count:
        raise ImportRejected(
            "This PDF has no text layer (a scan?): "
            f"{'its page has' if count == 1 else f'none of its {count} pages has'} text the "
            "importer can read, only images. Find the text on the publisher's web page and "
            "paste it, or run the PDF through text recognition (OCR) first."
        )
    return page_text(pages)


# Word --------------------------------------------------------------------------------------


def read_docx(data):
    """A Word document's body in order: paragraphs, list items and tables' rows."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRejected(
            "This Word document cannot be read: the file is damaged or incomplete."
        ) from None
    if "word/document.xml" not in names:
        raise ImportRejected(
            f"This file is a zip archive but not a Word document (.docx). Upload {ACCEPTED}."
        )
    if unpacked > MAX_UNPACKED_RATIO * settings.TRACKER_IMPORT_MAX_FILE_BYTES:
        raise ImportRejected(
            f"This Word document unpacks to {unpacked:,} bytes, far more than a declaration's "
            "text. Is this really a declaration?"
        )
    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(_docx_lines(document))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, AttributeError,
            SyntaxError):  # fmt: skip
        # lxml's XMLSyntaxError is a SyntaxError.
        raise ImportRejected(
            "This Word document cannot be read: the file is damaged or incomplete."
        ) from None


def _docx_lines(document):
    numbering = _ListNumbers(document)
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            yield from _table_lines(block)
        elif text := block.text.strip():
            yield numbering.marker(block) + text


def _table_lines(table):
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is listed once per column it spans
                continue
            seen.add(id(cell._tc))
            text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
            if text:
                cells.append(text)
        if cells:
            yield " ".join(cells)


class _ListNumbers:
    """The numbers and bullets Word draws before list paragraphs, which are not in their
    text: "7. " for a decimal list, "(a) " for a lettered one, "- " for bullets."""

    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

    def __init__(self, document):
        self.formats = {}  # (numId, ilvl) -> (numFmt, start)
        self.counters = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {a.get(self.W + "abstractNumId"): a for a in root.iter(self.W + "abstractNum")}
        for num in root.iter(self.W + "num"):
            ref = num.find(self.W + "abstractNumId")
            levels = abstract.get(ref.get(self.W + "val")) if ref is not None else None
            for level in levels.iter(self.W + "lvl") if levels is not None else ():
                fmt = level.find(self.W + "numFmt")
                start = level.find(self.W + "start")
                self.formats[(num.get(self.W + "numId"), level.get(self.W + "ilvl"))] = (
                    fmt.get(self.W + "val") if fmt is not None else "bullet",
                    int(start.get(self.W + "val")) if start is not None else 1,
                )

    def _num_pr(self, paragraph):
        for source in (paragraph._p.pPr, getattr(paragraph.style, "element", None)):
            ppr = source if source is None or source.tag.endswith("pPr") else source.pPr
            num_pr = ppr.find(self.W + "numPr") if ppr is not None else None
            if num_pr is not None:
                num_id, ilvl = num_pr.find(self.W + "numId"), num_pr.find(self.W + "ilvl")
                return (
                    num_id.get(self.W + "val") if num_id is not None else None,
                    ilvl.get(self.W + "val") if ilvl is not None else "0",
                )
        return None

    def marker(self, paragraph):
        num_pr = self._num_pr(paragraph)
        if num_pr is None or num_pr[0] in (None, "0"):
            return ""
        fmt, start = self.formats.get(num_pr, ("bullet", 1))
        count = self.counters.get(num_pr, start - 1) + 1
        self.counters[num_pr] = count
        for key in [k for k in self.counters if k[0] == num_pr[0] and k[1] > num_pr[1]]:
            del self.counters[key]  # a new item restarts the levels below it
        if fmt == "decimal":
            return f"{count}. "
        if fmt == "lowerLetter" and count <= 26:
            return f"({chr(ord('a') + count - 1)}) "
        if fmt == "lowerRoman":
            return f"({_roman(count)}) "
        return "- "


def _roman(number):
    out = ""
    for value, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out, number = out + letters, number - value
    return out


# Web page ----------------------------------------------------------------------------------


def read_html(data):
    """A saved web page's text, decoded by the charset it declares (UTF-8 otherwise)."""
    charset = declared_charset(data) or "utf-8"
    try:
        markup = data.decode(charset if charset != "utf-8" else "utf-8-sig")
    except LookupError:
        raise ImportRejected(
            f"The page declares the character set {charset!r}, which is unknown. Save it "
            "again as UTF-8."
        ) from None
    except UnicodeDecodeError as error:
        raise ImportRejected(
            f"The page is not {charset} text as it says (undecodable byte "
            f"0x{data[error.start]:02x} at position {error.start:,}). Save it again as UTF-8."
        ) from None
    if "\x00" in markup:
        raise ImportRejected("The file is binary, not a web page: it has a NUL byte.")
    return html_to_text(markup)
