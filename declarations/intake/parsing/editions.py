"""Editions and bare acronyms: what a name or a paragraph says about instruments the text
itself does not define.

- An edition is a name led by an ordinal, in figures or in words, of any size: "2nd ASEAN
  Multilateral Naval Exercise", "the Third Riverine Patrol Conference", "101st Session".
  `split_edition()` gives its number and the series' name without it.
- A bare acronym is an acronym the paragraph uses without a name around it or a definition
  anywhere in the text ("SUPPORT the hosting of ADSARX in 2028", "the 3rd AUMX"). The parser
  cannot know whether it names an instrument; it lists each use, with the ordinal before it
  if any, and the importer keeps those the database knows.
"""

from __future__ import annotations

import re

from .dates import _NUMBER_WORDS, _ORDINAL_WORDS, words_to_number

_CARDINAL_WORDS = sorted(_NUMBER_WORDS - set(_ORDINAL_WORDS), key=len, reverse=True)
_WORD_ORDINAL = (
    rf"(?:(?:{'|'.join(_CARDINAL_WORDS)})[\s-]+(?:and[\s-]+)?){{0,4}}"
    rf"(?:{'|'.join(_ORDINAL_WORDS)}|hundredth|thousandth)"
)
ORDINAL = rf"(?i:\d+(?:st|nd|rd|th)|{_WORD_ORDINAL})"
_EDITION_RE = re.compile(rf"^(?i:the\s+)?(?P<ordinal>{ORDINAL})\s+(?P<rest>\S.*)$")


def ordinal_value(text: str) -> int | None:
    """ "3rd" -> 3; "Twenty-First" -> 21; "One Hundred and First" -> 101."""
    digits = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", text.strip(), flags=re.I)
    if digits:
        return int(digits.group(1))
    return words_to_number(re.split(r"[\s-]+", text.strip()))


def split_edition(name: str) -> tuple[int | None, str]:
    """(edition number, series name) of a name led by an ordinal; (None, name) otherwise.

    "3rd ASEAN Multilateral Naval Exercise" -> (3, "ASEAN Multilateral Naval Exercise").
    The rest must start with a capital or a figure: "first steps" is no edition."""
    match = _EDITION_RE.match(name.strip())
    if not match or not match.group("rest")[:1].isupper():
        return None, name
    number = ordinal_value(match.group("ordinal"))
    if not number:
        return None, name
    return number, match.group("rest").strip()


# An acronym: two or more capitals among letters and figures ("ADSARX", "AMNEx", "5PC"),
# standing alone: not inside a parenthesis (a definition), not part of a hyphenated word.
_BARE_RE = re.compile(
    rf"(?:\b(?P<ordinal>{ORDINAL})\s+)?(?<![\w(’'-])"
    r"(?P<acronym>(?=(?:[0-9a-z]*[A-Z]){2})[A-Z0-9][A-Za-z0-9]{1,19})(?![\w’'-])"
)


# Words after an acronym that leave it the head of its phrase: "the 3rd AUMX in 2026" is an
# edition of AUMX; "the 2nd AOIP activity" is the second activity, not an AOIP edition.
_AFTER_HEAD = {
    "in", "at", "on", "of", "for", "by", "to", "from", "with", "which", "that", "and", "or",
    "as", "was", "is", "will", "would", "has", "had", "be", "been", "being", "held",
    "hosted", "conducted", "organised", "organized", "since", "during", "between", "among",
    "under", "through", "this", "next", "last", "were", "are",
}  # fmt: skip
_NEXT_WORD_RE = re.compile(r"\s*([A-Za-z]+)")
_ORDINAL_BEFORE_RE = re.compile(rf"\b({ORDINAL})\s+$")


def heads_phrase(text: str, end: int) -> bool:
    """Whether the word ending at `end` is the head of its phrase (see _AFTER_HEAD)."""
    following = _NEXT_WORD_RE.match(text, end)
    return not following or not following.group(1).islower() or following.group(1) in _AFTER_HEAD


def edition_before(text: str, start: int, end: int) -> int | None:
    """The ordinal right before the acronym at text[start:end], if it numbers it."""
    match = _ORDINAL_BEFORE_RE.search(text, max(0, start - 60), start)
    if not match or not heads_phrase(text, end):
        return None
    return ordinal_value(match.group(1))


def bare_acronyms(text: str, offset: int, taken: list[tuple[int, int]]):
    """(start, acronym, edition number or None) for each acronym-like word in
    text[offset:] outside the spans in `taken` (names already found)."""
    for match in _BARE_RE.finditer(text, offset):
        acronym = match.group("acronym")
        start = match.start("acronym")
        if any(begin <= start < end for begin, end in taken):
            continue
        ordinal = match.group("ordinal")
        numbered = ordinal and heads_phrase(text, match.end("acronym"))
        yield start, acronym, ordinal_value(ordinal) if numbered else None
