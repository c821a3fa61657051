"""The text as lines and blocks: paragraph starts, headings, the separator before the
operative part."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from .cleaning import (
    _FORMULA_RE,
    _HEAD_LINES,
    _MD_HEADING_RE,
    _PAGE_NUMBER_RE,
    _UN_FURNITURE_RE,
    _clean,
    _drop_front_matter,
    _furniture_key,
    _is_markup_only,
    _page_furniture,
    _running_title,
    _split_run_on_lines,
)
from .dates import (
    _DATE_LINE_RE,
    _MONTHS,
)
from .leads import (
    _close,
    _Lead,
    _match_lead,
)
from .statements import _opener_lead, _subject_lead

# What a declaration's title says it is.
_TITLE_KEYWORDS = re.compile(
    r"(?i)\b(?:declaration|statement|communiqu[eé]|resolution|vision|concord|accord|"
    r"agreement|charter|plan|consensus|protocol|decision)\b"
)

_NAV_WORDS = {
    "home", "news", "news and events", "latest releases", "latest news", "press releases",
    "media", "menu", "search", "skip to content", "skip to main content", "back", "english",
    "statements", "statements and communiques", "documents", "publications", "resources",
}  # fmt: skip
_JUNK_WORDS = {
    "more resources", "share this", "share", "print", "print this page", "back to top", "top",
    "related", "related articles", "related news", "download", "download pdf", "email",
    "facebook", "twitter", "x", "linkedin", "whatsapp", "telegram", "copy link", "tags",
    "source", "next", "previous", "read more", "view pdf",
}  # fmt: skip
_MARKER_RE = re.compile(
    r"""^(?:
        (?P<num>\d{1,3})(?P<numsep>[.)][ \t]*|[ \t]+)(?=[^\s\d.])
      | \((?P<paren>[a-z]{1,2}|[ivxlc]{1,5}|\d{1,3})\)[ \t]*
      | (?P<letter>[a-z])[.)][ \t]+
      | (?P<bullet>[-–—•●○◦▪■□‣*·➢►>»])[ \t]*
    )""",
    re.X,
)
_CLOSING_RE = re.compile(
    r"^(?:(?:ADOPTED|Adopted|DONE|Done|SIGNED|Signed|ISSUED|Issued)\s+"
    r"(?:in|at|on|this|by|the|IN|AT|ON|THIS)\b"
    r"|\d{1,3}(?:st|nd|rd|th)\s+plenary\s+meeting\b)"
)
# A web page's link to the whole document, after the text it gives.
_END_LINK_RE = re.compile(
    r"(?i)^(?:click\s+here\s+to\s+)?(?:download|read|view)\s+(?:the\s+)?(?:full\s+)?"
    r"(?:text|statement|declaration|document|communiqu[eé]|pdf)(?:\s+(?:here|in\s+full))?\W*$"
)
_SEPARATOR_VERBS = ("DECLARE", "DECLARES", "DECIDE", "DECIDES", "AGREE", "AGREES", "RESOLVE")
_SEPARATOR_FILLERS = {"WE", "DO", "HEREBY", "TO", "THE", "FOLLOWING", "AS", "FOLLOWS", "HAVE"}


def _is_separator(line: str) -> bool:
    words = re.findall(r"[A-Za-z]+", line.upper())
    if not words or len(words) > 8 or line.rstrip().endswith((";", ",")):
        return False
    hereby = any(_close(w, "HEREBY", 0.8) for w in words)
    colon = line.rstrip().endswith(":")
    if not (hereby or colon):
        return False
    verb = any(_close(w, v, 0.8) for w in words for v in _SEPARATOR_VERBS)
    if hereby and (verb or colon):
        return True
    if colon and verb:
        return all(
            w in _SEPARATOR_FILLERS or any(_close(w, v, 0.8) for v in _SEPARATOR_VERBS)
            for w in words
        )
    return False


def _end_kind(text: str) -> str:
    """How a paragraph so far ends: 'semi' (; or :), 'stop', 'comma' or 'open'."""
    text = text.rstrip()
    if re.search(r"[;:]\s*(?:and|or)?$", text):
        return "semi"
    if text.endswith((".", "!", "?")):
        return "stop"
    if text.endswith(","):
        return "comma"
    return "open"


_SMALL_WORDS = {"with", "from", "into", "upon", "over", "between", "among", "through",
                "towards", "toward", "against", "within", "under", "amid", "beyond"}  # fmt: skip
_FUNCTION_WORD_END_RE = re.compile(
    r"(?<![;:])\s(?:and|or|of|on|for|the|a|an|to|in|at|by|with|from|its|their|as well as)$"
)


def _title_like(text: str) -> bool:
    """Titles and headings: no final punctuation, every word but small ones capitalised."""
    if re.search(r"[.;:,]$", text.strip()):
        return False
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    return all(w[0].isupper() for w in words if len(w) > 3 and w not in _SMALL_WORDS)


def _word_count(text: str) -> int:
    return len(re.findall(r"\S+", text))


@dataclass
class _Line:
    text: str
    kind: str  # text, date, closing, separator, junk
    indented: bool
    blank_before: bool
    marker: str = ""  # num, letter, bullet or ""
    number: int | None = None
    content: str = ""
    lead: _Lead | None = None
    heading: bool = False  # marked as a heading by the text itself ("## Maritime Security")


@dataclass
class _Block:
    kind: str
    lines: list[_Line]

    @property
    def first(self) -> _Line:
        return self.lines[0]

    @property
    def lead(self) -> _Lead | None:
        return self.first.lead

    @property
    def marker(self) -> str:
        return self.first.marker

    @property
    def text(self) -> str:
        """The paragraph's text without its number or bullet."""
        return self._join(self.first.content)

    @property
    def full_text(self) -> str:
        """The paragraph's text with its number or bullet, e.g. "(a) review ..."."""
        return self._join(self.first.text)

    @property
    def tail(self) -> str:
        """The end of the paragraph so far: enough to tell how it ends, cheap to compute."""
        return " ".join(line.text for line in self.lines[-2:])

    def _join(self, first: str) -> str:
        out = ""
        for line in self.lines:
            part = first if line is self.first else line.text
            if not out:
                out = part
            elif out.endswith("-") and out[-2:-1].isalpha():
                out += part  # "ADMM-" + "Plus": a compound broken at its hyphen
            else:
                out += " " + part
        return out


