"""Declaration text -> plain dataclasses.

Standard library only: nothing from Django or the project is imported, so the parser can be
run and tested on its own. `parse_declaration()` takes the text of a declaration as copied
from a web page or a PDF and returns its metadata, its clauses and the instruments they name.

Business rules:
- Paragraphs before the separator line ("HEREBY DECLARE TO:", typos included) are
  preambular, the ones after it operative. Without a separator (UN resolutions) the first
  paragraph led by a finite verb ("Decides", "ADOPT") starts the operative part.
- Preambular clauses are declaratory and never trackable. An operative clause is trackable
  when its verb adopts something or commits to continuing work, or when it welcomes/notes
  an instrument that is the object of its verb.
- An instrument's relation comes from the verb that governs it: the lead verb, or a second
  upper-case verb inside the paragraph ("..., and COMMEND ..."). Instruments named only in
  a trailing phrase (", which ...", ", aimed at ...", ", as ...") are merely cited.
- Anything the parser is unsure of becomes a readable warning, never a silent guess.
"""

from __future__ import annotations

import bisect
import datetime
import difflib
import functools
import re
from dataclasses import dataclass, field, replace

# --- Public value sets (kept in sync with the TextChoices in declarations/models.py) -------


class Part:
    PREAMBLE = "preamble"
    OPERATIVE = "operative"


class VerbClass:
    ADOPTS = "adopts"
    COMMITMENT = "commitment"
    WELCOMES = "welcomes"
    DECLARATORY = "declaratory"
    UNKNOWN = "unknown"


class Relation:
    ADOPTS = "adopts"
    APPROVES = "approves"
    WELCOMES = "welcomes"
    NOTES = "notes"
    REAFFIRMS = "reaffirms"
    ENCOURAGES = "encourages"
    LOOKS_FORWARD = "looks_forward"
    CITES = "cites"


class Kind:
    CONCEPT_PAPER = "concept_paper"
    GUIDELINES = "guidelines"
    ROADMAP = "roadmap"
    SOP = "sop"
    TERMS_OF_REFERENCE = "terms_of_reference"
    RULES_OF_PROCEDURE = "rules_of_procedure"
    PROTOCOL = "protocol"
    JOINT_STATEMENT = "joint_statement"
    DECLARATION = "declaration"
    AGREEMENT = "agreement"
    PLAN = "plan"
    EXERCISE = "exercise"
    CONFERENCE = "conference"
    NETWORK = "network"
    PROGRAMME = "programme"
    MECHANISM = "mechanism"
    COMMITMENT = "commitment"
    MILESTONE = "milestone"
    OTHER = "other"


class ParseError(ValueError):
    """The text cannot be read as a declaration; the message says why."""


@dataclass(frozen=True)
class ParsedClause:
    part: str
    number: int
    lead_word: str
    lead_verb: str
    verb_class: str
    text: str
    trackable: bool

    @property
    def anchor(self) -> str:
        return f"{'pre' if self.part == Part.PREAMBLE else 'op'}-{self.number}"


@dataclass(frozen=True)
class ParsedInstrument:
    name: str
    acronym: str
    kind: str
    relation: str
    clause: str


@dataclass
class ParsedDeclaration:
    title: str
    meeting: str
    body: str
    place: str
    adopted_on: datetime.date | None
    clauses: list[ParsedClause] = field(default_factory=list)
    instruments: list[ParsedInstrument] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def preamble(self) -> list[ParsedClause]:
        return [clause for clause in self.clauses if clause.part == Part.PREAMBLE]

    @property
    def operative(self) -> list[ParsedClause]:
        return [clause for clause in self.clauses if clause.part == Part.OPERATIVE]

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "meeting": self.meeting,
            "body": self.body,
            "place": self.place,
            "adopted_on": self.adopted_on.isoformat() if self.adopted_on else None,
            "clauses": [
                {
                    "part": c.part,
                    "number": c.number,
                    "anchor": c.anchor,
                    "lead_word": c.lead_word,
                    "lead_verb": c.lead_verb,
                    "verb_class": c.verb_class,
                    "trackable": c.trackable,
                    "text": c.text,
                }
                for c in self.clauses
            ],
            "instruments": [
                {
                    "name": i.name,
                    "acronym": i.acronym,
                    "kind": i.kind,
                    "relation": i.relation,
                    "clause": i.clause,
                }
                for i in self.instruments
            ],
            "warnings": list(self.warnings),
        }


