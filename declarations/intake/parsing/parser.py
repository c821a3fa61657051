"""`parse_declaration()`: the text to a ParsedDeclaration."""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from .dates import (
    _ORDINAL_RE,
    _find_date,
    _ordinal,
    _ordinal_value,
)
from .editions import bare_acronyms, edition_before, split_edition
from .instruments import (
    _find_mentions,
    _object_fallback,
    _relation_at,
    _relation_regions,
)
from .leads import (
    _OBJECT_VERBS,
    _VERB_CLASS_OF,
    _Lead,
    _unknown_lead,
)
from .lines import (
    _blocks,
    _Line,
    _read_lines,
)
from .metadata import (
    _body_and_meeting,
    _find_place,
    _pick_title,
)
from .openings import _body_start, _header_items
from .segments import _Body, _operative_start, _Paragraph, _split_body
from .values import (
    AcronymUse,
    ParsedClause,
    ParsedDeclaration,
    ParsedInstrument,
    ParseError,
    Part,
    Relation,
    VerbClass,
)


def parse_declaration(text: str) -> ParsedDeclaration:
    """Read a declaration's text. Raises ParseError when it cannot be read as one."""
    if not text or not text.strip():
        raise ParseError("The declaration text is empty.")
    _check_size(text)
    lines = _read_lines(text)
    if len(lines) > MAX_LINES:
        raise ParseError(
            f"The text has {len(lines):,} non-empty lines; the parser reads at most "
            f"{MAX_LINES:,}. Is this one declaration?"
        )
    start = _body_start(lines)
    body = _split_body(_blocks(lines[start:])) if start is not None else _Body()
    if len(body.paragraphs) > MAX_PARAGRAPHS:
        raise ParseError(
            f"The text has {len(body.paragraphs):,} paragraphs; the parser reads at most "
            f"{MAX_PARAGRAPHS:,}. Is this one declaration?"
        )
    if not any(p.lead is not None for p in body.paragraphs):
        raise ParseError(
            "No recognisable clauses found: no paragraph starts with a lead word such as "
            "RECOGNISING, ADOPT or Decides. Is this the text of a declaration?"
        )
    warnings: list[str] = []
    if body.opening_number:
        warnings.append(
            f"The opening paragraph is numbered {body.opening_number}; it names the meeting "
            "and is not a clause, so the clauses keep their printed numbers from the next one."
        )
    operative_at = _operative_start(body, warnings)
    clauses, leads = _clauses(body.paragraphs, operative_at, warnings)
    instruments, acronym_uses = _instruments(clauses, leads)
    governed = {i.clause for i in instruments if i.relation != Relation.CITES}
    clauses = [_with_trackable(clause, clause.anchor in governed) for clause in clauses]
    declaration = ParsedDeclaration(
        title="",
        meeting="",
        body="",
        place="",
        adopted_on=None,
        clauses=clauses,
        instruments=instruments,
        warnings=warnings,
        acronym_uses=acronym_uses,
    )
    _add_metadata(declaration, _header_items(lines[:start]), body)
    return declaration


# Limits that keep a pasted text from tying up a worker: the longest declarations run to a
# few hundred paragraphs of a few thousand characters each.
MAX_CHARACTERS = 2_000_000
MAX_LINES = 20_000
MAX_LINE_CHARACTERS = 50_000
MAX_PARAGRAPHS = 5_000


def _check_size(text: str) -> None:
    if len(text) > MAX_CHARACTERS:
        raise ParseError(
            f"The text is {len(text):,} characters long; the parser reads at most "
            f"{MAX_CHARACTERS:,}. Is this one declaration?"
        )
    for number, line in enumerate(text.splitlines(), 1):
        if len(line) > MAX_LINE_CHARACTERS:
            raise ParseError(
                f"Line {number} is {len(line):,} characters long; the parser reads lines of "
                f"at most {MAX_LINE_CHARACTERS:,}. Is this a text file?"
            )


