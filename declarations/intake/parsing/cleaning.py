"""Cleaning a line of what web pages, markdown files and PDFs add to a text: markup,
escapes, footnote marks, page numbers, running headers and footers, and paragraph numbers
running on inside a line."""

from __future__ import annotations

import functools
import html
import re
from collections import Counter

_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_ESCAPED_NUMBER_RE = re.compile(r"^(\s*\d{1,3})\\([.)])")
_FOOTNOTE_REF_RE = re.compile(
    r"(?<=[\w.,;:'’”)])\s?\[\d{1,3}\]|(?<=[A-Za-z)][,;.])\d{1,2}(?=\s|$)"
)  # "Committee[1]", "Linggadjati [4] and", "on harbour safety,1"
_EMPHASIS_RE = re.compile(r"\*\*+|(?:^|(?<=\s))_+(?=\s|$)|(?<=\S)_+$|^_+(?=\S)")
_OPENING_QUOTE_RE = re.compile(r"^['\"‘“](?=[A-Z\d])")
# A line that only numbers a page: "3", "- 3 -", "Page 3", "3 of 10", "3/10".
_PAGE_NUMBER_RE = re.compile(
    r"(?i)^(?:[-–—]\s*)?(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?(?:\s*[-–—])?$"
)
# The body that speaks, standing alone or at the end of a title line ("The General Assembly,").
_FORMULA = (
    r"(?:The|THE)\s+(?i:General\s+Assembly|Security\s+Council|Economic\s+and\s+Social\s+"
    r"Council|Human\s+Rights\s+Council)\s*[,:\-–—]?"
)
_FORMULA_RE = re.compile(_FORMULA)
_TRAILING_FORMULA_RE = re.compile(rf"^(.*?\S)\s+({_FORMULA})\s*(?:\[[^\]]*\])?\s*$")
# "... resolution adopted today. The General Assembly - Having asked ...": the body that
# speaks after a full stop, then a dash or colon and the resolution's first paragraph.
_INNER_FORMULA_RE = re.compile(rf"^(.*?[.:])\s+({_FORMULA})\s+(?=[A-Z])")
# "BELIEVES 3. That ...", "...; and 8. The intention ...": a paragraph number inside a line.
_INLINE_NUMBER_RE = re.compile(r"(?<=\S)\s+(?:(\d{1,3})\.|\((\d{1,2})\))\s+(?=['\"‘“]?[A-Z])")
# "Recogniz[ing]", "f[or]": letters an editor restored inside a word.
_RESTORED_LETTERS_RE = re.compile(r"(?<=[A-Za-z])\[([a-z]{1,6})\]|\[([a-z]{1,6})\](?=[a-z])")
_LINE_NUMBER_RE = re.compile(r"^\s*\(?(\d{1,3})[.)]\s")


@functools.lru_cache(maxsize=8192)
def _clean(line: str) -> str:
    if "<" in line:
        line = _HTML_TAG_RE.sub("", line)  # "10<sup>th</sup>", "<br/>", "<strong>"
    line = html.unescape(line) if "&" in line else line
    line = re.sub(r"[\u00a0\u2000-\u200b\u202f\ufeff\t]", " ", line)
    line = _MD_HEADING_RE.sub("", line).strip()  # " _[1] ...": emphasis marks at the start
    line = _MD_ESCAPED_NUMBER_RE.sub(r"\1\2", line)
    line = _EMPHASIS_RE.sub("", line)
    line = _FOOTNOTE_REF_RE.sub("", line)
    line = _RESTORED_LETTERS_RE.sub(lambda m: m.group(1) or m.group(2), line)
    line = _OPENING_QUOTE_RE.sub("", line.strip())
    return re.sub(r" {2,}", " ", line).strip()


_HTML_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
# What a UN document's pages carry besides its text: the symbol alone ("A/RES/80/3"), the
# job number ("25-16680 (E)"), the bar code ("*2516680*") and footnotes ("1 See A/79/12.").
_UN_FURNITURE_RE = re.compile(
    r"^(?:[A-Z]{1,2}(?:/[A-Z0-9.]+){2,4}|\d{2}-\d{5}\s*(?:\([A-Z]\))?(?:\s+\S+)?"
    r"|\d{1,4}/\d{1,4}\s+\d{2}-\d{5}|\*\d{5,}\*"
    r"|\d{1,2}\s+(?:See\b|Official Records\b|United Nations,\s+Treaty Series\b|[A-Z]{1,2}/"
    r"[A-Z0-9]+/).*)$"
)


