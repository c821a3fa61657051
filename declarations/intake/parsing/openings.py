"""Where the declaration proper starts: the opening paragraph that names the meeting, and
the header lines above it."""

from __future__ import annotations

import re

from .cleaning import (
    _FORMULA_RE,
)
from .dates import (
    _numeric_date,
)
from .leads import (
    _match_lead,
)
from .lines import (
    _TITLE_KEYWORDS,
    _Block,
    _end_kind,
    _Line,
    _starts_paragraph,
    _title_like,
    _word_count,
)
from .statements import _opener_lead, _subject_lead

_OPENING_START_RE = re.compile(
    r"(?i:we\s*,)|(?:The|THE)\s|(?i:on the occasion)|(?:On|At) the invitation of\b"
)

# "During the past week, the Prime Ministers ... have met in London": who met, and where.
_MET_RE = re.compile(r"\b(?:met|gathered|convened|assembled)\s+(?:here\s+)?(?:in|at)\s+[A-Z]")


_MEETING_VERB_RE = re.compile(r"(?i)met|gathered|convened|assembled|held|reconvened")


def _names_the_meeting(text: str) -> bool:
    sentence = re.split(r"[;:]|\.\s+(?=[A-Z])", text, maxsplit=1)[0]
    return text[:1].isupper() and bool(_MET_RE.search(sentence))


def _is_opening(text: str) -> bool:
    """The paragraph naming the meeting: 'The Nineteenth ... was convened on ...;' etc."""
    if _match_lead(text) is not None:
        return False
    if not _OPENING_START_RE.match(text):
        return _names_the_meeting(text) and _subject_lead(text) is None
    if re.match(r"(?i)we\s*,", text) or _FORMULA_RE.fullmatch(text.strip()):
        return True
    if re.match(r"(?:The|THE)\s|(?i:on the occasion)|(?:On|At) the invitation of\b", text):
        acts = _subject_lead(text)
        if acts is not None and not _MEETING_VERB_RE.fullmatch(acts.word):
            return False  # "The Foreign Ministers expressed concern ...": a clause
        return bool(
            text.rstrip().endswith((",", ";", ":"))
            or re.search(r"(?i)\b(?:convened|gathered|held|met|assembled)\b", text)
            or _numeric_date(text)
        )
    return False


def _body_start(lines: list[_Line]) -> int | None:
    """Index of the first line of the declaration proper (opening, clause or separator)."""
    for i, line in enumerate(lines):
        if line.kind == "separator":
            return i
        if line.kind != "text" or (line.marker == "bullet" and line.lead is None):
            continue
        if (
            line.lead is None
            and not _OPENING_START_RE.match(line.content)
            and not _names_the_meeting(line.content)
            and _subject_lead(line.content) is None
            and _opener_lead(line.content) is None
        ):
            continue
        # Evaluate the paragraph this line would open, wrapped lines included.
        tentative = _Block(kind="text", lines=[line])
        for nxt in lines[i + 1 : i + 40]:
            if nxt.kind != "text" or nxt.blank_before or _starts_paragraph(nxt, tentative, 0):
                break
            tentative.lines.append(nxt)
        text = tentative.text
        if _is_opening(text):
            return i
        long_or_ended = _word_count(text) >= 4 or _end_kind(text) != "open"
        lead = line.lead or _opener_lead(text) or _subject_lead(text)
        if lead is not None and long_or_ended and not _title_like(text):
            return i  # not a menu item such as "Support" nor a title such as "Enhancing ..."
    return None


def _header_items(lines: list[_Line]) -> list[_Line]:
    """Header lines, with titles wrapped over several lines joined."""
    items: list[_Line] = []
    for line in lines:
        prev = items[-1] if items else None
        if prev is not None and _continues_title(prev, line):
            joiner = "" if prev.text.endswith("-") else " "
            prev.text = prev.content = f"{prev.text}{joiner}{line.text}"
            continue
        items.append(_Line(**{**line.__dict__}))
    return items


def _continues_title(prev: _Line, line: _Line) -> bool:
    if prev.kind != "text" or line.kind != "text" or prev.marker or line.marker:
        return False
    if re.match(r"(?i)(?:on|of|for|and|in|to|at)\b", line.text) or line.text[:1].islower():
        return True  # "... of the ASEAN Defence Ministers" + "on Defence Cooperation ..."
    if line.blank_before:
        return False
    if re.search(r"(?:\b(?:and|of|on|for|the|in|to|at)|[A-Za-z]-)$", prev.text):
        return True
    if prev.text.isupper() and line.text.isupper():
        return True
    # "Jakarta Joint Declaration of the ADMM-Plus on Practical" + "Cooperation for ..."
    return bool(
        _TITLE_KEYWORDS.search(prev.text)
        and not _numeric_date(prev.text)
        and _title_like(prev.text)
        and _title_like(line.text)
        and line.text[:1].isupper()
        and not re.search(r"\d|/", line.text)
    )