def _clauses(
    paragraphs: list[_Paragraph], operative_at: int, warnings: list[str]
) -> tuple[list[ParsedClause], list[_Lead]]:
    clauses, leads = [], []
    for index, paragraph in enumerate(paragraphs):
        if index < operative_at:
            part, number = Part.PREAMBLE, index + 1
        else:
            part, number = Part.OPERATIVE, index - operative_at + 1
        lead = paragraph.lead or _unknown_lead(paragraph.text)
        clause = ParsedClause(
            part=part,
            number=number,
            lead_word=lead.word,
            lead_verb=lead.verb,
            verb_class=VerbClass.DECLARATORY,
            text=re.sub(r"\s+", " ", paragraph.text).strip(),
            trackable=False,
            printed_number=paragraph.printed_number,
        )
        if not lead.known:
            warnings.append(
                f"{clause.anchor} starts with '{lead.word}', which is not a known lead word; "
                "check the paragraph and its verb class."
            )
        elif lead.correction:
            warnings.append(
                f"{clause.anchor}: corrected the lead word '{lead.correction[0]}' to "
                f"'{lead.correction[1]}'."
            )
        if part == Part.OPERATIVE:
            verb_class = _VERB_CLASS_OF.get(lead.base or "", VerbClass.UNKNOWN)
            if verb_class == VerbClass.UNKNOWN and lead.known:
                warnings.append(
                    f"{clause.anchor}: the lead verb '{lead.verb}' is not classified; "
                    "set its verb class by hand."
                )
            clause = replace(clause, verb_class=verb_class)
        clauses.append(clause)
        leads.append(lead)
    return clauses, leads


def _with_trackable(clause: ParsedClause, names_one: bool) -> ParsedClause:
    """Adopting and committing clauses are tracked; welcoming ones when they name the
    instrument they welcome (`names_one`); preambular ones never."""
    if clause.part != Part.OPERATIVE:
        return clause
    trackable = clause.verb_class in (VerbClass.ADOPTS, VerbClass.COMMITMENT) or (
        clause.verb_class == VerbClass.WELCOMES and names_one
    )
    return replace(clause, trackable=trackable)


def _add_metadata(declaration: ParsedDeclaration, header: list[_Line], body: _Body) -> None:
    warnings = declaration.warnings
    declaration.title = title = _pick_title(header)
    if not title:
        warnings.append("No title found above the opening paragraph.")

    name, meeting = _body_and_meeting(body.opening)
    for source in (title, *(item.text for item in header)):
        other_name, other_meeting = _body_and_meeting(source)
        name = name or other_name
        if not meeting and other_meeting and other_name == name:
            meeting = other_meeting
    for item in header:  # UN: "Seventy-ninth session"
        session = re.fullmatch(rf"(?i)({_ORDINAL_RE})\s+session", item.text)
        if not meeting and session and _ordinal_value(session.group(1)):
            meeting = f"{_ordinal(_ordinal_value(session.group(1)))} session"
    declaration.body, declaration.meeting = name, meeting
    if not name:
        warnings.append("No meeting body (ADMM, ADMM-Plus, ...) recognised.")
    if not meeting:
        warnings.append("No meeting (such as '19th ADMM') found in the opening paragraph.")

    header_dates = [item.text for item in header if item.kind == "date"]
    place = _find_place(body.opening) or _find_place(body.closing)
    for line in [*body.date_lines, *header_dates]:
        named = re.match(r"([A-Z][^\d,]+(?:,\s*[A-Z][^\d,]+)?),\s*\d", line)
        if named and not place:
            place = named.group(1)
    declaration.place = place
    if not place:
        warnings.append("No place of adoption found.")

    # The closing line records the adoption itself; the opening paragraph the meeting.
    closing_date = _find_date(body.closing) if body.closing else None
    opening_date = _find_date(body.opening) if body.opening else None
    adopted_lines = [i.text for i in header if re.search(r"(?i)\badopted\b", i.text)]
    candidates = [closing_date, opening_date, *map(_find_date, adopted_lines)]
    candidates += map(_find_date, [*header_dates, *body.date_lines])
    declaration.adopted_on = next((d for d in candidates if d), None)
    if closing_date and opening_date and closing_date != opening_date:
        warnings.append(
            f"The opening paragraph gives {opening_date.isoformat()} but the closing line "
            f"gives {closing_date.isoformat()}; the closing line's date was used."
        )
    if declaration.adopted_on is None:
        warnings.append(
            "No adoption date found in the opening paragraph, the closing line or a date line."
        )


_WORD_RUN_RE = re.compile(r"[A-Za-z0-9]+")
_LOWER_WORD_RE = re.compile(r"(?<![\w'’-])[a-z][a-z-]+\b")


def _acronym_uses(text: str, by_key: dict[str, list[str]]):
    """(start, end, acronym) for each defined acronym standing alone in `text`.

    One pass over the words of the text, looking each up by its leading letters, so the
    cost grows with the text and not with the number of acronyms the declaration defines.
    """
    for word in _WORD_RUN_RE.finditer(text):
        candidates = by_key.get(word.group())
        if not candidates:
            continue
        start = word.start()
        if start and (text[start - 1].isalnum() or text[start - 1] in "_(-"):
            continue
        for acronym in candidates:
            end = start + len(acronym)
            if text.startswith(acronym, start) and (
                end == len(text) or not (text[end].isalnum() or text[end] in "_-")
            ):
                yield start, end, acronym


