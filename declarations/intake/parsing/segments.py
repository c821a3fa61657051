"""Segmentation: the body of a declaration into its paragraphs, and where the operative
part starts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .leads import (
    _Lead,
)
from .lines import (
    _Block,
    _is_heading_text,
)
from .openings import _is_opening
from .statements import (
    _NOT_AFTER,
    _opener_lead,
    _subject_lead,
)
from .values import (
    ParseError,
)


@dataclass
class _Paragraph:
    text: str
    lead: _Lead | None
    printed_number: str = ""
    marker: str = ""


@dataclass
class _Body:
    """The declaration proper, split into its parts."""

    opening: str = ""
    closing: str = ""  # the closing line and any date lines after it
    date_lines: list[str] = field(default_factory=list)
    paragraphs: list[_Paragraph] = field(default_factory=list)
    separator: str = ""
    separator_at: int | None = None  # index of the first operative paragraph
    opening_number: str = ""  # "1" when the opening paragraph itself is numbered


def _split_body(blocks: list[_Block]) -> _Body:
    body = _Body()
    after_closing = False
    sublist = ""  # the marker of the sub-items being folded into the last paragraph
    heading_lead: _Lead | None = None  # "BELIEVES" standing before "3. That ..."
    for index, block in enumerate(blocks):
        if block.kind == "end" and body.paragraphs:
            break  # the page's link to the whole document, and the site's text after it
        if after_closing:
            if block.kind in ("date", "closing"):
                body.closing += " " + block.text
        elif block.kind == "closing":
            body.closing, after_closing = block.text, True
        elif block.kind == "date":
            body.date_lines.append(block.text)
        elif block.kind == "separator":
            if body.separator_at is None:
                body.separator, body.separator_at = block.text, len(body.paragraphs)
            sublist, heading_lead = "", None
        elif block.kind == "text":
            text = block.text
            at_start = not body.paragraphs and body.separator_at is None and not body.opening
            if at_start and _is_opening(text):
                body.opening = text
                if block.marker == "num":
                    body.opening_number = str(block.first.number)
                continue
            previous = body.paragraphs[-1] if body.paragraphs else None
            if previous is not None and _is_sub_item(block, previous, sublist):
                previous.text += " " + block.full_text  # "(a) ...; (b) ..." items
                sublist = sublist or block.marker or "lower"
                continue
            sublist = ""
            if len(block.lines) == 1 and _is_heading_block(block, _next_text(blocks, index)):
                continue
            if previous is not None and _is_footnote(block, previous):
                continue
            if previous is not None and _continues_numbered(block, previous, blocks, index):
                previous.text += " " + text  # an unnumbered paragraph inside paragraph N
                continue
            lead = block.lead
            if lead is not None and lead.finite and _only_lead(text, lead):
                heading_lead = lead
                continue
            if lead is None or (not lead.finite and lead.style == "title"):
                lead = _opener_lead(text) or _participle_opener_lead(text, lead) or lead
            if lead is not None and _gerund_subject(text, lead):
                lead = None
            if lead is None and heading_lead is None:
                lead = _subject_lead(text) or _we_unknown_lead(text)
            if lead is not None:
                heading_lead = None
            elif heading_lead is not None:
                lead = replace(heading_lead, end=0)
            printed = str(block.first.number) if block.marker == "num" else ""
            body.paragraphs.append(
                _Paragraph(text=text, lead=lead, printed_number=printed, marker=block.marker)
            )
    return body


def _we_unknown_lead(text: str) -> _Lead | None:
    """'We had constructive discussions ...': a paragraph in the first person whose verb is
    not a lead word of the vocabulary - a clause with an unknown lead, not page text."""
    match = re.match(r"We\s+(?:also\s+|further\s+)?([a-z]{2,})\b(?![,;:])", text)
    if match is None or match.group(1) in _NOT_AFTER:
        return None
    word = match.group(1)
    return _Lead(word=word, verb=word.upper(), base=None, finite=True, known=False, style="lower")


def _is_sub_item(block: _Block, previous: _Paragraph, sublist: str) -> bool:
    """Whether a block is an item of the paragraph before it: lettered or bulleted items, or
    lower-case run-ons, after a paragraph ending with a colon ("... as follows:"). Items may
    start with a verb ("- Establish ...") when the paragraph itself is not such an item."""
    if sublist:
        return block.marker == sublist or (sublist == "lower" and block.text[:1].islower())
    if block.marker == "letter" and re.match(r"\(?a[.)]\s", previous.text):
        return True  # "4. (a) The Committee ..." then "(b) ...": the paragraph's items
    if not previous.text.rstrip().endswith(":"):
        return False
    if block.marker in ("letter", "bullet"):
        return block.lead is None or block.marker != previous.marker
    return block.lead is None and block.text[:1].islower()


def _participle_opener_lead(text: str, lead: _Lead | None) -> _Lead | None:
    """'Recalling the Partnership Agreement, both countries will promote ...': after an
    opening participle, the verb of a subject that names who acts by a common noun (both
    countries, the two leaders); never across a 'that' clause, as a preamble's
    'Noting that Member States support ...' is one."""
    if lead is None or lead.finite or lead.style != "title":
        return None
    sentence = re.split(r"[;:]|\.\s+(?=[A-Z])", text, maxsplit=1)[0]
    found = _subject_lead(text, actor_nouns_only=True)
    if found is None or re.search(r"\bthat\b", sentence[: found.end or 0]):
        return None
    return found


# "Maintaining open seas is essential ...": the participle is the subject of "is".
_GERUND_SUBJECT_RE = re.compile(
    r"[A-Z][a-z]+ing\b(?:\s+(?!that\b|which\b|who\b|whether\b|what\b|how\b|where\b|when\b)"
    r"[\w'’-]+){1,10}?\s+(?:is|are|remains|remain|has been|have been)\s+(?![a-z]+ing\b)[a-z]"
)


def _gerund_subject(text: str, lead: _Lead) -> bool:
    """Whether a title-case participle opens a sentence as its subject, not as a lead: a
    'to be' verb follows in the same clause, with no 'that' or 'which' before it."""
    if lead.finite or lead.style != "title" or lead.starts_inside:
        return False
    return _GERUND_SUBJECT_RE.match(text) is not None


def _is_footnote(block: _Block, previous: _Paragraph) -> bool:
    """'1 Corrected from ...' after paragraph 9: a footnote, numbered without a dot, below
    the paragraphs' numbers and with no lead word."""
    if block.marker != "num" or block.lead is not None or not re.match(r"\d+\s", block.first.text):
        return False
    return previous.printed_number.isdigit() and block.first.number < int(previous.printed_number)