def _classify(raw: str, blank_before: bool) -> _Line:
    text = _clean(raw)
    line = _Line(text=text, kind="text", indented=raw[:1] in " \t", blank_before=blank_before)
    line.content = text
    line.heading = bool(_MD_HEADING_RE.match(raw))
    if re.sub(r"[\s:|»>]+$", "", text).lower() in _JUNK_WORDS or text.startswith("["):
        line.kind = "junk"  # navigation, or an editorial note: "[matter omitted]", "[2] ..."
        return line
    if _DATE_LINE_RE.fullmatch(text):
        line.kind = "date"
        return line
    marker = _MARKER_RE.match(text)
    if marker:
        content = text[marker.end() :]
        if marker.group("num"):
            line.marker, line.number = "num", int(marker.group("num"))
            next_word = re.match(r"[A-Za-z]+", content)
            if next_word and next_word.group().lower() in _MONTHS:  # "15 November 2023"
                line.marker, line.number, content = "", None, text
        elif marker.group("paren") and marker.group("paren").isdigit():
            line.marker, line.number = "num", int(marker.group("paren"))
        elif marker.group("paren") or marker.group("letter"):
            line.marker = "letter"
        else:
            line.marker = "bullet"
        line.content = content
    if _END_LINK_RE.match(text):
        line.kind = "end"  # "Download the full statement here.": what follows is the site's
        return line
    if _CLOSING_RE.match(line.content) and line.marker != "num":  # "1. Adopted the ..." leads
        line.kind = "closing"
    elif _is_separator(line.content):
        line.kind = "separator"
    else:
        line.lead = _match_lead(line.content)
        if line.lead is None and line.marker == "num" and line.content[:1].islower():
            # "5. requests the Secretary-General ...": a numbered verb in lower case
            lead = _match_lead(line.content[:1].upper() + line.content[1:])
            if lead is not None:
                line.lead = replace(lead, word=line.content[: len(lead.word)])
    return line


def _read_lines(text: str) -> list[_Line]:
    """The text's lines, classified. Blank lines are remembered on the line after them;
    page numbers, running headers and footers and markup-only lines are dropped, and the
    line after them continues what came before (a page break is not a paragraph break)."""
    raw_lines = _split_run_on_lines(_drop_front_matter(text.splitlines()))
    furniture = _page_furniture(raw_lines)
    head = [_furniture_key(raw) for raw in raw_lines[:_HEAD_LINES]]
    lines: list[_Line] = []
    blank, page_break = True, False
    for index, raw in enumerate(raw_lines):
        cleaned = _clean(raw)
        if not cleaned:
            blank = True
            continue
        if (
            _PAGE_NUMBER_RE.match(cleaned)
            or _is_markup_only(cleaned)
            or _UN_FURNITURE_RE.match(cleaned)
            or (
                _match_lead(cleaned) is None
                and (
                    _furniture_key(cleaned) in furniture
                    or (index >= _HEAD_LINES and _running_title(cleaned, head))
                )
            )
        ):
            page_break = bool(lines)
            continue
        line = _classify(raw, blank and not page_break)
        if page_break and line.kind == "text" and line.lead is None and not line.marker:
            line.blank_before = False
        lines.append(line)
        blank = page_break = False
    return lines


