"""The parser's score on the corpus of real declarations (tests/corpus), and the command that
prints it. The floors are the figures reached, so a change that reads real texts worse
fails here; they are not targets the corpus was tuned to."""

import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from declarations.intake.parsing.scoring import (
    acronym_stress_text,
    score_corpus,
    score_document,
)

CORPUS = Path(__file__).resolve().parent / "corpus"


def test_every_corpus_text_has_a_reader_written_expectation_and_a_source():
    texts = sorted(CORPUS.glob("*.txt"))
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    assert len(texts) >= 15
    for text in texts:
        assert text.with_suffix(".expected.json").exists(), text.name
        assert f"`{text.name}`" in sources, text.name


def test_the_corpus_holds_texts_of_five_families_or_more():
    families = {
        json.loads(path.read_text(encoding="utf-8"))["family"].split(" (")[0]
        for path in CORPUS.glob("*.expected.json")
    }
    assert len(families) >= 5, families


def test_the_corpus_score_does_not_fall_below_what_was_reached():
    score = score_corpus(CORPUS)
    assert len(score.documents) >= 15
    assert score.segmentation_exact == len(score.documents)
    assert score.lead_accuracy >= 0.999
    assert score.precision >= 0.98
    assert score.recall >= 0.96
    assert score.f1 >= 0.97


def test_a_document_that_cannot_be_parsed_scores_zero_with_its_error():
    score = score_document("Home\nNews", {"operative": ["ADOPT"]}, "nav-only")
    assert score.error
    assert score.leads_right == 0
    assert not score.segmentation_exact


def test_an_instrument_matches_by_acronym_or_nearly_the_same_name_in_its_paragraph():
    text = "\n".join(
        [
            "Joint Declaration on Testing",
            "The Twentieth ASEAN Defence Ministers' Meeting was convened on 5 November 2026;",
            "RECOGNISING the need;",
            "HEREBY DECLARE TO:",
            "ADOPT the Concept Paper on Harbour Safety (CPHS);",
            "ADOPT the Guidelines on Reef Patrols;",
        ]
    )
    expected = {
        "preamble": ["RECOGNISING"],
        "operative": ["ADOPT", "ADOPT"],
        "instruments": [["op-1", "Concept Paper on Port Safety", "CPHS"], ["op-1", "Reef", ""]],
    }
    score = score_document(text, expected)
    assert score.segmentation_exact
    assert (score.leads_right, score.leads_total) == (3, 3)
    assert score.instruments_found == 2
    assert score.instruments_right == 1  # the guidelines are named in op-2, not op-1
    assert score.instruments_recalled == 1


def test_the_stress_text_defines_a_distinct_acronym_in_every_paragraph():
    text = acronym_stress_text(30)
    acronyms = [line.rsplit("(", 1)[1] for line in text.splitlines() if line.startswith("ADOPT")]
    assert len(acronyms) == len(set(acronyms)) == 30


def test_the_score_command_prints_a_line_per_document_and_a_total():
    out = StringIO()
    call_command("score_parser", "--stress", "50", stdout=out)
    lines = out.getvalue().splitlines()
    names = {p.stem for p in CORPUS.glob("*.txt")}
    assert sum(any(line.startswith(n) for n in names) for line in lines) == len(names)
    assert any(line.startswith("TOTAL") for line in lines)
    assert lines[-1].startswith("50 paragraphs each defining an acronym:")
