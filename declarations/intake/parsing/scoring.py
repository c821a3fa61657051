"""How well the parser reads a corpus of real declarations, against expectations written by
a reader (never from the parser's output).

A corpus is a folder of `NAME.txt` texts, each with `NAME.expected.json`:
- "preamble", "operative": the lead verb of each paragraph of the part, in order ("" for a
  paragraph with no lead verb; "A|B" when either reading is right);
- "preamble_numbers", "operative_numbers" (optional): each paragraph's number as printed;
- "instruments": [clause anchor, "name|other acceptable name", acronym] for every instrument
  a reader would list, with the paragraph that names it.

Scores:
- segmentation is exact when both parts have the expected number of paragraphs (and, where
  given, the printed numbers);
- a lead verb is right when the paragraph at the same position has it;
- an instrument found is right when the expected list has one in the same paragraph with the
  same acronym or nearly the same name (most of the words of the shorter name in the other).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from .parser import parse_declaration
from .values import ParseError, Part


@dataclass
class DocumentScore:
    name: str
    family: str
    segmentation_exact: bool
    expected_counts: tuple[int, int]
    found_counts: tuple[int, int]
    leads_right: int
    leads_total: int
    instruments_found: int
    instruments_right: int
    instruments_expected: int
    instruments_recalled: int
    error: str = ""
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.instruments_right / self.instruments_found if self.instruments_found else 1.0

    @property
    def recall(self) -> float:
        if not self.instruments_expected:
            return 1.0
        return self.instruments_recalled / self.instruments_expected


@dataclass
class CorpusScore:
    documents: list[DocumentScore]

    @property
    def segmentation_exact(self) -> int:
        return sum(d.segmentation_exact for d in self.documents)

    @property
    def lead_accuracy(self) -> float:
        total = sum(d.leads_total for d in self.documents)
        return sum(d.leads_right for d in self.documents) / total if total else 1.0

    @property
    def precision(self) -> float:
        found = sum(d.instruments_found for d in self.documents)
        return sum(d.instruments_right for d in self.documents) / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = sum(d.instruments_expected for d in self.documents)
        recalled = sum(d.instruments_recalled for d in self.documents)
        return recalled / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


_WORD_RE = re.compile(r"[a-z0-9]+")
_ARTICLES = {"the", "a", "an", "of", "on", "for", "and", "to", "in"}


def _words(name: str) -> set[str]:
    return {w for w in _WORD_RE.findall(name.lower().replace("’", "'")) if w not in _ARTICLES}


def _same_name(found: str, expected: str) -> bool:
    a, b = _words(found), _words(expected)
    if not a or not b:
        return False
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return len(shorter & longer) / len(longer) >= 0.75


def _matches(item, expected: list) -> bool:
    anchor, names, acronym = expected
    if item.clause != anchor:
        return False
    if acronym and item.acronym.lower() == acronym.lower():
        return True
    return any(_same_name(item.name, name) for name in names.split("|"))


def _lead_right(found: str, expected: str) -> bool:
    choices = expected.split("|")
    return found.upper() in choices or (found == "" and "" in choices)


def score_document(text: str, expected: dict, name: str = "") -> DocumentScore:
    pre, op = expected.get("preamble", []), expected.get("operative", [])
    instruments = expected.get("instruments", [])
    score = DocumentScore(
        name=name,
        family=expected.get("family", ""),
        segmentation_exact=False,
        expected_counts=(len(pre), len(op)),
        found_counts=(0, 0),
        leads_right=0,
        leads_total=len(pre) + len(op),
        instruments_found=0,
        instruments_right=0,
        instruments_expected=len(instruments),
        instruments_recalled=0,
    )
    try:
        parsed = parse_declaration(text)
    except ParseError as error:
        score.error = str(error)
        return score
    found_pre, found_op = parsed.preamble, parsed.operative
    score.found_counts = (len(found_pre), len(found_op))
    exact = score.found_counts == score.expected_counts
    for part, key in ((found_pre, "preamble_numbers"), (found_op, "operative_numbers")):
        if key in expected and exact:
            exact = [c.printed_number for c in part] == expected[key]
    score.segmentation_exact = exact
    for found, wanted in ((found_pre, pre), (found_op, op)):
        for clause, lead in zip(found, wanted, strict=False):
            verb = clause.lead_verb if clause.lead_verb and _is_known(clause) else ""
            if _lead_right(verb, lead):
                score.leads_right += 1
            else:
                score.misses.append(f"{clause.anchor}: lead {verb or '-'} != {lead or '-'}")
    score.instruments_found = len(parsed.instruments)
    for item in parsed.instruments:
        if any(_matches(item, e) for e in instruments):
            score.instruments_right += 1
        else:
            score.misses.append(f"{item.clause}: extra {item.name} ({item.acronym})")
    for wanted in instruments:
        if any(_matches(item, wanted) for item in parsed.instruments):
            score.instruments_recalled += 1
        else:
            score.misses.append(f"{wanted[0]}: missed {wanted[1]}")
    return score


def _is_known(clause) -> bool:
    return clause.verb_class != "unknown" or clause.part == Part.PREAMBLE


def score_corpus(folder: Path) -> CorpusScore:
    documents = []
    for path in sorted(Path(folder).glob("*.txt")):
        expected_path = path.with_suffix(".expected.json")
        if not expected_path.exists():
            continue
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        documents.append(score_document(path.read_text(encoding="utf-8"), expected, path.stem))
    return CorpusScore(documents)


def acronym_stress_text(paragraphs: int) -> str:
    """A declaration of `paragraphs` operative paragraphs, each defining an acronym."""
    lines = [
        "Joint Declaration on Measuring the Parser",
        "The Twentieth ASEAN Defence Ministers' Meeting was convened on 5 November 2026;",
        "RECOGNISING the need to measure;",
        "HEREBY DECLARE TO:",
    ]
    for n in range(paragraphs):
        code = "".join(chr(65 + (n // 26**k) % 26) for k in range(4))
        lines.append(f"ADOPT the Concept Paper on Cooperation Area {n} (X{code});")
    return "\n".join(lines)


def time_acronym_stress(paragraphs: int = 2000) -> float:
    text = acronym_stress_text(paragraphs)
    started = time.perf_counter()
    parse_declaration(text)
    return time.perf_counter() - started


def report(score: CorpusScore) -> list[str]:
    lines = [
        f"{'document':44} {'family':32} seg   leads    instr P/R",
    ]
    for d in score.documents:
        seg = "exact" if d.segmentation_exact else "NO"
        counts = "" if d.segmentation_exact else f" {d.found_counts}!={d.expected_counts}"
        lines.append(
            f"{d.name[:44]:44} {d.family[:32]:32} {seg:5} {d.leads_right:3}/{d.leads_total:<3} "
            f"{d.precision:5.2f}/{d.recall:4.2f}{counts}{'  ERROR ' + d.error if d.error else ''}"
        )
    lines.append(
        f"TOTAL {len(score.documents)} documents: segmentation exact "
        f"{score.segmentation_exact}/{len(score.documents)}, lead verbs "
        f"{score.lead_accuracy:.1%}, instruments P {score.precision:.2f} R {score.recall:.2f} "
        f"F1 {score.f1:.2f}"
    )
    return lines