def _continues_numbered(
    block: _Block, previous: _Paragraph, blocks: list[_Block], index: int
) -> bool:
    """In a numbered text, an unnumbered paragraph with no lead of its own, standing
    between paragraphs N and N + 1, is more of paragraph N."""
    if block.marker or block.lead is not None or not previous.printed_number.isdigit():
        return False
    if _opener_lead(block.text) or _subject_lead(block.text):
        return False
    for later in blocks[index + 1 :]:
        if later.kind != "text":
            continue
        if later.marker == "num":
            return later.first.number == int(previous.printed_number) + 1
        if later.lead is not None:
            return False
    return False


def _next_text(blocks: list[_Block], index: int) -> _Block | None:
    for block in blocks[index + 1 :]:
        if block.kind == "text":
            return block
        if block.kind != "junk":
            return None
    return None


def _is_heading_block(block: _Block, following: _Block | None) -> bool:
    """A sub-heading: marked as one by the text ("## ..."), or a short line without final
    punctuation; a longer such line (up to twenty words) when a paragraph with a lead word
    or a number follows it."""
    if block.first.heading:
        return True
    before_paragraph = following is not None and (
        following.lead is not None or following.marker == "num"
    )
    return _is_heading_text(block.first.text, before_paragraph)


def _only_lead(text: str, lead: _Lead) -> bool:
    """'BELIEVES' or 'Notes with satisfaction:' alone on its line: a verb heading the
    numbered paragraphs after it."""
    return text.strip().rstrip(":,").strip() == lead.word


def _operative_start(body: _Body, warnings: list[str]) -> int:
    paragraphs = body.paragraphs
    if body.separator:
        if body.separator_at >= len(paragraphs):
            raise ParseError(
                f"No operative part found: the separator line '{body.separator}' is followed "
                "by no operative paragraph."
            )
        return body.separator_at
    # No separator (UN resolutions): the first paragraph led by a finite verb. Paragraphs
    # before it are preambular when some of them open with a participle ("Recalling ...");
    # a statement that opens with narrative ("Eight years after ...") has no preamble.
    for index, paragraph in enumerate(paragraphs):
        if paragraph.lead is not None and paragraph.lead.finite:
            before = paragraphs[:index]
            if not any(p.lead is not None and not p.lead.finite for p in before):
                return 0
            warnings.append(
                "No separator line (such as 'HEREBY DECLARE:') found; the operative part was "
                f"taken to start at the paragraph beginning '{paragraph.lead.word}'."
            )
            return index
    raise ParseError(
        f"No operative part found: {len(paragraphs)} preambular paragraph(s) but no "
        "separator line such as 'HEREBY DECLARE TO:' and no paragraph led by a finite verb "
        "such as 'ADOPT' or 'Decides'."
    )
