"""Instruments named in a paragraph, with their kind, acronym and relation to the verb."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from .kinds import (
    _HELD_BEFORE_RE,
    _KEYWORD_RE,
    _RESOLUTION_RE,
    REPORT,
    _keyword_kind,
)
from .leads import (
    _FORMS,
    _RELATIONS,
    _Lead,
    _match_lead,
)
from .names import (
    _expand_left,
    _expand_right,
    _extend_bare,
    _kind_of,
    _title_under,
)
from .tokens import (
    _ARTICLES,
    _INNER_LOWER_VERB_RE,
    _INNER_VERB_RE,
    _ORG_CONTEXT_RE,
    _ORG_PRONE_KINDS,
    _ORG_WORDS_RE,
    _PREPOSITIONS,
    _TRAILING_RE,
    _acronym_of,
    _is_cap,
    _is_generic,
    _is_num,
    _name_word,
    _Token,
    _tokens,
)
from .values import (
    Kind,
    Relation,
)


@dataclass
class _Mention:
    start: int
    end: int
    name: str
    acronym: str
    kind: str
    # The acronym spells only a phrase inside the name ("... Roadmap for the Free Trade Area
    # (FTAAP)"): used bare elsewhere it names that phrase, not this instrument.
    inner_acronym: bool = False


def _clean_name(text: str) -> str:
    text = re.sub(r"\s*\([^()]*\)", "", text)
    text = re.sub(r"\s+", " ", text).strip(" ,;:")
    text = re.sub(r"^(?:the|The|THE)\s+", "", text)
    return text.replace("’", "'").replace("‘", "'")


def _choose_acronym(span: list[_Token], head: tuple[int, int]) -> str:
    """Trailing parenthesis first, then one before the head noun, then one right after it."""
    parens = [
        (i, acronym)
        for i, t in enumerate(span)
        if t.kind == "paren" and (acronym := _acronym_of(t.text)) and not _is_generic(acronym)
    ]
    if not parens:
        return ""
    if parens[-1][0] == len(span) - 1:
        return parens[-1][1]
    for i, acronym in parens:
        if i < head[0]:
            return acronym
    for i, acronym in parens:
        between = [t.text for t in span[head[1] + 1 : i] if t.text in _PREPOSITIONS]
        if len(between) <= 1:
            return acronym
    return ""


def _spells_inner_phrase(span: list[_Token], head_last: int, acronym: str) -> bool:
    """Whether `acronym` spells the capitalised words just before its parenthesis, all of
    them after the name's head keyword: 'Roadmap for the Free Trade Area (FTA)'."""
    letters = "".join(c for c in acronym.rstrip("s") if c.isalnum()).upper()
    at = next(
        (i for i, t in enumerate(span) if t.kind == "paren" and _acronym_of(t.text) == acronym),
        None,
    )
    if at is None or at <= head_last + 1:
        return False
    initials = ""
    for token in reversed(span[head_last + 1 : at]):
        if token.kind != "word":
            return False
        if _is_cap(token) or _is_num(token):
            initials = "".join(p[0] for p in token.text.split("-") if p).upper() + initials
        elif token.keyword:
            return False
        if initials == letters:
            return True
        if not letters.endswith(initials):
            return False
    return False


def _distinctive(span: list[_Token]) -> bool:
    """Whether a name says more than its kind: "the Guidelines" does not."""
    return any(_is_cap(t) and not t.keyword and t.text.lower() not in _ARTICLES for t in span)


def _find_mentions(
    text: str,
    offset: int,
    governs: Callable[[int], bool] | None = None,
    common: frozenset[str] = frozenset(),
) -> list[_Mention]:
    """Names containing a kind keyword in text[offset:], with their acronym and kind.

    `governs(position)` says whether the paragraph's verb governs what stands there; a study
    or report it does not govern is passed over, and the names inside it are read alone.
    `common` holds the words the declaration writes in lower case somewhere: ordinary words.
    """
    tokens = [t for t in _tokens(text) if t.start >= offset]
    starts = [t.start for t in tokens]
    keyword_spans = []
    for match in _KEYWORD_RE.finditer(text, offset):
        before = bisect.bisect_right(starts, match.start()) - 1
        if before >= 0 and tokens[before].kind == "paren" and match.start() < tokens[before].end:
            continue  # inside a parenthesis: "(SOP)", "(TOR)"
        keyword_spans.append((match.start(), match.end(), _keyword_kind(match)))
        i = bisect.bisect_left(starts, match.start())
        while i < len(tokens) and tokens[i].start < match.end():
            tokens[i].keyword = True
            i += 1
    mentions: list[_Mention] = []
    floor = 0
    for start, end, kind in keyword_spans:
        first = bisect.bisect_left(starts, start)
        if first >= len(tokens) or first < floor:
            continue
        last = bisect.bisect_left(starts, end) - 1
        left = _title_under(tokens, _expand_left(tokens, first, floor), floor)
        right = _expand_right(tokens, last + 1, kind)
        span = tokens[left : right + 1]
        name = _clean_name(text[span[0].start : span[-1].end])
        if not _distinctive(span):
            right = _extend_bare(tokens, right)
            span = tokens[left : right + 1]
            name = _clean_name(text[span[0].start : span[-1].end])
            if not _distinctive(span):
                floor = right + 1
                continue  # a bare "the Guidelines": nothing to track
        if _generic_plural(tokens, left, first, text[start:end], kind, common):
            continue
        name_kind = _kind_of(name)
        if name_kind == REPORT and governs is not None and not governs(span[0].start):
            continue
        floor = right + 1
        if name_kind in _ORG_PRONE_KINDS:
            before = text[max(0, span[0].start - 80) : span[0].start]
            after_keyword = text[start : span[-1].end]
            if _ORG_CONTEXT_RE.search(before) or _ORG_WORDS_RE.search(after_keyword):
                continue  # "the Track II Network of ... Institutions (NADI)": an organisation
        acronym = _choose_acronym(span, (first - left, last - left))
        kind = Kind.OTHER if name_kind == REPORT else name_kind
        inner = bool(acronym) and _spells_inner_phrase(span, last - left, acronym)
        mentions.append(_Mention(span[0].start, span[-1].end, name, acronym, kind, inner))
    for match in _RESOLUTION_RE.finditer(text, offset):
        if any(m.start <= match.start() < m.end for m in mentions):
            continue
        name = re.sub(r"\((\w+)\)", lambda g: f"({g.group(1).upper()})", match.group())
        name = re.sub(r"^resolution", "Resolution", re.sub(r"\s+", " ", name))
        mentions.append(_Mention(match.start(), match.end(), name, "", Kind.RESOLUTION))
    if re.search(r"\b[Rr]esolutions?\b", text):  # "... development (198-III)": as cabled
        for match in _CABLED_NUMBER_RE.finditer(text, offset):
            name = f"Resolution {match.group(1)} ({match.group(2)})"
            mentions.append(_Mention(match.start(), match.end(), name, "", Kind.RESOLUTION))
    mentions.sort(key=lambda m: m.start)
    return [m for m in mentions if m.kind != Kind.CONFERENCE or _is_held(text, m, offset)]