def _drop_front_matter(raw_lines: list[str]) -> list[str]:
    """A markdown file's front matter (a '---' block of 'key: value' lines at the top) is
    the file's metadata, not the declaration."""
    if not raw_lines or raw_lines[0].strip() != "---":
        return raw_lines
    for end, line in enumerate(raw_lines[1:60], 1):
        if line.strip() == "---":
            titles = [
                re.sub(r"\\u2019", "’", t.group(1)).replace("\\_", " ").strip()
                for raw in raw_lines[1:end]
                if (t := re.match(r"""title:\s*["']?(.*?)["']?\s*$""", raw))
            ]
            return titles[:1] + raw_lines[end + 1 :]  # the title stays a header line
    return raw_lines


def _is_markup_only(text: str) -> bool:
    """No letter or digit: rules, bullets and emphasis marks left from a web page or PDF."""
    return not any(c.isalnum() for c in text)


def _before_inline_number(before: str, parenthesised: bool = False) -> bool:
    """Whether the text before an inline paragraph number ends a paragraph or heads one.
    Before "(2)" a comma is enough: "- (1) Taking into account ..., (2) Recognizing ..."."""
    before = before.strip()
    return bool(
        re.search(r"(?:;|;\s*(?:and|or)|,\s*and|\sand)$", before)
        or (parenthesised and (before.endswith(",") or re.search(r"\s[-–—]$", before)))
        or _FORMULA_RE.fullmatch(before)
        or re.fullmatch(r"[A-Z][A-Z'’ -]*[A-Z]", before)
    )


def _split_run_on_lines(raw_lines: list[str]) -> list[str]:
    """Split lines where a numbered paragraph, or the body that speaks, runs on inside a
    line: "The General Assembly, 1. Recalling ...", "NOTES 7. The intention ...; and 8. ...".
    An inline number is taken only when it is the next paragraph number."""
    out: list[str] = []
    last = 0
    for raw in raw_lines:
        cleaned = _clean(raw)
        pending = [cleaned]
        trailing = _TRAILING_FORMULA_RE.match(cleaned)
        inner = _INNER_FORMULA_RE.match(cleaned)
        if trailing and not _FORMULA_RE.fullmatch(trailing.group(1)):
            pending = [trailing.group(1), trailing.group(2)]
        elif inner and re.search(r"[:\-–—]$", inner.group(2)):
            pending = [inner.group(1), inner.group(2), cleaned[inner.end() :]]
        pieces: list[str] = []
        for line in pending:
            start = _LINE_NUMBER_RE.match(line)
            if start:
                last = int(start.group(1))
            pos = 0
            for match in _INLINE_NUMBER_RE.finditer(line):
                parenthesised = match.group(2) is not None
                number = int(match.group(2) if parenthesised else match.group(1))
                before = line[pos : match.start()]
                if number == last + 1 and _before_inline_number(before, parenthesised):
                    pieces.append(before)
                    pos = match.start(2) - 1 if parenthesised else match.start(1)
                    last = number
            pieces.append(line[pos:])
        out.extend(pieces if len(pieces) > 1 else [raw])  # unsplit lines keep their markup
    return out


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", _clean(line)).lower().rstrip()


def _page_furniture(raw_lines: list[str]) -> set[str]:
    """Running headers and footers: short lines repeated on three pages or more (page
    numbers inside them aside), or on two when four words or more long, that open no
    paragraph (the caller checks that)."""
    keys = [_furniture_key(raw) for raw in raw_lines]
    counts = Counter(keys)
    last_seen = {key: index for index, key in enumerate(keys)}
    repeated = set()
    for key, count in counts.items():
        words = len(key.split())
        twice = count == 2 and words >= 4 and last_seen[key] >= _HEAD_LINES
        if (
            key
            and words <= 12
            and not _is_markup_only(key)
            and not key.endswith((";", ","))
            and (count >= 3 or twice)  # a title and its menu entry near the top are no pages
        ):
            repeated.add(key)
    return repeated


_HEAD_LINES = 8  # where titles, menus and document symbols stand


def _running_title(line: str, head: list[str]) -> bool:
    """A page's running title: the start (four words or more) of a line near the top of
    the text, such as the title, repeated further down ("Safer harbours in the")."""
    key = _furniture_key(line)
    if len(key.split()) < 4:
        return False
    for h in head:
        words = h.split()
        while words and re.search(r"[#/]", words[0]):
            words.pop(0)  # "90/8.", "A/RES/90/8" before the title
        title = " ".join(words)
        if title != key and title.startswith(key):
            return True
    return False
