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
    VerbClass.ADOPTS: (
        "ADOPT APPROVE ENDORSE DECIDE ESTABLISH AGREE LAUNCH SIGN AUTHORIZE AUTHORISE DESIGNATE"
    ),
    VerbClass.COMMITMENT: (
        "STRENGTHEN INTENSIFY ENHANCE ENCOURAGE SUPPORT EXPLORE PROMOTE CONTINUE COMMIT URGE "
        "REQUEST TASK INVITE RESOLVE PLEDGE FOSTER DEEPEN EXPAND ADVANCE BUILD DEVELOP "
        "IMPLEMENT UPHOLD MAINTAIN ENSURE FACILITATE BOLSTER REINFORCE CONVENE CONDUCT "
        "INSTRUCT DIRECT WORK PURSUE ENDEAVOUR STRIVE ENGAGE COOPERATE COLLABORATE CONTRIBUTE "
        "RECOMMEND RECOMMIT AIM SEEK REFRAIN APPEAL DEMAND EXHORT RENEW REDOUBLE PRIORITISE "
        "PRIORITIZE ACCELERATE HOST INTEND ACT"
    ),
    VerbClass.WELCOMES: (
        "WELCOME NOTE COMMEND ACKNOWLEDGE APPRECIATE APPLAUD CONGRATULATE THANK ACCEPT"
    ),
    VerbClass.DECLARATORY: (
        "EMPHASISE EMPHASIZE RECOGNISE RECOGNIZE EXPRESS REAFFIRM REITERATE UNDERSCORE STRESS "
        "CONDEMN AFFIRM CONFIRM DECLARE UNDERLINE HIGHLIGHT DEPLORE REJECT OPPOSE BELIEVE RECALL "
        "TRUST CONSIDER REGRET PROCLAIM REMIND SHARE INFORM OUTLINE RECORD"
    ),
}
# Multi-word verbs: (words of the base form) -> base used for classification.
_PHRASE_VERBS = {
    ("LOOK", "FORWARD"): ("LOOK FORWARD", VerbClass.COMMITMENT),
    ("CALL", "UPON"): ("CALL UPON", VerbClass.COMMITMENT),
    ("CALL", "ON"): ("CALL UPON", VerbClass.COMMITMENT),
    ("TAKE", "NOTE"): ("TAKE NOTE", VerbClass.WELCOMES),
    ("CALL", "FOR"): ("CALL FOR", VerbClass.COMMITMENT),
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
# What may follow a trailing "also"/"further" that belongs to the lead ("Decides further
# that", "Welcomes also the"); before a noun it is an adjective ("Explore further cooperation").
_AFTER_SUFFIX = {"THAT", "THE", "A", "AN", "TO", "ITS", "THEIR", "ALL", "WITH", "IN", "ON",
                 "UPON", "FOR", "OF", "BY", "AT", "THIS", "THESE", "THOSE", "EACH"}  # fmt: skip
# Words between "We" and the verb: modals and sentence adverbs ("We will also continue").
_WE_FILLERS = {"WILL", "SHALL", "MUST", "CAN", "WOULD", "SHOULD", "ALSO", "THEREFORE",
               "FURTHER", "FURTHERMORE", "HEREBY", "JOINTLY", "COLLECTIVELY", "FIRMLY",
               "STRONGLY", "FULLY", "WARMLY", "DEEPLY", "AGAIN", "THUS", "ACCORDINGLY",
               "EACH", "TOGETHER", "RESOLUTELY", "UNEQUIVOCALLY",
               "STEADFASTLY", "SINCERELY", "HIGHLY", "GREATLY", "NOW", "ALL"}  # fmt: skip
# "We are committed to", "We remain firmly committed to": the commitment is the verb.
_BE_WORDS = {"ARE", "REMAIN", "STAND", "AM", "WERE", "REMAINED"}
_COMMITTED = {"COMMITTED", "DETERMINED", "RESOLVED", "READY"}
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
    "ESTABLISH": Relation.ADOPTS,
    "SIGN": Relation.ADOPTS,
    "LAUNCH": Relation.ADOPTS,
}
# Verbs whose object is the instrument ("ADOPT the Concept Paper on ...").
_OBJECT_VERBS = {"ADOPT", "APPROVE", "ENDORSE", "ESTABLISH", "SIGN", "LAUNCH"}


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


def _past(base: str) -> str:
    if base.endswith("E"):
        return base + "D"
    if base.endswith("Y") and base[-2] not in "AEIOU":
        return base[:-1] + "IED"
    if base in ("COMMIT", "RECOMMIT", "REGRET", "PRIORITISE"):
        return base + ("TED" if base.endswith("T") else "D")
    return base + "ED"


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
    # Past tense, as chairmen's statements write it ("We reaffirmed"): finite, classified
    # like the base verb; an adjective that is also a past tense ("Encouraged by") stays one.
    past: dict[str, str] = {}
    for base in classes:
        if " " not in base:
            past[_past(base)] = base
            forms.setdefault((_past(base),), (base, True))
    for words, (base, _) in _PHRASE_VERBS.items():
        forms.setdefault((_past(words[0]), *words[1:]), (base, True))
    return forms, classes, past


