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

from .dates import words_to_number
from .editions import ordinal_value, split_edition
from .parser import parse_declaration
from .values import (
    AcronymUse,
    Kind,
    ParsedClause,
    ParsedDeclaration,
    ParsedInstrument,
    ParseError,
    Part,
    Relation,
    VerbClass,
)

__all__ = [
    "AcronymUse",
    "Kind",
    "ParseError",
    "ParsedClause",
    "ParsedDeclaration",
    "ParsedInstrument",
    "Part",
    "Relation",
    "VerbClass",
    "parse_declaration",
    "ordinal_value",
    "split_edition",
    "words_to_number",
]