# --- Lead-verb vocabulary ------------------------------------------------------------------

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


# --- Dates and numbers in words ------------------------------------------------------------

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


# --- Lines and blocks ----------------------------------------------------------------------

_NAV_WORDS = {
    "home", "news", "news and events", "latest releases", "latest news", "press releases",
    "media", "menu", "search", "skip to content", "skip to main content", "back", "english",
    "statements", "statements and communiques", "documents", "publications", "resources",
}  # fmt: skip
_JUNK_WORDS = {
    "more resources", "share this", "share", "print", "print this page", "back to top", "top",
    "related", "related articles", "related news", "download", "download pdf", "email",
    "facebook", "twitter", "x", "linkedin", "whatsapp", "telegram", "copy link", "tags",
    "source", "next", "previous", "read more", "view pdf",
}  # fmt: skip
_MARKER_RE = re.compile(
    r"""^(?:
        (?P<num>\d{1,3})(?P<numsep>[.)][ \t]*|[ \t]+)(?=[^\s\d.])
      | \((?P<paren>[a-z]{1,2}|[ivxlc]{1,5}|\d{1,3})\)[ \t]*
      | (?P<letter>[a-z])[.)][ \t]+
      | (?P<bullet>[-–—•●○◦▪■□‣*·➢►>»])[ \t]*
    )""",
    re.X,
)
_CLOSING_RE = re.compile(
    r"^(?:(?:ADOPTED|Adopted|DONE|Done|SIGNED|Signed|ISSUED|Issued)\s+"
    r"(?:in|at|on|this|by|the|IN|AT|ON|THIS)\b"
    r"|\d{1,3}(?:st|nd|rd|th)\s+plenary\s+meeting\b)"
)
_SEPARATOR_VERBS = ("DECLARE", "DECLARES", "DECIDE", "DECIDES", "AGREE", "AGREES", "RESOLVE")
_SEPARATOR_FILLERS = {"WE", "DO", "HEREBY", "TO", "THE", "FOLLOWING", "AS", "FOLLOWS", "HAVE"}


def _clean(line: str) -> str:
    line = re.sub(r"[\u00a0\u2000-\u200b\u202f\ufeff\t]", " ", line)
    return re.sub(r" {2,}", " ", line).strip()


def _is_separator(line: str) -> bool:
    words = re.findall(r"[A-Za-z]+", line.upper())
    if not words or len(words) > 8 or line.rstrip().endswith((";", ",")):
        return False
    hereby = any(_close(w, "HEREBY", 0.8) for w in words)
    colon = line.rstrip().endswith(":")
    if not (hereby or colon):
        return False
    verb = any(_close(w, v, 0.8) for w in words for v in _SEPARATOR_VERBS)
    if hereby and (verb or colon):
        return True
    if colon and verb:
        return all(
            w in _SEPARATOR_FILLERS or any(_close(w, v, 0.8) for v in _SEPARATOR_VERBS)
            for w in words
        )
    return False


def _end_kind(text: str) -> str:
    """How a paragraph so far ends: 'semi' (; or :), 'stop', 'comma' or 'open'."""
    text = text.rstrip()
    if re.search(r"[;:]\s*(?:and|or)?$", text):
        return "semi"
    if text.endswith((".", "!", "?")):
        return "stop"
    if text.endswith(","):
        return "comma"
    return "open"


_SMALL_WORDS = {"with", "from", "into", "upon", "over", "between", "among", "through",
                "towards", "toward", "against", "within", "under", "amid", "beyond"}  # fmt: skip
_FUNCTION_WORD_END_RE = re.compile(
    r"(?<![;:])\s(?:and|or|of|on|for|the|a|an|to|in|at|by|with|from|its|their|as well as)$"
)


def _title_like(text: str) -> bool:
    """Titles and headings: no final punctuation, every word but small ones capitalised."""
    if re.search(r"[.;:,]$", text.strip()):
        return False
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    return all(w[0].isupper() for w in words if len(w) > 3 and w not in _SMALL_WORDS)


