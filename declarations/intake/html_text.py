"""A saved web page -> its text as lines, with the standard library's html.parser.

What a page shows around its text is dropped (scripts, styles, navigation, the page's
header and footer, forms); each block element (paragraph, heading, table row, ...) becomes
a line of its own, a list item a "- " line, and character references are decoded. What is
left of menus and share links is the parser's business, as in a pasted page.
"""

import re
from html.parser import HTMLParser

# Elements whose whole content is not the page's text.
SKIPPED = {
    "script", "style", "nav", "header", "footer", "noscript", "template", "svg", "head",
    "form", "button", "select", "iframe", "object", "canvas", "dialog",
}  # fmt: skip
# Elements that end the line before them and after them.
BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "html", "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "tfoot", "thead", "tr", "ul",
}  # fmt: skip
# Void elements never get an end tag, so they never open a skipped region.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
_SPACES_RE = re.compile(r"\s+")


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = []
        self.current = []
        self.skipping = []  # the open skipped elements, innermost last

    def _end_line(self):
        text = _SPACES_RE.sub(" ", "".join(self.current)).strip()
        if text and text != "-":
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.skipping = []  # a <head> left open ends where the body starts
        if self.skipping:
            if tag == self.skipping[-1] or (tag in SKIPPED and tag not in VOID):
                self.skipping.append(tag)
            return
        if tag in SKIPPED:
            self.skipping.append(tag)
        elif tag == "br":
            self._end_line()
        elif tag in BLOCKS:
            self._end_line()
            if tag == "li":
                self.current.append("- ")
        elif tag in ("td", "th"):
            self.current.append(" ")

    def handle_startendtag(self, tag, attrs):
        if not self.skipping and (tag == "br" or tag in BLOCKS):
            self._end_line()

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in BLOCKS:
            self._end_line()
        elif tag in ("td", "th"):
            self.current.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.current.append(data)

    def close(self):
        super().close()
        self._end_line()


def html_to_text(markup):
    """The text of an HTML page: one line per block, "- " before each list item."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    return "\n".join(collector.lines)


_HTML_START_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])",
    re.I | re.S,
)


def looks_like_html(text):
    """Whether a text is an HTML page rather than a text with a stray tag in it."""
    return bool(_HTML_START_RE.match(text[:4096]))


_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_:.-]+)""", re.I)


def declared_charset(data):
    """The character set a page's <meta> declares, if any ("utf-8", "windows-1252")."""
    match = _CHARSET_RE.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None