def _starts_paragraph(line: _Line, block: _Block | None, last_number: int) -> bool:
    """Whether a text line opens a new paragraph rather than continuing `block`."""
    if block is None or block.kind != "text":
        return True
    prev_end = _end_kind(block.tail)
    dotted = line.marker == "num" and line.text[len(str(line.number))] in ".)"
    if dotted and line.number == last_number + 1:
        return True  # "4. in furtherance of ...": the next number, whatever its first word
    if line.content[:1].islower():
        return False  # a wrapped line, even across a blank line (page break)
    if len(block.lines) == 1 and _FORMULA_RE.fullmatch(block.first.text):
        return True  # "The General Assembly -" + "Having asked ...": the opening stands alone
    if not line.marker and _FUNCTION_WORD_END_RE.search(block.tail):
        return False  # "... on Partnering for" + "Change, Engaging the World"
    if not line.marker and re.search(r"[A-Za-z]-$", block.tail):
        return False  # "... in the relevant ADMM-" + "Plus EWGs": a word broken at its hyphen
    if line.blank_before:
        return True
    if line.marker == "num":
        if line.text[len(str(line.number))] in ".)":
            return True
        return line.number in (1, last_number + 1)
    if line.marker:
        return True
    if block.marker == "bullet" and block.lead is None and not line.indented:
        return True  # navigation bullets do not continue
    if re.match(r"(?:The|WE|We)[\s,]", line.content):
        return True
    lead = line.lead
    if lead is not None and len(block.lines) == 1 and _is_heading_text(block.first.text):
        return True  # the paragraph after a sub-heading
    if lead is not None and lead.style == "upper":
        return True
    if lead is not None:
        return prev_end in ("semi", "stop", "comma")
    if prev_end == "semi":
        return True
    if prev_end == "stop" and _opener_lead(line.content) is not None:
        return True  # "... in 2024." + "As maritime nations, we support ..."
    if prev_end == "stop" and _subject_lead(line.content) is not None:
        return True  # "... Harbour Pilots." + "Both leaders reaffirmed ..."
    return prev_end == "stop" and _is_heading_text(line.content)


def _blocks(lines: list[_Line]) -> list[_Block]:
    blocks: list[_Block] = []
    last_number = 0
    for line in lines:
        current = blocks[-1] if blocks else None
        if (
            line.kind == "text"
            and current is not None
            and current.kind == "closing"
            and not current.text.rstrip().endswith((".", ";"))
        ):
            current.lines.append(line)  # a closing line wrapped over two lines
            continue
        if line.kind != "text" or _starts_paragraph(line, current, last_number):
            blocks.append(_Block(kind=line.kind, lines=[line]))
            if line.marker == "num" and line.number is not None:
                last_number = line.number
        else:
            current.lines.append(line)
    return blocks


@functools.lru_cache(maxsize=4096)
def _is_heading_text(text: str, before_paragraph: bool = False) -> bool:
    """A sub-heading ("Maritime Security", "On Cyber Security", "2025 Priorities"), not a
    paragraph: a line without final punctuation and without a lead verb, of at most eight
    words, or twenty when a paragraph with a lead word or a number follows it."""
    text = re.sub(r"^(?:[A-Z]|[IVX]{1,4}|\d{1,2})[.)]\s+", "", text.strip())
    words = _word_count(text)
    longest = (20, 160) if before_paragraph else (8, 80)
    if not (text[:1].isupper() or text[:1].isdigit()) or words > longest[0]:
        return False
    if len(text) > longest[1]:
        return False
    if text.endswith(":") and words <= 5:
        text = text[:-1]
    if not re.search(r"[A-Za-z0-9]$", text) or _FUNCTION_WORD_END_RE.search(text):
        return False  # punctuated, or the first line of a wrapped paragraph
    title_like = _title_like(text)
    lead = _match_lead(text)
    # A long line counts only when nothing in it ends a clause: "...; and" is a paragraph.
    long_heading = before_paragraph and not re.search(r"[;,]|\s(?:and|or)$", text)
    if lead is None:
        return title_like or words <= 4 or long_heading
    if long_heading and not lead.finite and lead.style == "title":
        return True  # "Strengthening practical cooperation in the region"
    # "Enhancing Maritime Cooperation" or "STRENGTHENING DEFENCE COOPERATION" - a participle
    # heading; "COMMENDING the Joint Statement" is the start of a paragraph.
    return title_like and not lead.finite and not re.search(r"\b(?:the|a|an)\b", text)