def _word_count(text: str) -> int:
    return len(re.findall(r"\S+", text))


@dataclass
class _Line:
    text: str
    kind: str  # text, date, closing, separator, junk
    indented: bool
    blank_before: bool
    marker: str = ""  # num, letter, bullet or ""
    number: int | None = None
    content: str = ""
    lead: _Lead | None = None


@dataclass
class _Block:
    kind: str
    lines: list[_Line]

    @property
    def first(self) -> _Line:
        return self.lines[0]

    @property
    def lead(self) -> _Lead | None:
        return self.first.lead

    @property
    def marker(self) -> str:
        return self.first.marker

    @property
    def text(self) -> str:
        """The paragraph's text without its number or bullet."""
        return self._join(self.first.content)

    @property
    def full_text(self) -> str:
        """The paragraph's text with its number or bullet, e.g. "(a) review ..."."""
        return self._join(self.first.text)

    @property
    def tail(self) -> str:
        """The end of the paragraph so far: enough to tell how it ends, cheap to compute."""
        return " ".join(line.text for line in self.lines[-2:])

    def _join(self, first: str) -> str:
        out = ""
        for line in self.lines:
            part = first if line is self.first else line.text
            if not out:
                out = part
            elif out.endswith("-") and out[-2:-1].isalpha():
                out += part  # "ADMM-" + "Plus": a compound broken at its hyphen
            else:
                out += " " + part
        return out


def _classify(raw: str, blank_before: bool) -> _Line:
    text = _clean(raw)
    line = _Line(text=text, kind="text", indented=raw[:1] in " \t", blank_before=blank_before)
    line.content = text
    if re.sub(r"[\s:|»>]+$", "", text).lower() in _JUNK_WORDS:
        line.kind = "junk"
        return line
    if _DATE_LINE_RE.fullmatch(text):
        line.kind = "date"
        return line
    marker = _MARKER_RE.match(text)
    if marker:
        content = text[marker.end() :]
        if marker.group("num"):
            line.marker, line.number = "num", int(marker.group("num"))
            next_word = re.match(r"[A-Za-z]+", content)
            if next_word and next_word.group().lower() in _MONTHS:  # "15 November 2023"
                line.marker, line.number, content = "", None, text
        elif marker.group("paren") or marker.group("letter"):
            line.marker = "letter"
        else:
            line.marker = "bullet"
        line.content = content
    if _CLOSING_RE.match(line.content):
        line.kind = "closing"
    elif _is_separator(line.content):
        line.kind = "separator"
    else:
        line.lead = _match_lead(line.content)
    return line


def _read_lines(text: str) -> list[_Line]:
    lines, blank = [], True
    for raw in text.splitlines():
        if not _clean(raw):
            blank = True
            continue
        lines.append(_classify(raw, blank))
        blank = False
    return lines


def _starts_paragraph(line: _Line, block: _Block | None, last_number: int) -> bool:
    """Whether a text line opens a new paragraph rather than continuing `block`."""
    if block is None or block.kind != "text":
        return True
    prev_end = _end_kind(block.tail)
    if line.content[:1].islower():
        return False  # a wrapped line, even across a blank line (page break)
    if not line.marker and _FUNCTION_WORD_END_RE.search(block.tail):
        return False  # "... on Partnering for" + "Change, Engaging the World"
    if line.blank_before:
        return True
    if line.marker == "num":
        if line.text[len(str(line.number))] in ".)":
            return True
        return line.number in (1, last_number + 1)
    if line.marker:
        return True
    if block.marker == "bullet" and block.lead is None and not line.indented:
        return True  # navigation bullets do not continue
    if re.match(r"(?:The|WE|We)[\s,]", line.content):
        return True
    lead = line.lead
    if lead is not None and len(block.lines) == 1 and _is_heading_text(block.first.text):
        return True  # the paragraph after a sub-heading
    if lead is not None and lead.style == "upper":
        return True
    if lead is not None:
        return prev_end in ("semi", "stop", "comma")
    if prev_end == "semi":
        return True
    return prev_end == "stop" and _is_heading_text(line.content)


