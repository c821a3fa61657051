"""Real files built from a declaration's text, as publishers make them: a paged PDF with a
running header, a page-number footer and words hyphenated at line ends (WeasyPrint, with
automatic hyphenation), a Word document (python-docx) and a saved web page."""

import html
import io
import re

import docx

RUNNING_HEADER = "ADMM Joint Declaration - Kuala Lumpur 2025"


def paragraphs(text):
    return [line for line in text.splitlines() if line.strip()]


def pdf_from_text(text, *, header=RUNNING_HEADER, size="A5"):
    """A PDF of `text`, one paragraph per line, justified and hyphenated on a small page so
    that paragraphs run over page breaks; each page carries `header` at the top and
    "Page N of M" at the bottom."""
    from weasyprint import HTML

    body = "".join(f"<p>{html.escape(line)}</p>" for line in paragraphs(text))
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
      @page {{ size: {size}; margin: 2cm 1.6cm;
        @top-center {{ content: "{header}"; font-size: 8pt }}
        @bottom-center {{ content: "Page " counter(page) " of " counter(pages); font-size: 8pt }}
      }}
      body {{ font-family: serif; font-size: 10pt }}
      p {{ margin: 0 0 5pt; text-align: justify; hyphens: auto }}
    </style></head><body>{body}</body></html>"""
    return HTML(string=page).write_pdf()


def pdf_without_text(pages=2):
    """A PDF whose pages hold only pictures, as a scanner writes them."""
    from weasyprint import HTML

    boxes = "".join(
        f'<div style="height: 12cm; background: #555;{" break-before: page;" if n else ""}"></div>'
        for n in range(pages)
    )
    return HTML(string=f"<!doctype html><html><body>{boxes}</body></html>").write_pdf()


def encrypted(pdf, password="secret"):
    import pypdf

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdf))
    writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_from_text(text):
    """A Word document of `text`: "- " lines as a bulleted list, "7. ..." lines as a
    numbered list (Word draws the numbers; they are not in the paragraphs' text), the other
    lines as paragraphs."""
    document = docx.Document()
    for line in paragraphs(text):
        numbered = re.match(r"\d{1,3}\.\s+", line)
        if line.startswith("- "):
            document.add_paragraph(line[2:], style="List Bullet")
        elif numbered:
            document.add_paragraph(line[numbered.end() :], style="List Number")
        else:
            document.add_paragraph(line)
    return save(document)


def save(document):
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def html_page(text):
    """A saved web page with `text` in its article, inside the furniture of a site: a script,
    a style sheet, a header with a menu, and a footer."""
    items, body = [], []
    for line in paragraphs(text):
        if line.startswith("- "):
            items.append(f"<li><a href='#'>{html.escape(line[2:])}</a></li>")
        else:
            # Character references, as a content system writes them.
            escaped = html.escape(line).replace("’", "&rsquo;").replace("“", "&#8220;")
            body.append(f"<p>{escaped}</p>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ASEAN</title>
<style>p {{ color: #333 }}</style><script>var menu = "Home | About";</script></head>
<body>
<header><div class="logo">ASEAN Main Portal</div><nav><ul><li>About ASEAN</li><li>Our
Communities</li></ul></nav></header>
<main><ul class="breadcrumbs">{"".join(items)}</ul>
<article>{"".join(body)}</article></main>
<footer><p>Copyright &copy; ASEAN Secretariat</p></footer>
<script>console.log("analytics");</script>
</body></html>""".encode()