# Kinds whose name is plural even for one instrument.
_PLURAL_NAMED = {Kind.GUIDELINES, Kind.SOP, Kind.TERMS_OF_REFERENCE, Kind.RULES_OF_PROCEDURE}


def _generic_plural(
    tokens: list[_Token], left: int, first: int, keyword: str, kind: str, common: frozenset[str]
) -> bool:
    """'the Ministerial Declarations', 'Regional Trade Agreements', 'National Action Plans':
    a plural kind after an ordinary word names a class of documents, not one instrument.
    After a proper name it is one ('the Geneva Conventions', 'the Renville Agreements')."""
    word = keyword.split()[-1]
    if kind in _PLURAL_NAMED or not word.endswith("s") or word.endswith(("ss", "us")):
        return False
    if first == left or tokens[first - 1].kind != "word":
        return False
    before = tokens[first - 1].text
    if before.isupper() or not before[:1].isupper():
        return False  # "the RAASR Plans", "ASEAN Agreements": a name's acronym
    lower = before.lower()
    return lower in common or lower.endswith(("al", "ive", "ary"))


# A resolution's number and session in parentheses, as cables cite them: "(198-III)".
_CABLED_NUMBER_RE = re.compile(r"\((\d{1,4})-([IVXLC]{1,6})\)")


def _is_held(text: str, mention: _Mention, offset: int) -> bool:
    """A conference named as the verb's object, or as the event convened or held."""
    before = text[max(0, mention.start - 80) : mention.start]
    if _HELD_BEFORE_RE.search(before):
        return True
    between = text[offset : mention.start]
    return bool(re.fullmatch(r"\s*(?:(?:to|of|for)\s+)?(?:the|a|an)?\s*", between, flags=re.I))


def _object_fallback(text: str, offset: int) -> _Mention | None:
    """'ADOPT the ASEAN Defence Interaction Framework' names an instrument without a keyword."""
    tokens = [t for t in _tokens(text) if t.start >= offset]
    i = 0
    while i < len(tokens) and tokens[i].text in _ARTICLES:
        i += 1
    if i >= len(tokens) or not _name_word(tokens[i]) or _is_num(tokens[i]):
        return None
    right = _expand_right(tokens, i + 1, Kind.OTHER)
    span = tokens[i : right + 1]
    name = _clean_name(text[span[0].start : span[-1].end])
    if sum(_is_cap(t) for t in span) < 2 or _ORG_WORDS_RE.search(name):
        return None
    return _Mention(span[0].start, span[-1].end, name, _choose_acronym(span, (0, 0)), Kind.OTHER)


def _relation_regions(text: str, lead: _Lead, offset: int) -> list[tuple[int, str]]:
    """(position, relation) pairs: where the governing verb of the paragraph changes."""
    regions = [(0, lead.relation)]
    for match in _TRAILING_RE.finditer(text, offset):
        regions.append((match.start(), Relation.CITES))
    for match in _INNER_VERB_RE.finditer(text, offset):
        inner = _match_lead(text[match.end() :])
        if inner is not None and inner.style == "upper" and inner.base is not None:
            regions.append((match.end(), inner.relation))
    for match in _INNER_WE_RE.finditer(text, max(offset, 1)):
        # "..., as a major instrument. With this vision, we endorse the X": each sentence's
        # own subject and verb govern what it names.
        inner = _match_lead("We" + text[match.end() : match.end() + 120])
        if inner is not None and inner.base is not None and inner.finite:
            regions.append((match.start(), inner.relation))
    if lead.style in ("title", "lower"):
        # "Explore ..., and support the convening of ...": a second verb in the paragraph's
        # own case, before its object, governs what follows it.
        for match in _INNER_LOWER_VERB_RE.finditer(text, offset):
            base, finite = _FORMS.get((match.group(1).upper(),), (None, False))
            if base is not None and finite:
                regions.append((match.start(1), _RELATIONS.get(base, Relation.CITES)))
    return sorted(regions)


# A sentence or clause of its own inside the paragraph: "..., we endorse", ". We welcome".
_INNER_WE_RE = re.compile(r"(?<![\w'’-])(?:[Ww]e|WE)(?= [a-zA-Z])")


def _relation_at(regions: list[tuple[int, str]], position: int) -> str:
    index = bisect.bisect_right(regions, (position, "\uffff")) - 1
    return regions[max(index, 0)][1]