def _blocks(lines: list[_Line]) -> list[_Block]:
    blocks: list[_Block] = []
    last_number = 0
    for line in lines:
        current = blocks[-1] if blocks else None
        if (
            line.kind == "text"
            and current is not None
            and current.kind == "closing"
            and not current.text.rstrip().endswith((".", ";"))
        ):
            current.lines.append(line)  # a closing line wrapped over two lines
            continue
        if line.kind != "text" or _starts_paragraph(line, current, last_number):
            blocks.append(_Block(kind=line.kind, lines=[line]))
            if line.marker == "num" and line.number is not None:
                last_number = line.number
        else:
            current.lines.append(line)
    return blocks


@functools.lru_cache(maxsize=4096)
def _is_heading_text(text: str) -> bool:
    """A short sub-heading ("Maritime Security", "On Cyber Security"), not a paragraph:
    a short line without final punctuation and without a lead verb."""
    text = re.sub(r"^(?:[A-Z]|[IVX]{1,4}|\d{1,2})[.)]\s+", "", text.strip())
    words = _word_count(text)
    if not text[:1].isupper() or words > 8 or len(text) > 80:
        return False
    if text.endswith(":") and words <= 5:
        text = text[:-1]
    if not re.search(r"[A-Za-z0-9]$", text) or _FUNCTION_WORD_END_RE.search(text):
        return False  # punctuated, or the first line of a wrapped paragraph
    title_like = _title_like(text)
    lead = _match_lead(text)
    if lead is None:
        return title_like or words <= 4
    # "Enhancing Maritime Cooperation" or "STRENGTHENING DEFENCE COOPERATION" - a participle
    # heading; "COMMENDING the Joint Statement" is the start of a paragraph.
    return title_like and not lead.finite and not re.search(r"\b(?:the|a|an)\b", text)


_OPENING_START_RE = re.compile(r"(?i:we\s*,)|(?:The|THE)\s|(?i:on the occasion)")


def _is_opening(text: str) -> bool:
    """The paragraph naming the meeting: 'The Nineteenth ... was convened on ...;' etc."""
    if _match_lead(text) is not None or not _OPENING_START_RE.match(text):
        return False
    if re.match(r"(?i)we\s*,", text):
        return True
    if re.match(r"(?:The|THE)\s|(?i:on the occasion)", text):
        return bool(
            text.rstrip().endswith((",", ";", ":"))
            or re.search(r"(?i)\b(?:convened|gathered|held|met|assembled)\b", text)
            or _numeric_date(text)
        )
    return False


def _body_start(lines: list[_Line]) -> int | None:
    """Index of the first line of the declaration proper (opening, clause or separator)."""
    for i, line in enumerate(lines):
        if line.kind == "separator":
            return i
        if line.kind != "text" or (line.marker == "bullet" and line.lead is None):
            continue
        if line.lead is None and not _OPENING_START_RE.match(line.content):
            continue
        # Evaluate the paragraph this line would open, wrapped lines included.
        tentative = _Block(kind="text", lines=[line])
        for nxt in lines[i + 1 : i + 40]:
            if nxt.kind != "text" or nxt.blank_before or _starts_paragraph(nxt, tentative, 0):
                break
            tentative.lines.append(nxt)
        text = tentative.text
        if _is_opening(text):
            return i
        long_or_ended = _word_count(text) >= 4 or _end_kind(text) != "open"
        if line.lead is not None and long_or_ended and not _title_like(text):
            return i  # not a menu item such as "Support" nor a title such as "Enhancing ..."
    return None


def _header_items(lines: list[_Line]) -> list[_Line]:
    """Header lines, with titles wrapped over several lines joined."""
    items: list[_Line] = []
    for line in lines:
        prev = items[-1] if items else None
        if prev is not None and _continues_title(prev, line):
            joiner = "" if prev.text.endswith("-") else " "
            prev.text = prev.content = f"{prev.text}{joiner}{line.text}"
            continue
        items.append(_Line(**{**line.__dict__}))
    return items


