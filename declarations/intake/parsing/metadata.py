"""A declaration's title, body, meeting, place and date."""

from __future__ import annotations

import re

from .dates import (
    _MONTHS,
    _ORDINAL_RE,
    _numeric_date,
    _ordinal,
    _ordinal_value,
)
from .lines import (
    _NAV_WORDS,
    _TITLE_KEYWORDS,
    _Line,
    _word_count,
)

_BODIES = [
    (r"(?:ASEAN\s+)?Defen[cs]e\s+Ministers['’]?\s+Meeting[-\s]?Plus|ADMM[-\s]?Plus", "ADMM-Plus"),
    (
        r"ASEAN\s+Defen[cs]e\s+Ministers['’]?\s+Meeting|\bADMM\b(?![-\s]?Plus)"
        r"|Defen[cs]e\s+Ministers\b",
        "ADMM",
    ),
    (r"ASEAN\s+Chiefs\s+of\s+Defen[cs]e\s+Forces\s+Meeting|\bACDFM\b", "ACDFM"),
    (r"East\s+Asia\s+Summit", "EAS"),
    (r"ASEAN\s+Regional\s+Forum", "ARF"),
    (r"ASEAN\s+Summit", "ASEAN Summit"),
    (r"General\s+Assembly", "UN General Assembly"),
    (r"Security\s+Council", "UN Security Council"),
]
_PLACE_WORD = r"(?:[A-Z][\w'’.-]*)"
_PLACE_NAME = rf"{_PLACE_WORD}(?:\s+{_PLACE_WORD})*"
_PLACE = rf"{_PLACE_NAME}(?:,\s*(?:the\s+)?{_PLACE_NAME})?"
_PLACE_AFTER_VERB_RE = re.compile(
    rf"(?i:\b(?:convened|gathered|held|met|assembled|meeting|adopted|done|signed|issued)\b)"
    rf"[^;]*?\b(?:in|at)\s+(?P<place>{_PLACE})"
)
_PLACE_RE = re.compile(rf"\b(?:in|at)\s+(?P<place>{_PLACE})")
_NOT_PLACES = {"The", "This", "On", "ASEAN", "Day", "Year", "Accordance"}


def _clean_place(place: str) -> str:
    words = place.split()
    while words and (words[-1].strip(",").lower() in _MONTHS or words[-1] in _NOT_PLACES):
        words.pop()
    place = " ".join(words).rstrip(",. ")
    if not place or place.split()[0] in _NOT_PLACES or re.search(r"\d", place):
        return ""
    return place


def _find_place(text: str) -> str:
    for regex in (_PLACE_AFTER_VERB_RE, _PLACE_RE):
        for match in regex.finditer(text):
            place = _clean_place(match.group("place"))
            if place:
                return place
    return ""


def _body_and_meeting(text: str) -> tuple[str, str]:
    matches = []
    for order, (pattern, body) in enumerate(_BODIES):
        for match in re.finditer(pattern, text):
            matches.append((match.start(), order, body))
    matches.sort()
    for start, _, body in matches:
        ordinal = re.search(rf"(?i)\b({_ORDINAL_RE})\s+(?:annual\s+|informal\s+)?$", text[:start])
        if ordinal:
            n = _ordinal_value(ordinal.group(1))
            if n:
                return body, f"{_ordinal(n)} {body}"
    return (matches[0][2], "") if matches else ("", "")


def _pick_title(items: list[_Line]) -> str:
    """The heading line: a UN resolution's numbered title, else the last line naming a
    document ("... Joint Declaration ..."), else the last line of four words or more."""
    candidates = [
        item.content
        for item in items
        if item.kind == "text"
        and item.marker != "bullet"
        and item.text.lower() not in _NAV_WORDS
        and not _numeric_date(item.text)
        # document symbols, distribution notes, "[without reference ...]", breadcrumbs
        and not re.search(r"\b[A-Z]{1,3}/[A-Z0-9]|Distr\.|^\[|\s[>»|]\s", item.text)
    ]
    for text in candidates:
        resolution = re.match(r"^\d{1,3}/\d{1,4}\.\s+(.+)$", text)
        if resolution:
            return resolution.group(1).strip()
    with_keyword = [text for text in candidates if _TITLE_KEYWORDS.search(text)]
    if with_keyword:
        return with_keyword[-1]
    long_enough = [text for text in candidates if _word_count(text) >= 4]
    return long_enough[-1] if long_enough else ""