def _instruments(
    clauses: list[ParsedClause], leads: list[_Lead]
) -> tuple[list[ParsedInstrument], list[AcronymUse]]:
    """Every instrument each clause names, once per clause, in the order of the text; and
    the acronyms used bare that the text does not define (`editions.bare_acronyms`)."""
    found: list[tuple[int, int, ParsedInstrument, tuple[int, int]]] = []
    regions_of, offsets = [], []
    inner_acronyms: set[tuple[int, int]] = set()
    common = frozenset(w for c in clauses for w in _LOWER_WORD_RE.findall(c.text))
    for index, (clause, lead) in enumerate(zip(clauses, leads, strict=True)):
        text = clause.text
        offset = lead.offset if lead.known else 0
        regions = _relation_regions(text, lead, offset)
        if lead.known and lead.starts_inside:
            # "Building on the X Roadmap, we reiterate ...": what the opening phrase names is
            # cited; the verb governs from where it stands.
            regions = sorted([(0, Relation.CITES), *((p or offset, r) for p, r in regions)])
            offset = 0
        regions_of.append(regions)
        offsets.append(offset)
        mentions = _find_mentions(
            text, offset, lambda at, r=regions: _relation_at(r, at) != Relation.CITES, common
        )
        if lead.base in _OBJECT_VERBS and not any(
            _relation_at(regions, m.start) != Relation.CITES for m in mentions
        ):
            extra = _object_fallback(text, offset)
            if extra is not None and all(extra.start != m.start for m in mentions):
                mentions.insert(0, extra)
        for mention in mentions:
            relation = _relation_at(regions, mention.start)
            item = ParsedInstrument(
                name=mention.name,
                acronym=mention.acronym,
                kind=mention.kind,
                relation=relation,
                clause=clause.anchor,
            )
            found.append((index, mention.start, item, (mention.start, mention.end)))
            if mention.inner_acronym:
                inner_acronyms.add((index, mention.start))

    # An acronym defined once names the same instrument wherever it is reused bare.
    defined: dict[str, ParsedInstrument] = {}
    acronym_of_name: dict[str, str] = {}
    for index, start, item, _ in found:
        if item.acronym and (index, start) not in inner_acronyms:
            defined.setdefault(item.acronym, item)
            acronym_of_name.setdefault(item.name.lower(), item.acronym)
    named_spans: dict[int, list[tuple[int, int]]] = {}
    for index, _, _, span in found:
        named_spans.setdefault(index, []).append(span)
    by_key: dict[str, list[str]] = {}
    for acronym in defined:
        key = _WORD_RUN_RE.match(acronym)
        if key:
            by_key.setdefault(key.group(), []).append(acronym)
    for index, clause in enumerate(clauses):
        spans = sorted(named_spans.get(index, []))
        for start, end, acronym in _acronym_uses(clause.text, by_key):
            nearest = bisect.bisect_right(spans, (start, len(clause.text))) - 1
            if nearest >= 0 and start < spans[nearest][1]:
                continue  # part of a name already listed
            relation = _relation_at(regions_of[index], start)
            reuse = replace(defined[acronym], relation=relation, clause=clause.anchor)
            number = edition_before(clause.text, start, end)
            own, series_name = split_edition(reuse.name)
            if number and number != own:  # "the 4th MRPX" after the 3rd: the next edition
                reuse = replace(reuse, name=f"{_ordinal(number)} {series_name}")
            found.append((index, start, reuse, (start, end)))

    result: list[ParsedInstrument] = []
    seen: set[tuple[str, str, str]] = set()
    for _, _, item, _ in sorted(found, key=lambda entry: (entry[0], entry[1])):
        if not item.acronym and item.name.lower() in acronym_of_name:
            item = replace(item, acronym=acronym_of_name[item.name.lower()])
        key = (item.name, item.acronym, item.clause)
        if key not in seen:  # one entry per instrument and clause: its governing mention
            seen.add(key)
            result.append(item)
    return result, _undefined_acronyms(clauses, found, defined, regions_of, offsets)


def _undefined_acronyms(clauses, found, defined, regions_of, offsets) -> list[AcronymUse]:
    taken: dict[int, list[tuple[int, int]]] = {}
    for index, _, _, span in found:
        taken.setdefault(index, []).append(span)
    uses: list[AcronymUse] = []
    seen: set[AcronymUse] = set()
    for index, clause in enumerate(clauses):
        for start, acronym, edition in bare_acronyms(
            clause.text, offsets[index], taken.get(index, [])
        ):
            if acronym in defined:
                continue
            relation = _relation_at(regions_of[index], start)
            use = AcronymUse(acronym, relation, clause.anchor, edition)
            if use not in seen:
                seen.add(use)
                uses.append(use)
    return uses