_FORMS, _VERB_CLASS_OF, _PAST_BASE = _build_vocabulary()
_SINGLE_FORMS = sorted(words[0] for words in _FORMS if len(words) == 1)
_PHRASE_FORMS = sorted((words for words in _FORMS if len(words) > 1), key=len, reverse=True)
_PHRASE_FIRST_WORDS = {words[0] for words in _PHRASE_FORMS}
_PHRASES_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _phrase in _PHRASE_FORMS:  # longest first, as in _PHRASE_FORMS
    _PHRASES_BY_FIRST.setdefault(_phrase[0], []).append(_phrase)


@functools.lru_cache(maxsize=4096)
def _near_phrases(word: str) -> tuple[tuple[str, ...], ...]:
    """Phrases whose first word the given word could be a typo of."""
    if len(word) < 5:
        return ()
    return tuple(p for p in _PHRASE_FORMS if _close(word, p[0]))


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
    end: int | None = None  # where the lead ends in the paragraph, when not at len(word)

    @property
    def offset(self) -> int:
        return len(self.word) if self.end is None else self.end

    @property
    def starts_inside(self) -> bool:
        """Led by a verb after an opening phrase, not at the paragraph's start."""
        return bool(self.end) and self.end > len(self.word)

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
    we_led = words[0] in ("WE", "We")
    if we_led:  # "We reaffirm ...", "WE WILL STRENGTHEN ...", "We will also continue to"
        i = 1
        while i < len(words) - 1 and i < 5 and words[i].upper() in _WE_FILLERS:
            i += 1
        if style == "title":
            style = "lower"
        committed = _we_committed(words, i)
        if committed is not None:
            return _Lead(
                word=text[tokens[0].start() : tokens[committed - 1].end()],
                verb="COMMIT",
                base="COMMIT",
                finite=True,
                known=True,
                style=style,
            )

    def fits(word: str, first: bool) -> bool:
        if style == "upper":
            return word.isupper()
        if style == "title" and first:
            return _style(word) == "title"
        return word.islower()

    start = i
    while not we_led and i < len(words) - 1 and i - start < 2 and words[i].upper() in _ADVERBS:
        if not fits(words[i], i == 0):
            return None
        i += 1
    upper = [w.upper() for w in words]
    core, base, finite, correction = None, None, False, None
    for exact in (True, False):  # "CALLS UPON" must not be read as a typo of "CALL UPON"
        if i >= len(words) or core is not None:
            break
        candidates = _PHRASES_BY_FIRST.get(upper[i], ()) if exact else _near_phrases(upper[i])
        for phrase in candidates:
            n = len(phrase)
            if core is None and i + n <= len(words):
                same = _close if not exact else str.__eq__
                if all(
                    (
                        fits(words[i + k], i + k == 0)
                        or (k and style == "upper" and words[i + k].islower())
                    )
                    and same(upper[i + k], phrase[k])
                    for k in range(n)
                ):  # "CALLS upon": the rest of an upper-case phrase may be in lower case
                    core = list(phrase)
                    base, finite = _FORMS[phrase]
    if core is None and i < len(words) and fits(words[i], i == 0):
        word = upper[i]
        fixed = word if (word,) in _FORMS else _fuzzy_form(word)
        if fixed:
            core = [fixed]
            base, finite = _FORMS[(fixed,)]
            if we_led and base is None and fixed in _PAST_BASE:  # "We resolved to"
                base, finite = _PAST_BASE[fixed], True
    if (
        core is None
        and i + 1 < len(words)
        and upper[i] == "HAVING"
        and fits(words[i + 1], False)
        and re.fullmatch(r"[A-Z]{3,}ED|HEARD|TAKEN|SEEN|GIVEN|MADE|BEEN|BORNE", upper[i + 1])
    ):
        core, base, finite = ["HAVING", upper[i + 1]], None, False  # "Having asked ..."
    if core is None:
        return None
    written = upper[i : i + len(core)]
    if written != core:
        correction = (" ".join(words[i : i + len(core)]), " ".join(core))
    verb = (upper[start:i] if not we_led else []) + core
    end = i + len(core)
    if (
        end < len(words)
        and upper[end] in _SUFFIXES
        and fits(words[end], False)
        and (end + 1 >= len(words) or upper[end + 1] in _AFTER_SUFFIX)
        and _suffix_ends_phrase(text, tokens, end)
    ):
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


def _suffix_ends_phrase(text: str, tokens: list[re.Match], end: int) -> bool:
    """'Decides further that' and 'Notes also,' keep the suffix: after it comes a function
    word, punctuation or the end of the opening words - never a noun it qualifies."""
    return True if end + 1 < len(tokens) else not text[tokens[end].end() :].strip()[:1].isalpha()


def _we_committed(words: list[str], i: int) -> int | None:
    """Index after "are (firmly) committed" when `words[i:]` reads so, else None."""
    if i >= len(words) or words[i].upper() not in _BE_WORDS:
        return None
    j = i + 1
    while j < len(words) - 1 and words[j].upper() in _ADVERBS | _WE_FILLERS:
        j += 1
    if j < len(words) and words[j].upper() in _COMMITTED:
        return j + 1
    return None


def _unknown_lead(text: str) -> _Lead:
    match = re.match(r"[^\s,;:.]+", text)
    word = match.group() if match else text[:20]
    return _Lead(word=word, verb=word.upper(), base=None, finite=False, known=False, style="")
