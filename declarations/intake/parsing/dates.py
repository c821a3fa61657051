"""Dates and numbers written in figures or in words."""

from __future__ import annotations

import datetime
import re

_MONTH_NAMES = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
]  # fmt: skip
_MONTHS = {name: n for n, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS.update({name[:3]: n for name, n in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH_RE = (
    r"(?i:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_ORD_SUFFIX = r"(?:st|nd|rd|th)?"
_DATE_DMY = rf"(?P<d>\d{{1,2}}){_ORD_SUFFIX}\s+(?:of\s+)?(?P<m>{_MONTH_RE})\.?,?\s+(?P<y>\d{{4}})"
_DATE_MDY = rf"(?P<m2>{_MONTH_RE})\.?\s+(?P<d2>\d{{1,2}}){_ORD_SUFFIX},?\s+(?P<y2>\d{{4}})"
_DATE_ISO = r"(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})"
_DATE_RE = re.compile(rf"\b(?:{_DATE_DMY}|{_DATE_MDY}|{_DATE_ISO})\b")
# A line holding only a date, perhaps after a place: "Kuala Lumpur, Malaysia, 31 October 2025".
_DATE_LINE_RE = re.compile(
    r"(?:[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*,\s*){0,2}(?:[A-Z][a-z]+day,?\s+)?"
    rf"(?:\d{{1,2}}\s*[-–]\s*)?(?:{_DATE_DMY}|{_DATE_MDY}|{_DATE_ISO})[.;,]?"
)

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "twentieth": 20, "thirtieth": 30, "fortieth": 40,
    "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
}  # fmt: skip
_NUMBER_WORDS = set(_UNITS) | set(_TENS) | {"hundred", "hundredth", "thousand", "thousandth"}
_ORDINAL_WORDS = sorted(
    (w for w in (*_UNITS, *_TENS) if w.endswith(("st", "nd", "rd", "th")) and w != "zero"),
    key=len,
    reverse=True,
)
_ORDINAL_RE = (
    r"(?:\d{1,3}(?:st|nd|rd|th)|(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    rf"[\s-])?(?:{'|'.join(_ORDINAL_WORDS)}))"
)


def words_to_number(words: list[str]) -> int | None:
    """["Thirty", "First"] -> 31; ["Two", "Thousand", "and", "Twenty", "Five"] -> 2025."""
    total = current = 0
    seen = False
    for word in (w.lower() for w in words):
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in ("hundred", "hundredth"):
            current = (current or 1) * 100
        elif word in ("thousand", "thousandth"):
            total += (current or 1) * 1000
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _year_from_words(words: list[str]) -> int | None:
    lowered = [w.lower() for w in words if w.lower() != "and"]
    if not lowered:
        return None
    if {"thousand", "hundred"} & set(lowered):
        return words_to_number(lowered)
    # "Nineteen Ninety-Nine", "Twenty Twenty-Five": century then the rest.
    head, tail = words_to_number(lowered[:1]), words_to_number(lowered[1:])
    if head is None or tail is None:
        return head if len(lowered) == 1 else None
    return head * 100 + tail


def _ordinal_value(text: str) -> int | None:
    digits = re.match(r"(\d+)", text)
    if digits:
        return int(digits.group(1))
    return words_to_number(re.split(r"[\s-]+", text))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    if not 1900 <= year <= 2200:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _numeric_date(text: str) -> datetime.date | None:
    for match in _DATE_RE.finditer(text):
        g = match.groupdict()
        if g["y"]:
            found = _make_date(int(g["y"]), _MONTHS[g["m"].lower()], int(g["d"]))
        elif g["y2"]:
            found = _make_date(int(g["y2"]), _MONTHS[g["m2"].lower()], int(g["d2"]))
        else:
            found = _make_date(int(g["y3"]), int(g["m3"]), int(g["d3"]))
        if found:
            return found
    return None


_WORD_DATE_RE = re.compile(rf"(?i)\bday\s+of\s+(?P<m>{_MONTH_RE})\b")


def _words_date(text: str) -> datetime.date | None:
    """'the Thirty-First Day of October in the Year Two Thousand and Twenty-Five' -> date."""
    for match in _WORD_DATE_RE.finditer(text):
        before = re.findall(r"[A-Za-z]+|\d+(?:st|nd|rd|th)?", text[: match.start()])[-4:]
        day_words: list[str] = []
        for word in reversed(before):
            if word.lower() in _NUMBER_WORDS or re.fullmatch(r"\d+(?:st|nd|rd|th)?", word):
                day_words.insert(0, word)
            else:
                break
        day = _ordinal_value(" ".join(day_words)) if day_words else None
        tail = text[match.end() :]
        tail = re.sub(r"(?i)^[\s,]*(?:(?:in|of)\s+)?(?:the\s+)?(?:year\s+)?(?:of\s+)?", "", tail)
        year = None
        digits = re.match(r"(\d{4})\b", tail)
        if digits:
            year = int(digits.group(1))
        else:
            year_words = []
            for token in re.finditer(r"[A-Za-z]+|[^\sA-Za-z-]", tail):
                word = token.group()
                if word.lower() not in _NUMBER_WORDS and word.lower() != "and":
                    break
                year_words.append(word)
            year = _year_from_words(year_words)
        if day and year:
            found = _make_date(year, _MONTHS[match.group("m").lower()], day)
            if found:
                return found
    return None


def _find_date(text: str) -> datetime.date | None:
    return _numeric_date(text) or _words_date(text)
