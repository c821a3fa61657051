"""Where an instrument's name begins and ends in a paragraph's tokens, and the kind its head
noun gives it."""

from __future__ import annotations

import re

from .kinds import _EVENT_WORDS, _KEYWORD_RE, REPORT, _keyword_kind
from .tokens import (
    _ARTICLES,
    _CONNECTORS,
    _PREPOSITIONS,
    _acronym_of,
    _cap_run_has_keyword,
    _comma_list_follows,
    _is_cap,
    _is_num,
    _is_stop,
    _name_word,
    _Token,
)
from .values import Kind


def _expand_right(tokens: list[_Token], j: int, kind: str) -> int:
    """Index of the last token of a name whose head ends before token `j`."""
    end = j - 1
    while j < len(tokens):
        token = tokens[j]
        if _name_word(token):
            end = j
            j += 1
        elif token.kind == "paren":
            if not _acronym_of(token.text):
                break
            end = j
            j += 1
        elif _quoted_title_follows(tokens, j):
            end = j = _quoted_title_end(tokens, j + 1)  # 'Vision Statement on "Ports for All"'
            j += 1
        elif token.kind == "word" and token.text in _CONNECTORS:
            chain, k = [], j
            while k < len(tokens) and tokens[k].text in _CONNECTORS and len(chain) < 3:
                chain.append(tokens[k].text)
                k += 1
            m = k
            while m < len(tokens) and _is_num(tokens[m]):
                m += 1  # "the 15th Anniversary"
            if m >= len(tokens) or not _name_word(tokens[m]) or _is_num(tokens[m]):
                break
            if {"at", "by"} & set(chain) and _event_follows(tokens, k):
                break
            if "by" in chain and kind not in (
                Kind.JOINT_STATEMENT,
                Kind.VISION_STATEMENT,
                Kind.DECLARATION,
                Kind.RESOLUTION,
            ):
                break
            if chain[0] in ("and", "&"):
                if len(chain) > 1 and chain[1] in ("its", "their"):
                    break  # "the Study and its Executive Summary": the second is its part
                if tokens[end].kind == "paren":
                    break  # "X (ABC) and the Y": the acronym closed the first name
                # "X Charter and the ASEAN Outlook" are two names; "Guidelines and Roadmap"
                # and "Search and Rescue Exercise" are one.
                new_name = _ARTICLES & set(chain) or (tokens[end].keyword and not tokens[k].keyword)
                if new_name and _cap_run_has_keyword(tokens, k):
                    break
            end = m
            j = m + 1
        elif token.text == "," and _comma_list_follows(tokens, j):
            j += 1
        else:
            break
    return end


_QUOTES = {'"', "“", "”", "'", "‘", "’"}


def _quoted_title_follows(tokens: list[_Token], j: int) -> bool:
    """'on' or 'for' followed by a quoted, capitalised title."""
    return (
        j + 2 < len(tokens)
        and tokens[j].text in ("on", "for")
        and tokens[j + 1].text in _QUOTES
        and _is_cap(tokens[j + 2])
        and _quoted_title_end(tokens, j + 1) > j + 1
    )


def _quoted_title_end(tokens: list[_Token], opening: int) -> int:
    """Index of the quote closing the title opened at `opening`, or `opening` if none near."""
    for k in range(opening + 1, min(len(tokens), opening + 16)):
        if tokens[k].text in _QUOTES:
            return k
        if tokens[k].text in (";", "(", ")"):
            break
    return opening


def _event_follows(tokens: list[_Token], k: int) -> bool:
    """Whether the capitalised words from `k` name a meeting ("the 40th ASEAN Summit")."""
    j = k
    while j < len(tokens) and j < k + 8 and (_name_word(tokens[j]) or _is_num(tokens[j])):
        if tokens[j].text in _EVENT_WORDS:
            return True
        j += 1
    return False


def _expand_left(tokens: list[_Token], i: int, floor: int) -> int:
    start, j = i, i - 1
    while j >= floor:
        token = tokens[j]
        if _name_word(token) or (token.kind == "paren" and _acronym_of(token.text)):
            start = j
            j -= 1
        elif j - 1 >= floor and _is_cap(tokens[j - 1]) and not _is_stop(tokens[j - 1]):
            # "Search and Rescue Exercise"; "A Future-Ready ADMM: A Strategy Paper"
            joins = token.text == ":" or (
                token.text in ("and", "of", "&", "for", "on", "in", "to", "against", "with")
                and not tokens[j - 1].keyword
            )
            if not joins:
                break
            j -= 1
        else:
            break
    return start


def _title_under(tokens: list[_Token], left: int, floor: int) -> int:
    """'Revised Priorities for Cooperation under the X Partnership' is one name: a title of
    its own (capitalised words joined by a small word) set under the instrument."""
    if left - 3 < floor or tokens[left - 1].text not in _ARTICLES:
        return left
    if tokens[left - 2].text != "under":
        return left
    end = left - 3
    if not _name_word(tokens[end]):
        return left
    start = _expand_left(tokens, end, floor)
    title = tokens[start : end + 1]
    small = [t for t in title if t.kind == "word" and t.text[:1].islower()]
    if sum(_is_cap(t) for t in title) < 2 or not small or any(t.keyword for t in title):
        return left
    return start


def _extend_bare(tokens: list[_Token], end: int) -> int:
    """'the Terms of Reference on the establishment of the X Team, which' -> up to 'Team'."""
    j = end + 1
    if j >= len(tokens) or tokens[j].text not in _PREPOSITIONS:
        return end
    if tokens[j].text == "to" and j + 1 < len(tokens) and tokens[j + 1].text[:1].islower():
        return end  # "the Agreement to further deepen ...": a purpose, not a name
    last = end
    stop_words = {"which", "that", "who", "whose", "where", "aimed", "adopted", "signed", "as"}
    while j < len(tokens) and j <= end + 20:
        token = tokens[j]
        if token.kind == "punct" or token.text in stop_words:
            break
        if (
            token.text == "and"
            and j + 2 < len(tokens)
            and tokens[j + 1].text in _ARTICLES
            and tokens[j + 2].text[:1].islower()
        ):
            break  # "... Team and the signing of ..."
        if token.kind == "paren" or _name_word(token):
            last = j
        j += 1
    return last


def _kind_of(name: str) -> str:
    """The kind given by the head noun of the name ('X Network Guidelines' -> guidelines)."""
    found = [(m.start(), m.end(), _keyword_kind(m)) for m in _KEYWORD_RE.finditer(name)]
    if not found:
        return Kind.OTHER
    head_end = len(name)
    for match in re.finditer(r"(?<=\s)(\w+)(?=\s)", name):
        word = match.group(1)
        inside = any(s <= match.start() < e for s, e, _ in found)
        if not inside and (word in _PREPOSITIONS or word == "and"):
            head_end = match.start()
            break
    in_head = [kind for start, _, kind in found if start < head_end]
    kind = in_head[-1] if in_head else found[0][2]
    if kind == REPORT:  # "the Leaders' Review and Decision on ...": the decision's kind
        before = re.search(rf"\s(?:{'|'.join(sorted(_PREPOSITIONS))})\s", name)
        head_end = before.start() if before else len(name)
        kind = next((k for s, _, k in found if k != REPORT and s < head_end), REPORT)
    return kind
