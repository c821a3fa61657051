"""Lead verbs: the vocabulary of preambular and operative leads, and matching a paragraph's
opening words against it, typos included."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from .values import (
    Relation,
    VerbClass,
)

# Base verbs of operative paragraphs by class. Third-person ("DECIDES") and participle
# ("DECIDING") forms are generated from these.
_CLASS_VERBS = {
    VerbClass.ADOPTS: "ADOPT APPROVE ENDORSE DECIDE ESTABLISH AGREE LAUNCH",
    VerbClass.COMMITMENT: (
        "STRENGTHEN INTENSIFY ENHANCE ENCOURAGE SUPPORT EXPLORE PROMOTE CONTINUE COMMIT URGE "
        "REQUEST TASK INVITE RESOLVE PLEDGE FOSTER DEEPEN EXPAND ADVANCE BUILD DEVELOP "
        "IMPLEMENT UPHOLD MAINTAIN ENSURE FACILITATE BOLSTER REINFORCE CONVENE CONDUCT "
        "INSTRUCT DIRECT WORK PURSUE ENDEAVOUR STRIVE ENGAGE COOPERATE COLLABORATE CONTRIBUTE"
    ),
    VerbClass.WELCOMES: "WELCOME NOTE COMMEND ACKNOWLEDGE APPRECIATE APPLAUD CONGRATULATE THANK",
    VerbClass.DECLARATORY: (
        "EMPHASISE EMPHASIZE RECOGNISE RECOGNIZE EXPRESS REAFFIRM REITERATE UNDERSCORE STRESS "
        "CONDEMN AFFIRM CONFIRM DECLARE UNDERLINE HIGHLIGHT DEPLORE REJECT OPPOSE BELIEVE RECALL"
    ),
}
# Multi-word verbs: (words of the base form) -> base used for classification.
_PHRASE_VERBS = {
    ("LOOK", "FORWARD"): ("LOOK FORWARD", VerbClass.COMMITMENT),
    ("CALL", "UPON"): ("CALL UPON", VerbClass.COMMITMENT),
    ("CALL", "ON"): ("CALL UPON", VerbClass.COMMITMENT),
    ("TAKE", "NOTE"): ("TAKE NOTE", VerbClass.WELCOMES),
}
# Leads that only ever open preambular paragraphs (adjectives and participles of verbs that
# are not operative leads).
_PREAMBLE_ONLY = (
    "INSPIRED GUIDED CONVINCED CONCERNED CONSCIOUS MINDFUL AWARE DETERMINED DESIROUS "
    "ENCOURAGED PLEASED ALARMED COMMITTED COGNISANT COGNIZANT RESOLVED HONOURED SATISFIED "
    "CONSIDERING DESIRING BELIEVING REALISING REALIZING SHARING ACCEPTING ADHERING REFERRING "
    "SEEKING VALUING WISHING ANTICIPATING ASPIRING"
)
_PREAMBLE_PHRASES = [
    ("BEARING", "IN", "MIND"),
    ("TAKING", "INTO", "ACCOUNT"),
    ("TAKING", "INTO", "CONSIDERATION"),
    ("HAVING", "CONSIDERED"),
    ("HAVING", "EXAMINED"),
    ("HAVING", "REVIEWED"),
    ("HAVING", "RECEIVED"),
    ("HAVING", "HEARD"),
    ("BUILDING", "ON"),
    ("BUILDING", "UPON"),
    ("GUIDED", "BY"),
]
_ADVERBS = {
    "FURTHER", "ALSO", "STRONGLY", "DEEPLY", "FULLY", "WARMLY", "FIRMLY", "FURTHERMORE",
    "HEREBY", "JOINTLY", "COLLECTIVELY", "EARNESTLY", "GRAVELY", "SERIOUSLY", "HIGHLY",
}  # fmt: skip
_SUFFIXES = {"ALSO", "FURTHER"}
_WITH_QUALIFIERS = {
    "APPRECIATION", "SATISFACTION", "CONCERN", "INTEREST", "GRATITUDE", "REGRET", "ALARM",
    "APPROVAL",
}  # fmt: skip
_INTENSIFIERS = {"DEEP", "GRAVE", "SERIOUS", "GREAT", "PARTICULAR", "PROFOUND"}

_RELATIONS = {
    "ADOPT": Relation.ADOPTS,
    "APPROVE": Relation.APPROVES,
    "ENDORSE": Relation.APPROVES,
    "WELCOME": Relation.WELCOMES,
    "NOTE": Relation.NOTES,
    "TAKE NOTE": Relation.NOTES,
    "COMMEND": Relation.NOTES,
    "ACKNOWLEDGE": Relation.NOTES,
    "APPRECIATE": Relation.NOTES,
    "APPLAUD": Relation.NOTES,
    "REAFFIRM": Relation.REAFFIRMS,
    "REITERATE": Relation.REAFFIRMS,
    "AFFIRM": Relation.REAFFIRMS,
    "ENCOURAGE": Relation.ENCOURAGES,
    "SUPPORT": Relation.ENCOURAGES,
    "LOOK FORWARD": Relation.LOOKS_FORWARD,
}
# Verbs whose object is the instrument ("ADOPT the Concept Paper on ...").
_OBJECT_VERBS = {"ADOPT", "APPROVE", "ENDORSE"}


def _third_person(base: str) -> str:
    if base.endswith(("S", "SH", "CH", "X", "Z", "O")):
        return base + "ES"
    if base.endswith("Y") and base[-2] not in "AEIOU":
        return base[:-1] + "IES"
    return base + "S"


def _participle(base: str) -> str:
    if base == "COMMIT":
        return "COMMITTING"
    if base.endswith("E") and not base.endswith(("EE", "YE", "OE")):
        return base[:-1] + "ING"
    return base + "ING"


def _build_vocabulary():
    """word tuple -> (base verb or None, finite?) for every lead form the parser knows."""
    forms: dict[tuple[str, ...], tuple[str | None, bool]] = {}
    classes: dict[str, str] = {}
    for verb_class, words in _CLASS_VERBS.items():
        for base in words.split():
            classes[base] = verb_class
            forms[(base,)] = (base, True)
            forms[(_third_person(base),)] = (base, True)
            forms.setdefault((_participle(base),), (base, False))
    for words, (base, verb_class) in _PHRASE_VERBS.items():
        classes[base] = verb_class
        first, rest = words[0], words[1:]
        forms[(first, *rest)] = (base, True)
        forms[(_third_person(first), *rest)] = (base, True)
        forms[(_participle(first), *rest)] = (base, False)
    for word in _PREAMBLE_ONLY.split():
        forms.setdefault((word,), (None, False))
    for words in _PREAMBLE_PHRASES:
        forms.setdefault(words, (None, False))
    return forms, classes


_FORMS, _VERB_CLASS_OF = _build_vocabulary()
_SINGLE_FORMS = sorted(words[0] for words in _FORMS if len(words) == 1)
_PHRASE_FORMS = sorted((words for words in _FORMS if len(words) > 1), key=len, reverse=True)
_PHRASE_FIRST_WORDS = {words[0] for words in _PHRASE_FORMS}


def _close(word: str, target: str, cutoff: float = 0.85) -> bool:
    """Same word, or a plausible typo of it (same first letter, nearly the same letters)."""
    if word == target:
        return True
    return (
        len(word) >= 5
        and word[0] == target[0]
        and abs(len(word) - len(target)) <= 2
        and difflib.SequenceMatcher(None, word, target).ratio() >= cutoff
    )


def _fuzzy_form(word: str) -> str | None:
    if len(word) < 5:
        return None
    candidates = [w for w in _SINGLE_FORMS if w[0] == word[0] and abs(len(w) - len(word)) <= 2]
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.85)
    return found[0] if found else None


@dataclass(frozen=True)
class _Lead:
    word: str  # as written
    verb: str  # upper case, typo-fixed
    base: str | None  # base verb for classification; None for preamble-only adjectives
    finite: bool
    known: bool
    style: str  # "upper", "title" or "lower" (after "We")
    correction: tuple[str, str] | None = None

    @property
    def relation(self) -> str:
        return _RELATIONS.get(self.base or "", Relation.CITES)


_LEAD_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _lead_tokens(text: str, limit: int = 8) -> list[re.Match]:
    """The first words of `text`, stopping at the first punctuation mark."""
    tokens, pos = [], 0
    while len(tokens) < limit:
        match = _LEAD_TOKEN_RE.match(text, pos)
        if not match:
            break
        tokens.append(match)
        rest = re.match(r"[ \t]+", text[match.end() :])
        if not rest:
            break
        pos = match.end() + rest.end()
    return tokens


def _style(word: str) -> str | None:
    if len(word) >= 2 and word.isupper():
        return "upper"
    if word[0].isupper() and (len(word) == 1 or word[1:].islower()):
        return "title"
    return None


@functools.lru_cache(maxsize=4096)
def _match_lead(text: str) -> _Lead | None:
    """The lead verb phrase at the start of a paragraph, or None if it starts with no verb."""
    tokens = _lead_tokens(text)
    if not tokens:
        return None
    words = [t.group() for t in tokens]
    style = _style(words[0])
    if style is None:
        return None
    i = 0
    if words[0] in ("WE", "We"):  # "We reaffirm ...", "WE WILL STRENGTHEN ..."
        i = 1
        if len(words) > 1 and words[1].upper() in ("WILL", "SHALL"):
            i = 2
        if style == "title":
            style = "lower"

    def fits(word: str, first: bool) -> bool:
        if style == "upper":
            return word.isupper()
        if style == "title" and first:
            return _style(word) == "title"
        return word.islower()

    start = i
    while i < len(words) - 1 and i - start < 2 and words[i].upper() in _ADVERBS:
        if not fits(words[i], i == 0):
            return None
        i += 1
    upper = [w.upper() for w in words]
    core, base, finite, correction = None, None, False, None
    for exact in (True, False):  # "CALLS UPON" must not be read as a typo of "CALL UPON"
        for phrase in _PHRASE_FORMS:
            n = len(phrase)
            if core is None and i + n <= len(words):
                same = _close if not exact else str.__eq__
                if all(
                    fits(words[i + k], i + k == 0) and same(upper[i + k], phrase[k])
                    for k in range(n)
                ):
                    core = list(phrase)
                    base, finite = _FORMS[phrase]
    if core is None and i < len(words) and fits(words[i], i == 0):
        word = upper[i]
        fixed = word if (word,) in _FORMS else _fuzzy_form(word)
        if fixed:
            core = [fixed]
            base, finite = _FORMS[(fixed,)]
    if core is None:
        return None
    written = upper[i : i + len(core)]
    if written != core:
        correction = (" ".join(words[i : i + len(core)]), " ".join(core))
    verb = upper[start:i] + core
    end = i + len(core)
    if end < len(words) and upper[end] in _SUFFIXES and fits(words[end], False):
        verb.append(upper[end])
        end += 1
    elif end + 1 < len(words) and upper[end] == "WITH" and fits(words[end], False):
        qual = upper[end + 1 : end + 3]
        if qual and qual[0] in _WITH_QUALIFIERS:
            verb += ["WITH", qual[0]]
            end += 2
        elif len(qual) == 2 and qual[0] in _INTENSIFIERS and qual[1] in _WITH_QUALIFIERS:
            verb += ["WITH", *qual]
            end += 3
    word_written = text[tokens[0].start() : tokens[end - 1].end()]
    return _Lead(
        word=word_written,
        verb=" ".join(verb),
        base=base,
        finite=finite,
        known=True,
        style=style,
        correction=correction,
    )


def _unknown_lead(text: str) -> _Lead:
    match = re.match(r"[^\s,;:.]+", text)
    word = match.group() if match else text[:20]
    return _Lead(word=word, verb=word.upper(), base=None, finite=False, known=False, style="")
