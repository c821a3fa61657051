"""Words of an instrument's name: tokens, capitals, acronyms, and the small words that
end or join a name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import (
    _MONTHS,
)
from .leads import (
    _FORMS,
    _PHRASE_FIRST_WORDS,
)
from .values import (
    Kind,
)

_GENERIC_ACRONYMS = {
    "SOP", "SOPS", "TOR", "TORS", "ROP", "CBM", "CBMS", "UN", "AI", "ESG", "WPS", "US",
    "USA", "UK", "EU", "HADR", "MOU", "PDR", "ASEAN", "ADMM", "ICT", "IT", "NGO", "NGOS",
    "HQ", "EEZ", "UNSC", "UNGA", "DPRK", "ROK", "PRC", "EWG", "EWGS", "GDP", "CBRN", "IUU",
    "COVID", "COVID-19", "SDG", "SDGS", "AMS",
}  # fmt: skip
_CONNECTORS = {"of", "on", "for", "to", "in", "and", "&", "the", "a", "an", "among", "between",
               "at", "from", "with", "by", "its", "their", "under", "against",
               "towards", "toward"}  # fmt: skip
_ARTICLES = {"the", "a", "an"}
_PREPOSITIONS = {"of", "on", "for", "to", "in", "by", "among", "between", "from", "with",
                 "under", "at", "against", "concerning", "regarding", "towards",
                 "toward"}  # fmt: skip
_ORG_CONTEXT_RE = re.compile(
    r"\b(?:Meetings?|Summit|Forum|Retreat|Session|Groups?|Centre|Center|Council|Committee|"
    r"Secretariat|Office|Team|Agency|Chair|Chairmanship|Members?|Heads|Leaders)\s+of\s+"
    r"(?:the\s+)?$"
)
_ORG_WORDS_RE = re.compile(
    r"\b(?:Institutions|Institutes|Universities|Centres|Centers|Organi[sz]ations|Agencies|"
    r"Group|Groups|Centre|Center|Council|Committee|Secretariat|Team|Meeting|Forum)\b"
)
_ORG_PRONE_KINDS = {Kind.NETWORK, Kind.MECHANISM, Kind.PROGRAMME, Kind.OTHER}
# Phrases after which a paragraph stops naming the object of its verb and merely cites.
_TRAILING_RE = re.compile(
    r",\s*(?:which|aimed|adopted|as|to|in line with|including|in order|whereby|while|"
    r"where|that)\b|\s(?:which|whereby)\s|\sas\s+(?:an?|the|part)\s"
)
_INNER_LOWER_VERB_RE = re.compile(
    r"(?:[,;]\s+and|\band)\s+([a-z]{3,})\s+(?=(?:the|a|an|its|their|our|all)\b)"
)
_INNER_VERB_RE = re.compile(r"(?:[,;]\s*|\band\s+|\bas well as\s+)(?=[A-Z]{3,}\b)")
_TOKEN_RE = re.compile(r"\([^()]*\)|[A-Za-z0-9][A-Za-z0-9'’&/.-]*|[^\sA-Za-z0-9]")


@dataclass
class _Token:
    kind: str  # word, paren, punct
    text: str
    start: int
    end: int
    keyword: bool = False
    stop: bool = False  # an upper-case verb that ends a name: "..., and COMMEND the ..."


def _tokens(text: str) -> list[_Token]:
    out = _raw_tokens(text)
    for token, following in zip(out, [*out[1:], None], strict=True):
        text = token.text
        if token.kind == "word" and len(text) >= 3 and text.isupper():
            verb = (text,) in _FORMS or text in _PHRASE_FIRST_WORDS
            # "Lima ACT Statement": an acronym inside a name, not the verb "ACT".
            token.stop = verb and not (following is not None and _is_cap(following))
    return out


def _raw_tokens(text: str) -> list[_Token]:
    out = []
    for match in _TOKEN_RE.finditer(text):
        value, start = match.group(), match.start()
        if value.startswith("("):
            out.append(_Token("paren", value, start, match.end()))
        elif value[0].isalnum():
            # A sentence's final dot is punctuation, the dots of "U.S." are not.
            if value.endswith(".") and value.count(".") == 1:
                out.append(_Token("word", value[:-1], start, match.end() - 1))
                out.append(_Token("punct", ".", match.end() - 1, match.end()))
            else:
                out.append(_Token("word", value.rstrip("-"), start, start + len(value.rstrip("-"))))
        else:
            out.append(_Token("punct", value, start, match.end()))
    return out


def _acronym_of(paren: str) -> str | None:
    """'(ADIC)' -> 'ADIC'; '(AMRG on HADR)' -> 'AMRG'; '(hereinafter ...)' -> None."""
    content = paren.strip("() ")

    def looks_like(word: str) -> bool:
        letters = re.sub(r"[^A-Za-z0-9]", "", word)
        return (
            2 <= len(word) <= 10
            and re.fullmatch(r"[A-Za-z0-9&.\-]+", word) is not None
            and (word[0].isupper() or word[0].isdigit())
            and sum(c.isupper() for c in word) >= 2
            and sum(c.isupper() or c.isdigit() for c in letters) >= 0.6 * len(letters)
        )

    if " " not in content:
        return content if looks_like(content) else None
    words = content.split()
    if len(content) <= 10 and all(looks_like(w) for w in words):
        return content
    return words[0] if looks_like(words[0]) else None


def _is_generic(acronym: str) -> bool:
    key = acronym.upper().replace(".", "")
    return key in _GENERIC_ACRONYMS or key.rstrip("S") in _GENERIC_ACRONYMS


def _is_cap(token: _Token) -> bool:
    return token.kind == "word" and token.text[0].isupper()


def _is_num(token: _Token) -> bool:
    return token.kind == "word" and token.text[0].isdigit()


def _is_stop(token: _Token) -> bool:
    """Capitalised words that end a name: months and upper-case verbs ('and COMMEND')."""
    return token.stop or token.text.lower() in _MONTHS


def _name_word(token: _Token) -> bool:
    return (_is_cap(token) or _is_num(token)) and not _is_stop(token)


def _cap_run_has_keyword(tokens: list[_Token], i: int) -> bool:
    while i < len(tokens) and (_name_word(tokens[i]) or tokens[i].kind == "paren"):
        if tokens[i].keyword:
            return True
        i += 1
    return False


def _comma_list_follows(tokens: list[_Token], i: int) -> bool:
    """After a comma: 'Peace, Freedom and Neutrality' - capitalised words ending in 'and X'."""
    j, seen_word = i + 1, False
    while j < len(tokens) and j < i + 12:
        token = tokens[j]
        if _name_word(token):
            seen_word = True
        elif token.kind == "punct" and token.text == ",":
            pass
        elif token.text == "and" and seen_word:
            return j + 1 < len(tokens) and _name_word(tokens[j + 1])
        else:
            return False
        j += 1
    return False
