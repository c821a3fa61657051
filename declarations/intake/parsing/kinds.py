"""What kinds of instrument a name can be, by the keyword at its head, and the patterns that
say whether a conference is held or where something was said."""

from __future__ import annotations

import re

from .values import Kind

# Studies, reviews and reports are instruments when the paragraph adopts, endorses, welcomes
# or notes them ("we endorse the Joint Study on ..."); cited in passing, they are not. The
# parser lists them with the kind "other".
REPORT = "report"

_KEYWORDS = [
    (r"Concept Papers?", Kind.CONCEPT_PAPER),
    (r"Standard Operating Procedures?|SOPs?", Kind.SOP),
    (r"Terms of Reference|TORs?", Kind.TERMS_OF_REFERENCE),
    (r"Rules of Procedure|ROP", Kind.RULES_OF_PROCEDURE),
    (
        r"Code of Conduct|Codes?|Memorand(?:um|a)(?: of (?:Understanding|Cooperation|Agreement))?"
        r"|Letters? of Intent|Exchanges? of (?:Notes|Letters)",
        Kind.AGREEMENT,
    ),
    (
        r"Plans? of Action|Action Plans?|Strategic Plans?|Work ?[Pp]lans?|Strategy Papers?"
        r"|Outlook|Blueprint|Strateg(?:y|ies)|Agenda|Plans?",
        Kind.PLAN,
    ),
    (r"Frameworks?", Kind.FRAMEWORK),
    (r"Vision Statements?|Visions?(?= \d{4}\b)", Kind.VISION_STATEMENT),  # "Vision 2025"
    (r"Joint Statements?|Statements?", Kind.JOINT_STATEMENT),
    (r"Resolutions?", Kind.RESOLUTION),
    (r"Joint Declarations?|Declarations?|Decisions?", Kind.DECLARATION),
    (r"Guidelines?|Principles", Kind.GUIDELINES),  # "the G20 High-Level Principles on ..."
    (r"Road ?[Mm]aps?", Kind.ROADMAP),
    (r"(?:Additional )?Protocols?", Kind.PROTOCOL),
    (
        r"Treaty|Treaties|Conventions?|Charter|Consensus|Agreements?|Accords?|Compacts?|Covenants?",
        Kind.AGREEMENT,
    ),
    (r"Arrangements?", Kind.ARRANGEMENT),
    (r"Exercises?", Kind.EXERCISE),
    (r"Conferences?", Kind.CONFERENCE),
    (r"Networks?", Kind.NETWORK),
    (r"Programmes?|Programs?", Kind.PROGRAMME),
    (r"Mechanisms?", Kind.MECHANISM),
    (r"Partnerships?", Kind.PARTNERSHIP),
    (r"Initiatives?|Model(?= [A-Z])", Kind.OTHER),  # "the Model National Response"
    (r"Stud(?:y|ies)|Reviews?|Reports?|Assessments?|Evaluations?", REPORT),
]
# A UN resolution cited by its number: "resolution 77/245", "resolution 192 (III)",
# "resolution 221 (IX) E", "A/RES/79/317".
_RESOLUTION_RE = re.compile(
    r"\b(?:[Rr]esolutions?\s+(?:A/RES/)?\d{1,4}(?:/\d{1,4})?(?:\s*\([IVXLCivxlc]{1,6}\))?"
    r"(?:\s+[A-Z]\b)?|A/RES/\d{1,3}/\d{1,4})"
)
# After "at the" or "by the", a meeting ends a name rather than continuing it: "the Work
# Plan on Connectivity at the 40th Summit".
_EVENT_WORDS = {"Summit", "Summits", "Meeting", "Meetings", "Conference", "Session", "Retreat",
                "Forum", "Assembly", "Dialogue"}  # fmt: skip
# A conference is an instrument when it is the thing adopted, approved or held, not where
# something was said: "APPROVE the ... Conference", "the convening of the ... Conference".
_HELD_BEFORE_RE = re.compile(
    r"(?i)\b(?:convening|holding|hosting|conduct|organi[sz]ation|organi[sz]ing|convene|host|"
    r"hold|organi[sz]e|launch|launching|success)\s+(?:of\s+)?(?:the\s+)?(?:[\w'’-]+\s+){0,6}$"
)
_KEYWORD_RE = re.compile(
    "|".join(rf"(?P<k{i}>\b(?:{pattern})\b)" for i, (pattern, _) in enumerate(_KEYWORDS))
)


def _keyword_kind(match: re.Match) -> str:
    return _KEYWORDS[int(match.lastgroup[1:])][1]