def _continues_title(prev: _Line, line: _Line) -> bool:
    if prev.kind != "text" or line.kind != "text" or prev.marker or line.marker:
        return False
    if re.match(r"(?i)(?:on|of|for|and|in|to|at)\b", line.text) or line.text[:1].islower():
        return True  # "... of the ASEAN Defence Ministers" + "on Defence Cooperation ..."
    if line.blank_before:
        return False
    if re.search(r"(?:\b(?:and|of|on|for|the|in|to|at)|[A-Za-z]-)$", prev.text):
        return True
    if prev.text.isupper() and line.text.isupper():
        return True
    # "Jakarta Joint Declaration of the ADMM-Plus on Practical" + "Cooperation for ..."
    return bool(
        _TITLE_KEYWORDS.search(prev.text)
        and not _numeric_date(prev.text)
        and _title_like(prev.text)
        and _title_like(line.text)
        and line.text[:1].isupper()
        and not re.search(r"\d|/", line.text)
    )


# --- Metadata ------------------------------------------------------------------------------

_TITLE_KEYWORDS = re.compile(
    r"(?i)\b(?:declaration|statement|communiqu[eé]|resolution|vision|concord|accord|"
    r"agreement|charter|plan|consensus|protocol|decision)\b"
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


# --- Instruments ---------------------------------------------------------------------------

_KEYWORDS = [
    (r"Concept Papers?", Kind.CONCEPT_PAPER),
    (r"Standard Operating Procedures?|SOPs?", Kind.SOP),
    (r"Terms of Reference|TORs?", Kind.TERMS_OF_REFERENCE),
    (r"Rules of Procedure|ROP", Kind.RULES_OF_PROCEDURE),
    (r"Code of Conduct|Memorandum of Understanding", Kind.AGREEMENT),
    (
        r"Plans? of Action|Action Plans?|Strategic Plans?|Work ?[Pp]lans?|Strategy Papers?"
        r"|Outlook|Blueprint",
        Kind.PLAN,
    ),
    (r"Joint Statements?|Statements?", Kind.JOINT_STATEMENT),
    (r"Joint Declarations?|Declarations?", Kind.DECLARATION),
    (r"Guidelines?", Kind.GUIDELINES),
    (r"Road ?[Mm]aps?", Kind.ROADMAP),
    (r"(?:Additional )?Protocols?", Kind.PROTOCOL),
    (r"Treaty|Treaties|Conventions?|Charter|Consensus|Agreements?", Kind.AGREEMENT),
    (r"Exercises?", Kind.EXERCISE),
    (r"Conferences?", Kind.CONFERENCE),
    (r"Networks?", Kind.NETWORK),
    (r"Programmes?|Programs?", Kind.PROGRAMME),
    (r"Mechanisms?", Kind.MECHANISM),
    (r"Initiatives?", Kind.OTHER),
]
_KEYWORD_RE = re.compile(
    "|".join(rf"(?P<k{i}>\b(?:{pattern})\b)" for i, (pattern, _) in enumerate(_KEYWORDS))
)


def _keyword_kind(match: re.Match) -> str:
    return _KEYWORDS[int(match.lastgroup[1:])][1]


_GENERIC_ACRONYMS = {
    "SOP", "SOPS", "TOR", "TORS", "ROP", "CBM", "CBMS", "UN", "AI", "ESG", "WPS", "US",
    "USA", "UK", "EU", "HADR", "MOU", "PDR", "ASEAN", "ADMM", "ICT", "IT", "NGO", "NGOS",
    "HQ", "EEZ", "UNSC", "UNGA", "DPRK", "ROK", "PRC", "EWG", "EWGS", "GDP", "CBRN", "IUU",
    "COVID", "COVID-19", "SDG", "SDGS", "AMS",
}  # fmt: skip
_CONNECTORS = {"of", "on", "for", "to", "in", "and", "&", "the", "a", "an", "among", "between",
               "at", "from", "with", "by", "its", "their", "under", "against"}  # fmt: skip
_ARTICLES = {"the", "a", "an"}
_PREPOSITIONS = {"of", "on", "for", "to", "in", "by", "among", "between", "from", "with",
                 "under", "at", "against", "concerning", "regarding"}  # fmt: skip
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
_INNER_VERB_RE = re.compile(r"(?:[,;]\s*|\band\s+|\bas well as\s+)(?=[A-Z]{3,}\b)")
_TOKEN_RE = re.compile(r"\([^()]*\)|[A-Za-z0-9][A-Za-z0-9'’&/.-]*|[^\sA-Za-z0-9]")


@dataclass
class _Token:
    kind: str  # word, paren, punct
    text: str
    start: int
    end: int
    keyword: bool = False


def _tokens(text: str) -> list[_Token]:
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
    text = token.text
    if text.lower() in _MONTHS:
        return True
    return len(text) >= 3 and text.isupper() and ((text,) in _FORMS or text in _PHRASE_FIRST_WORDS)


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
            if "by" in chain and kind not in (Kind.JOINT_STATEMENT, Kind.DECLARATION):
                break
            if chain[0] in ("and", "&"):
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
                token.text in ("and", "of", "&", "for", "on") and not tokens[j - 1].keyword
            )
            if not joins:
                break
            j -= 1
        else:
            break
    return start


