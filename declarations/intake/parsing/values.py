"""The parser's value sets, kept in sync with the TextChoices in declarations/models/base.py,
and the dataclasses it returns."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


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
    ARRANGEMENT = "arrangement"
    PARTNERSHIP = "partnership"
    RESOLUTION = "resolution"
    FRAMEWORK = "framework"
    VISION_STATEMENT = "vision_statement"
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
    # The paragraph's number as printed in the text ("7" for "7. Decides ..."), or "" when
    # the text does not number it; `number` is always the position within its part.
    printed_number: str = ""

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


@dataclass(frozen=True)
class AcronymUse:
    """An acronym a clause uses bare, defined nowhere in the text ("the 3rd AUMX"): an
    instrument only if the database knows it (see `editions`)."""

    acronym: str
    relation: str
    clause: str
    edition: int | None = None


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
    acronym_uses: list[AcronymUse] = field(default_factory=list)

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
                    "printed_number": c.printed_number,
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