def _extend_bare(tokens: list[_Token], end: int) -> int:
    """'the Terms of Reference on the establishment of the X Team, which' -> up to 'Team'."""
    j = end + 1
    if j >= len(tokens) or tokens[j].text not in _PREPOSITIONS:
        return end
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
    return in_head[-1] if in_head else found[0][2]


@dataclass
class _Mention:
    start: int
    end: int
    name: str
    acronym: str
    kind: str


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


def _distinctive(span: list[_Token]) -> bool:
    """Whether a name says more than its kind: "the Guidelines" does not."""
    return any(_is_cap(t) and not t.keyword and t.text.lower() not in _ARTICLES for t in span)


def _find_mentions(text: str, offset: int) -> list[_Mention]:
    """Names containing a kind keyword in text[offset:], with their acronym and kind."""
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
        left = _expand_left(tokens, first, floor)
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
        floor = right + 1
        name_kind = _kind_of(name)
        if name_kind in _ORG_PRONE_KINDS:
            before = text[max(0, span[0].start - 80) : span[0].start]
            after_keyword = text[start : span[-1].end]
            if _ORG_CONTEXT_RE.search(before) or _ORG_WORDS_RE.search(after_keyword):
                continue  # "the Track II Network of ... Institutions (NADI)": an organisation
        acronym = _choose_acronym(span, (first - left, last - left))
        mentions.append(_Mention(span[0].start, span[-1].end, name, acronym, name_kind))
    return mentions


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
    return sorted(regions)


def _relation_at(regions: list[tuple[int, str]], position: int) -> str:
    index = bisect.bisect_right(regions, (position, "\uffff")) - 1
    return regions[max(index, 0)][1]


# --- The parser ----------------------------------------------------------------------------


@dataclass
class _Paragraph:
    text: str
    lead: _Lead | None


@dataclass
class _Body:
    """The declaration proper, split into its parts."""

    opening: str = ""
    closing: str = ""  # the closing line and any date lines after it
    date_lines: list[str] = field(default_factory=list)
    paragraphs: list[_Paragraph] = field(default_factory=list)
    separator: str = ""
    separator_at: int | None = None  # index of the first operative paragraph


def parse_declaration(text: str) -> ParsedDeclaration:
    """Read a declaration's text. Raises ParseError when it cannot be read as one."""
    if not text or not text.strip():
        raise ParseError("The declaration text is empty.")
    lines = _read_lines(text)
    start = _body_start(lines)
    body = _split_body(_blocks(lines[start:])) if start is not None else _Body()
    if not any(p.lead is not None for p in body.paragraphs):
        raise ParseError(
            "No recognisable clauses found: no paragraph starts with a lead word such as "
            "RECOGNISING, ADOPT or Decides. Is this the text of a declaration?"
        )
    warnings: list[str] = []
    operative_at = _operative_start(body, warnings)
    clauses, leads = _clauses(body.paragraphs, operative_at, warnings)
    instruments = _instruments(clauses, leads)
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
    )
    _add_metadata(declaration, _header_items(lines[:start]), body)
    return declaration


def _split_body(blocks: list[_Block]) -> _Body:
    body = _Body()
    in_sublist = after_closing = False
    for block in blocks:
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
            in_sublist = False
        elif block.kind == "text":
            text = block.text
            at_start = not body.paragraphs and body.separator_at is None and not body.opening
            if at_start and _is_opening(text):
                body.opening = text
                continue
            previous = body.paragraphs[-1] if body.paragraphs else None
            if (
                previous is not None
                and block.lead is None
                and (in_sublist or previous.text.rstrip().endswith(":"))
                and (block.marker in ("letter", "bullet") or text[:1].islower())
            ):
                previous.text += " " + block.full_text  # "(a) ...; (b) ..." items
                in_sublist = True
            elif len(block.lines) == 1 and _is_heading_text(block.first.text):
                continue
            else:
                in_sublist = False
                body.paragraphs.append(_Paragraph(text=text, lead=block.lead))
    return body


def _operative_start(body: _Body, warnings: list[str]) -> int:
    paragraphs = body.paragraphs
    if body.separator:
        if body.separator_at >= len(paragraphs):
            raise ParseError(
                f"No operative part found: the separator line '{body.separator}' is followed "
                "by no operative paragraph."
            )
        return body.separator_at
    # No separator (UN resolutions): the first paragraph led by a finite verb.
    for index, paragraph in enumerate(paragraphs):
        if paragraph.lead is not None and paragraph.lead.finite:
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


def _instruments(clauses: list[ParsedClause], leads: list[_Lead]) -> list[ParsedInstrument]:
    """Every instrument each clause names, once per clause, in the order of the text."""
    found: list[tuple[int, int, ParsedInstrument, tuple[int, int]]] = []
    regions_of = []
    for index, (clause, lead) in enumerate(zip(clauses, leads, strict=True)):
        text = clause.text
        offset = len(lead.word) if lead.known else 0
        regions = _relation_regions(text, lead, offset)
        regions_of.append(regions)
        mentions = _find_mentions(text, offset)
        if lead.base in _OBJECT_VERBS and not any(
            _relation_at(regions, m.start) != Relation.CITES for m in mentions
        ):
            extra = _object_fallback(text, offset)
            if extra is not None and all(extra.start != m.start for m in mentions):
                mentions.insert(0, extra)
        for mention in mentions:
            item = ParsedInstrument(
                name=mention.name,
                acronym=mention.acronym,
                kind=mention.kind,
                relation=_relation_at(regions, mention.start),
                clause=clause.anchor,
            )
            found.append((index, mention.start, item, (mention.start, mention.end)))

    # An acronym defined once names the same instrument wherever it is reused bare.
    defined: dict[str, ParsedInstrument] = {}
    acronym_of_name: dict[str, str] = {}
    for _, _, item, _ in found:
        if item.acronym:
            defined.setdefault(item.acronym, item)
            acronym_of_name.setdefault(item.name.lower(), item.acronym)
    named_spans: dict[int, list[tuple[int, int]]] = {}
    for index, _, _, span in found:
        named_spans.setdefault(index, []).append(span)
    for index, clause in enumerate(clauses):
        spans = sorted(named_spans.get(index, []))
        for acronym, item in defined.items():
            for match in re.finditer(rf"(?<![\w(-]){re.escape(acronym)}(?![\w-])", clause.text):
                nearest = bisect.bisect_right(spans, (match.start(), len(clause.text))) - 1
                if nearest >= 0 and match.start() < spans[nearest][1]:
                    continue  # part of a name already listed
                relation = _relation_at(regions_of[index], match.start())
                reuse = replace(item, relation=relation, clause=clause.anchor)
                found.append((index, match.start(), reuse, (match.start(), match.end())))

    result: list[ParsedInstrument] = []
    seen: set[tuple[str, str, str]] = set()
    for _, _, item, _ in sorted(found, key=lambda entry: (entry[0], entry[1])):
        if not item.acronym and item.name.lower() in acronym_of_name:
            item = replace(item, acronym=acronym_of_name[item.name.lower()])
        key = (item.name, item.acronym, item.clause)
        if key not in seen:  # one entry per instrument and clause: its governing mention
            seen.add(key)
            result.append(item)
    return result
