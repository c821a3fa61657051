"""declarations.parsing: declaration text -> clauses, instruments and metadata.

Pure Python; runs without Django:
    .venv/bin/python -m pytest -p no:django --noconftest -q tests/test_parsing.py
"""

import datetime
import functools
import json
import textwrap
from pathlib import Path

import pytest

from declarations.intake.parsing import (
    Kind,
    ParsedDeclaration,
    ParseError,
    Part,
    Relation,
    VerbClass,
    parse_declaration,
    words_to_number,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "declarations"
SEED_NAME = "kl-2025-admm-joint-declaration.txt"
SINGAPORE = "singapore-2023-admm-numbered.txt"
VIENTIANE = "vientiane-2024-admm-wrapped.txt"
UNGA = "unga-2024-resolution.txt"
JAKARTA = "jakarta-2023-admm-plus-subheadings.txt"


# The seed is the app's own demo data; the other texts exist for these tests.
SEED_FOLDER = Path(__file__).resolve().parent.parent / "declarations" / "fixtures"


def read(name: str) -> str:
    folder = SEED_FOLDER if name == SEED_NAME else FIXTURES
    return (folder / name).read_text(encoding="utf-8")


@functools.cache
def parsed(name: str) -> ParsedDeclaration:
    return parse_declaration(read(name))


def clause(declaration: ParsedDeclaration, anchor: str):
    return next(c for c in declaration.clauses if c.anchor == anchor)


def instruments_in(declaration: ParsedDeclaration, anchor: str):
    return [i for i in declaration.instruments if i.clause == anchor]


def declaration_text(*paragraphs: str, title="Joint Declaration on Testing the Parser") -> str:
    """A small declaration: title, opening, the given lines."""
    opening = "The Twentieth ASEAN Defence Ministers' Meeting was convened on 5 November 2026;"
    return "\n".join([title, opening, *paragraphs])


def only_instrument_of(declaration: ParsedDeclaration, anchor: str):
    found = instruments_in(declaration, anchor)
    assert len(found) == 1, found
    return found[0]


def only_instrument(*paragraphs: str, anchor="op-1"):
    found = instruments_in(parse_declaration(declaration_text(*paragraphs)), anchor)
    assert len(found) == 1, found
    return found[0]


# --- The seed: the Kuala Lumpur Joint Declaration of 31 October 2025 -----------------------


class TestSeed:
    @pytest.fixture
    def seed(self):
        return parsed(SEED_NAME)

    def test_it_reads_title_date_place_meeting_and_body(self, seed):
        assert seed.title == (
            "Kuala Lumpur Joint Declaration of the ADMM on ASEAN Unity for Security and Prosperity"
        )
        assert seed.adopted_on == datetime.date(2025, 10, 31)
        assert seed.place == "Kuala Lumpur, Malaysia"
        assert seed.meeting == "19th ADMM"
        assert seed.body == "ADMM"

    def test_it_finds_13_preambular_and_25_operative_clauses(self, seed):
        assert len(seed.preamble) == 13
        assert len(seed.operative) == 25
        assert [c.number for c in seed.preamble] == list(range(1, 14))
        assert [c.anchor for c in seed.operative][:2] == ["op-1", "op-2"]

    def test_it_reads_the_lead_words(self, seed):
        assert seed.preamble[0].lead_verb == "RECOGNISING"
        assert seed.operative[0].lead_verb == "STRENGTHEN"
        assert seed.operative[4].lead_verb == "LOOK FORWARD"
        assert seed.operative[4].lead_word == "LOOK FORWARD"
        assert seed.operative[-1].lead_verb == "WELCOME"

    def test_it_corrects_a_misspelt_lead_word_and_says_so(self, seed):
        second = seed.preamble[1]
        assert second.lead_word == "ACKNOWLDEGING"
        assert second.lead_verb == "ACKNOWLEDGING"
        assert second.text.startswith("ACKNOWLDEGING the commitment")  # text stays as written
        assert any("ACKNOWLDEGING" in w and "ACKNOWLEDGING" in w for w in seed.warnings)

    def test_navigation_title_date_opening_and_closing_are_not_clauses(self, seed):
        texts = [c.text for c in seed.clauses]
        for stray in ("Home", "News and events", "Latest Releases", "More Resources"):
            assert all(not t.startswith(stray) for t in texts)
        assert all(not t.startswith("Kuala Lumpur Joint Declaration") for t in texts)
        assert all(t != "31 October 2025" for t in texts)
        assert all("was convened on" not in t for t in texts)
        assert all(not t.startswith("ADOPTED in") for t in texts)
        assert all("HEREBY DECLARES" not in t for t in texts)

    def test_it_keeps_a_second_participle_inside_one_paragraph(self, seed):
        fifth = seed.preamble[4]
        assert fifth.lead_verb == "REAFFIRMING"
        assert "and SUPPORTING the full implementation of the 5PC" in fifth.text
        assert seed.preamble[5].lead_verb == "REITERATING"

    def test_preambular_clauses_are_declaratory_and_never_trackable(self, seed):
        assert {c.verb_class for c in seed.preamble} == {VerbClass.DECLARATORY}
        assert not any(c.trackable for c in seed.preamble)
        assert {c.part for c in seed.preamble} == {Part.PREAMBLE}

    @pytest.mark.parametrize(
        ("anchor", "verb_class", "trackable"),
        [
            ("op-1", VerbClass.COMMITMENT, True),  # STRENGTHEN
            ("op-2", VerbClass.COMMITMENT, True),  # INTENSIFY
            ("op-4", VerbClass.DECLARATORY, False),  # EMPHASISE
            ("op-5", VerbClass.COMMITMENT, True),  # LOOK FORWARD
            ("op-6", VerbClass.DECLARATORY, False),  # RECOGNISE
            ("op-8", VerbClass.WELCOMES, True),  # WELCOME the signing of ...
            ("op-9", VerbClass.ADOPTS, True),  # ADOPT
            ("op-18", VerbClass.ADOPTS, True),  # APPROVE
            ("op-20", VerbClass.WELCOMES, True),  # WELCOME the conduct of the 2nd AUMX
        ],
    )
    def test_operative_verbs_are_classified(self, seed, anchor, verb_class, trackable):
        assert clause(seed, anchor).verb_class == verb_class
        assert clause(seed, anchor).trackable is trackable

    def test_expressing_appreciation_is_declaratory_and_not_trackable(self, seed):
        express = clause(seed, "op-24")
        assert express.lead_verb == "EXPRESS"
        assert express.verb_class == VerbClass.DECLARATORY
        assert express.trackable is False

    def test_welcoming_the_next_chair_names_no_instrument_and_is_not_trackable(self, seed):
        last = seed.operative[-1]
        assert last.text.startswith("WELCOME the Republic of the Philippines as the next")
        assert instruments_in(seed, last.anchor) == []
        assert last.verb_class == VerbClass.WELCOMES
        assert last.trackable is False

    @pytest.mark.parametrize(
        ("anchor", "acronym", "kind", "name_start"),
        [
            ("op-9", "ADIC", Kind.CONCEPT_PAPER, "Concept Paper on Enhancing ASEAN Defence"),
            ("op-10", "ADSARX", Kind.CONCEPT_PAPER, "Concept Paper on ASEAN Defence Search and"),
            ("op-11", "AMHIC", Kind.CONCEPT_PAPER, "Concept Paper on the Establishment of ASEAN"),
            ("op-12", "CUI", Kind.CONCEPT_PAPER, "Concept Paper on Critical Underwater"),
            ("op-13", "ACDN", Kind.GUIDELINES, "ASEAN Cyber Defence Network Guidelines and Road"),
            ("op-14", "ADEIC", Kind.RULES_OF_PROCEDURE, "Rules of Procedure for ASEAN Defence"),
            ("op-15", "", Kind.SOP, "Standard Operating Procedure on Enhancing Cooperation"),
            ("op-16", "ESMAWP", Kind.TERMS_OF_REFERENCE, "Terms of Reference of the Enhancing"),
            ("op-17", "", Kind.PROTOCOL, "3rd Additional Protocol to the Concept Papers on the"),
        ],
    )
    def test_it_lists_the_nine_adopted_documents(self, seed, anchor, acronym, kind, name_start):
        adopted = [i for i in instruments_in(seed, anchor) if i.relation == Relation.ADOPTS]
        assert len(adopted) == 1
        assert adopted[0].acronym == acronym
        assert adopted[0].kind == kind
        assert adopted[0].name.startswith(name_start)
        assert "(" not in adopted[0].name
        assert not adopted[0].name.lower().startswith("the ")

    def test_adopted_names_drop_the_parentheses_wherever_they_stand(self, seed):
        names = {i.clause: i.name for i in seed.instruments if i.relation == Relation.ADOPTS}
        assert names["op-9"] == "Concept Paper on Enhancing ASEAN Defence Industry Collaboration"
        assert names["op-13"] == (
            "ASEAN Cyber Defence Network Guidelines and Roadmap for the Implementation of ACDN"
        )
        assert names["op-14"] == (
            "Rules of Procedure for ASEAN Defence Educational Institutions' Collaboration"
        )
        assert names["op-17"] == (
            "3rd Additional Protocol to the Concept Papers on the Establishment of the ADMM and "
            "ADMM-Plus"
        )

    def test_exactly_nine_documents_are_adopted(self, seed):
        adopted = [i for i in seed.instruments if i.relation == Relation.ADOPTS]
        assert [i.clause for i in adopted] == [f"op-{n}" for n in range(9, 18)]

    def test_it_approves_the_maritime_cybersecurity_conference(self, seed):
        approved = [i for i in seed.instruments if i.relation == Relation.APPROVES]
        assert len(approved) == 1
        assert approved[0].name == "Maritime Cybersecurity Conference"
        assert approved[0].kind == Kind.CONFERENCE
        assert approved[0].acronym == ""
        assert approved[0].clause == "op-18"

    def test_it_lists_the_welcomed_sop_exercise_and_joint_statements(self, seed):
        welcomed = {
            i.clause: i
            for i in seed.instruments
            if i.relation == Relation.WELCOMES and i.clause.startswith("op-")
        }
        # The seed's op-19..op-23 (the brief's "op-21..op-25" miscounts the 25 paragraphs).
        assert welcomed["op-19"].acronym == "AMRG"
        assert welcomed["op-19"].kind == Kind.SOP
        assert welcomed["op-20"].acronym == "AUMX"
        assert welcomed["op-20"].kind == Kind.EXERCISE
        assert welcomed["op-20"].name == "2nd ASEAN-United States Maritime Exercise"
        for anchor in ("op-21", "op-22", "op-23"):
            assert welcomed[anchor].kind == Kind.JOINT_STATEMENT
            assert welcomed[anchor].name.startswith("Joint Statement by the")

    def test_welcome_the_signing_of_two_documents_lists_both(self, seed):
        signed = instruments_in(seed, "op-8")
        assert [i.kind for i in signed] == [Kind.DECLARATION, Kind.TERMS_OF_REFERENCE]
        assert {i.relation for i in signed} == {Relation.WELCOMES}
        assert (
            signed[1].name == "Terms of Reference on the establishment of the ASEAN Observer Team"
        )

    def test_an_acronym_reused_bare_resolves_to_the_instrument_it_defined(self, seed):
        for acronym in ("5PC", "COC", "DOC"):
            mentions = [i for i in seed.instruments if i.acronym == acronym]
            assert len({(i.name, i.acronym, i.kind) for i in mentions}) == 1, acronym
            parts = {i.clause.split("-")[0] for i in mentions}
            assert parts == {"pre", "op"}, acronym
        consensus = next(i for i in seed.instruments if i.acronym == "5PC")
        assert consensus.name == "ASEAN Leaders' Five-Point Consensus"
        assert consensus.kind == Kind.AGREEMENT
        coc = [i for i in seed.instruments if i.acronym == "COC"]
        assert coc[0].name == "Code of Conduct in the South China Sea"
        assert ("op-5", Relation.LOOKS_FORWARD) in {(i.clause, i.relation) for i in coc}

    def test_the_preamble_cites_the_2002_doc(self, seed):
        doc = next(i for i in seed.instruments if i.acronym == "DOC")
        assert doc.name == "2002 Declaration on the Conduct of Parties in the South China Sea"
        assert doc.kind == Kind.DECLARATION
        assert doc.clause.startswith("pre-")

    def test_organisations_and_generic_abbreviations_are_not_instruments(self, seed):
        acronyms = {i.acronym for i in seed.instruments}
        for not_an_instrument in ("EWGs", "ACDFM", "NADI", "UN", "AI", "ESG", "WPS", "ROP"):
            assert not_an_instrument not in acronyms
        for generic in ("SOP", "TOR", "CBMs", "U.S.", "US"):
            assert generic not in acronyms
        names = " | ".join(i.name for i in seed.instruments)
        assert "Track II Network" not in names
        assert "Working Group" not in names
        assert "AHA Centre" not in names

    def test_it_lists_each_instrument_once_per_clause(self, seed):
        keys = [(i.name, i.acronym, i.clause) for i in seed.instruments]
        assert len(keys) == len(set(keys))

    def test_documents_named_after_the_verbs_object_are_only_cited(self, seed):
        # "ADOPT the TOR ..., aimed at ... in line with the ASEAN Regional Plan of Action ..."
        plans = [i for i in instruments_in(seed, "op-16") if i.kind == Kind.PLAN]
        assert "ASEAN Regional Plan of Action on Women, Peace and Security" in [
            i.name for i in plans
        ]
        assert {i.relation for i in plans} == {Relation.CITES}
        # "APPROVE the Maritime Cybersecurity Conference, as the 2nd AOIP activity ..."
        aoip = [i for i in instruments_in(seed, "op-18") if i.acronym == "AOIP"]
        assert [i.relation for i in aoip] == [Relation.CITES]

    def test_it_survives_blank_lines_and_windows_line_endings(self, seed):
        for variant in (
            "\n\n".join(read(SEED_NAME).splitlines()),
            read(SEED_NAME).replace("\n", "\r\n"),
        ):
            again = parse_declaration(variant)
            assert again.clauses == seed.clauses
            assert again.instruments == seed.instruments

    @pytest.mark.parametrize("width", [60, 72, 100])
    def test_it_joins_paragraphs_hard_wrapped_at_any_width(self, seed, width):
        wrapped = "\n".join(
            textwrap.fill(line, width) if line.strip() else line
            for line in read(SEED_NAME).splitlines()
        )
        again = parse_declaration(wrapped)
        assert [c.text for c in again.clauses] == [c.text for c in seed.clauses]
        assert again.instruments == seed.instruments
        assert (again.title, again.adopted_on) == (seed.title, seed.adopted_on)

    @pytest.mark.parametrize("style", ["{n}. ", "{n} ", "{n}.", "({n}) ", "• "])
    def test_it_strips_any_numbering_or_bullet_added_to_the_paragraphs(self, seed, style):
        clause_lines = {c.text for c in seed.clauses}  # one line each in the seed
        lines, number = [], 0
        for line in read(SEED_NAME).splitlines():
            number = 0 if line == "HEREBY DECLARES TO:" else number
            if line in clause_lines:
                number += 1
                line = style.format(n=number) + line
            lines.append(line)
        again = parse_declaration("\n".join(lines))
        assert [c.text for c in again.clauses] == [c.text for c in seed.clauses]
        assert again.instruments == seed.instruments

    def test_to_dict_is_json_ready(self, seed):
        data = json.loads(json.dumps(seed.to_dict()))
        assert data["adopted_on"] == "2025-10-31"
        assert data["meeting"] == "19th ADMM"
        assert len(data["clauses"]) == 38
        assert data["clauses"][0] == {
            "part": "preamble",
            "number": 1,
            "anchor": "pre-1",
            "lead_word": "RECOGNISING",
            "lead_verb": "RECOGNISING",
            "verb_class": "declaratory",
            "trackable": False,
            "text": seed.clauses[0].text,
            "printed_number": "",
        }
        assert set(data["instruments"][0]) == {"name", "acronym", "kind", "relation", "clause"}
        assert isinstance(data["warnings"], list)


# --- Format 1: numbered paragraphs, "WE HEREBY DECLARE TO:", "WE, the Defence Ministers" ----


class TestNumberedDeclaration:
    @pytest.fixture
    def declaration(self):
        return parsed(SINGAPORE)

    def test_it_reads_the_we_the_defence_ministers_opening(self, declaration):
        assert declaration.meeting == "17th ADMM"
        assert declaration.body == "ADMM"
        assert declaration.place == "Singapore"
        assert declaration.adopted_on == datetime.date(2023, 11, 15)

    def test_it_joins_an_all_caps_title_wrapped_over_two_lines(self, declaration):
        assert declaration.title == (
            "JOINT DECLARATION OF THE ASEAN DEFENCE MINISTERS ON SUSTAINING PEACE AND "
            "RESILIENCE IN A CHANGING REGION"
        )

    def test_it_keeps_each_paragraphs_number_as_printed_beside_its_position(self, declaration):
        numbered = [c for c in declaration.clauses if c.printed_number]
        assert numbered, "the Singapore text numbers its paragraphs"
        assert all(c.printed_number.isdigit() for c in numbered)
        assert [c.number for c in declaration.operative] == list(
            range(1, len(declaration.operative) + 1)
        )

    def test_it_strips_the_numbering_from_operative_paragraphs(self, declaration):
        assert len(declaration.preamble) == 5
        assert len(declaration.operative) == 7
        assert declaration.operative[0].text.startswith("ADOPT the Concept Paper")
        assert declaration.operative[-1].text.startswith("EXPRESS our appreciation")

    def test_it_reads_multi_word_preambular_leads(self, declaration):
        assert [c.lead_verb for c in declaration.preamble] == [
            "RECALLING",
            "FURTHER RECALLING",
            "NOTING WITH APPRECIATION",
            "BEARING IN MIND",
            "DEEPLY CONCERNED",
        ]

    def test_it_reads_multi_word_operative_leads(self, declaration):
        take_note, further_reaffirm = declaration.operative[2], declaration.operative[4]
        assert (take_note.lead_verb, take_note.verb_class) == ("TAKE NOTE", VerbClass.WELCOMES)
        assert further_reaffirm.lead_verb == "FURTHER REAFFIRM"
        assert further_reaffirm.verb_class == VerbClass.DECLARATORY
        assert declaration.operative[5].lead_verb == "TASK"
        assert declaration.operative[5].verb_class == VerbClass.COMMITMENT

    def test_noting_an_instrument_makes_a_welcoming_clause_trackable(self, declaration):
        take_note, commend = declaration.operative[2], declaration.operative[3]
        assert [i.relation for i in instruments_in(declaration, take_note.anchor)] == [
            Relation.NOTES
        ]
        assert take_note.trackable is True
        assert instruments_in(declaration, commend.anchor) == []  # a group, not an instrument
        assert commend.trackable is False

    def test_it_lists_adopted_and_approved_documents(self, declaration):
        adopted = only_instrument_of(declaration, "op-1")
        assert (adopted.acronym, adopted.kind, adopted.relation) == (
            "ADMRRN",
            Kind.CONCEPT_PAPER,
            Relation.ADOPTS,
        )
        approved = only_instrument_of(declaration, "op-2")
        assert (approved.acronym, approved.kind, approved.relation) == (
            "GMSHDO",
            Kind.GUIDELINES,
            Relation.APPROVES,
        )

    def test_a_name_written_in_full_again_keeps_its_acronym(self, declaration):
        tac = [i for i in declaration.instruments if "Amity" in i.name]
        assert {(i.clause, i.acronym) for i in tac} == {("pre-1", "TAC"), ("op-5", "TAC")}
        assert next(i for i in tac if i.clause == "op-5").relation == Relation.REAFFIRMS

    def test_the_done_at_closing_line_is_not_a_clause(self, declaration):
        assert not any(c.text.startswith("DONE at") for c in declaration.clauses)
        assert not any(c.text.startswith("WE HEREBY") for c in declaration.clauses)
        assert declaration.warnings == []


# --- Format 2: bullets, "1 " and "3.ADOPT" numbering, wrapped lines, "DO HEREBY DECLARE:" --


class TestWrappedDeclaration:
    @pytest.fixture
    def declaration(self):
        return parsed(VIENTIANE)

    def test_it_reads_metadata_from_a_wrapped_opening(self, declaration):
        assert declaration.title == (
            "Vientiane Joint Declaration of the ASEAN Defence Ministers on Defence Cooperation "
            "for a Connected and Resilient ASEAN"
        )
        assert declaration.meeting == "18th ADMM"
        assert declaration.place == "Vientiane, Lao PDR"
        assert declaration.adopted_on == datetime.date(2024, 11, 21)

    def test_it_joins_paragraphs_wrapped_over_several_lines(self, declaration):
        first = declaration.preamble[0]
        assert first.text == (
            "RECALLING the Joint Declaration of the ASEAN Defence Ministers on Partnering for "
            "Change, Engaging the World, adopted in Singapore in 2017, and its call for closer "
            "practical cooperation;"
        )
        assert declaration.operative[0].text.endswith(
            "including in the maritime, cyber and health domains;"
        )

    def test_it_reads_bullets_and_every_numbering_style(self, declaration):
        assert [c.lead_verb for c in declaration.preamble] == [
            "RECALLING",
            "RECOGNISING",
            "WELCOMING",
            "MINDFUL",
        ]
        assert [c.lead_verb for c in declaration.operative] == [
            "STRENGTHEN",  # "1 STRENGTHEN"
            "ENHANCE",  # "2.  ENHANCE"
            "ADOPT",  # "3.ADOPT"
            "ENDORSE",
            "TASK",
            "CONTINUE",
            "WELCOME",
        ]
        assert all(not c.text[0].isdigit() and c.text[0] != "•" for c in declaration.clauses)

    def test_it_folds_lettered_sub_items_into_their_paragraph(self, declaration):
        task = declaration.operative[4]
        assert task.text.startswith("TASK the ASEAN Defence Senior Officials' Meeting (ADSOM) to:")
        assert "(a) review the implementation of this Declaration" in task.text
        assert task.text.endswith(
            "(b) identify areas where cooperation with external partners could add value;"
        )

    def test_endorse_approves_and_the_generic_sop_abbreviation_is_no_acronym(self, declaration):
        sop = only_instrument_of(declaration, "op-3")
        assert sop.kind == Kind.SOP
        assert sop.acronym == ""
        assert sop.name == (
            "Standard Operating Procedure on Military-to-Military Information Sharing in "
            "Disaster Response"
        )
        tor = only_instrument_of(declaration, "op-4")
        assert (tor.kind, tor.acronym, tor.relation) == (
            Kind.TERMS_OF_REFERENCE,
            "ADCIRX",
            Relation.APPROVES,
        )

    def test_it_reads_a_closing_date_in_words_wrapped_over_two_lines(self):
        text = read(VIENTIANE).replace("was held on 21 November 2024", "was held")
        declaration = parse_declaration(text)
        assert declaration.adopted_on == datetime.date(2024, 11, 21)

    def test_stray_share_and_print_lines_are_not_clauses(self, declaration):
        assert (
            declaration.operative[-1].text
            == "WELCOME Malaysia as the next Chair of the ADMM in 2025."
        )


# --- Format 3: a UN General Assembly resolution --------------------------------------------


class TestUnResolution:
    @pytest.fixture
    def resolution(self):
        return parsed(UNGA)

    def test_it_reads_the_resolution_header(self, resolution):
        assert resolution.title == (
            "Strengthening regional search and rescue cooperation in South-East Asia"
        )
        assert resolution.body == "UN General Assembly"
        assert resolution.meeting == "79th session"
        # the adoption date, not the distribution date of 16 December
        assert resolution.adopted_on == datetime.date(2024, 12, 12)

    def test_the_operative_part_starts_at_the_first_finite_verb(self, resolution):
        assert len(resolution.preamble) == 6
        assert len(resolution.operative) == 7
        assert resolution.operative[0].text.startswith("Decides to convene")
        assert any("No separator line" in w and "Decides" in w for w in resolution.warnings)

    def test_mixed_case_participles_stay_preambular(self, resolution):
        assert [(c.lead_word, c.lead_verb) for c in resolution.preamble] == [
            ("Recalling", "RECALLING"),
            ("Recalling also", "RECALLING ALSO"),
            ("Noting with appreciation", "NOTING WITH APPRECIATION"),
            ("Bearing in mind", "BEARING IN MIND"),
            ("Deeply concerned", "DEEPLY CONCERNED"),
            ("Welcoming", "WELCOMING"),
        ]

    def test_third_person_verbs_keep_their_form_but_classify_like_the_base_verb(self, resolution):
        assert [(c.lead_verb, c.verb_class) for c in resolution.operative] == [
            ("DECIDES", VerbClass.ADOPTS),
            ("CALLS UPON", VerbClass.COMMITMENT),
            ("REQUESTS", VerbClass.COMMITMENT),
            ("ENCOURAGES", VerbClass.COMMITMENT),
            ("WELCOMES", VerbClass.WELCOMES),
            ("TAKES NOTE", VerbClass.WELCOMES),
            ("DECIDES", VerbClass.ADOPTS),
        ]
        assert not any("corrected" in w for w in resolution.warnings)

    def test_it_folds_lettered_sub_items_into_the_request(self, resolution):
        request = resolution.operative[2]
        assert request.text.endswith("(b) recommendations for further action;")
        assert "(a) progress made by Member States" in request.text

    def test_welcoming_a_named_mechanism_is_trackable(self, resolution):
        mechanism = only_instrument_of(resolution, "op-5")
        assert (mechanism.kind, mechanism.acronym, mechanism.relation) == (
            Kind.MECHANISM,
            "RSRCM",
            Relation.WELCOMES,
        )
        assert resolution.operative[4].trackable is True
        assert resolution.operative[5].trackable is False  # takes note of a report

    def test_the_plenary_meeting_line_is_not_a_clause(self, resolution):
        assert resolution.operative[-1].text.endswith('cooperation in South-East Asia".')


# --- Format 4: ADMM-Plus with sub-headings and sentence-case verbs -------------------------


class TestSubHeadingDeclaration:
    @pytest.fixture
    def declaration(self):
        return parsed(JAKARTA)

    def test_it_reads_an_admm_plus_meeting(self, declaration):
        assert declaration.meeting == "10th ADMM-Plus"
        assert declaration.body == "ADMM-Plus"
        assert declaration.place == "Jakarta, Indonesia"
        assert declaration.adopted_on == datetime.date(2023, 11, 16)

    def test_short_sub_headings_are_not_clauses(self, declaration):
        texts = [c.text for c in declaration.clauses]
        for heading in ("Maritime Security", "Counter-Terrorism", "On Cyber Security"):
            assert heading not in texts
            assert not any(t.startswith(heading) for t in texts)
        assert len(declaration.operative) == 6

    def test_it_reads_sentence_case_operative_verbs(self, declaration):
        assert [(c.lead_word, c.lead_verb) for c in declaration.operative[:5]] == [
            ("Support", "SUPPORT"),
            ("Explore", "EXPLORE"),
            ("Strengthen", "STRENGTHEN"),
            ("Welcome", "WELCOME"),
            ("Encourage", "ENCOURAGE"),
        ]

    def test_a_separator_with_a_typo_is_still_a_separator(self, declaration):
        assert len(declaration.preamble) == 3
        assert not any("DECALRE" in c.text for c in declaration.clauses)

    def test_it_corrects_a_misspelt_participle(self, declaration):
        assert declaration.preamble[0].lead_word == "REAFIRMING"
        assert declaration.preamble[0].lead_verb == "REAFFIRMING"
        assert any("REAFIRMING" in w for w in declaration.warnings)

    def test_it_keeps_a_second_participle_inside_one_paragraph(self, declaration):
        second = declaration.preamble[1]
        assert second.lead_verb == "RECOGNISING"
        assert "; and NOTING the growing number" in second.text

    def test_an_acronym_defined_in_the_preamble_is_resolved_in_an_operative_clause(
        self, declaration
    ):
        aoip = [i for i in declaration.instruments if i.acronym == "AOIP"]
        assert [(i.clause, i.relation) for i in aoip] == [
            ("pre-1", Relation.REAFFIRMS),
            ("op-1", Relation.ENCOURAGES),
        ]
        assert {i.name for i in aoip} == {"ASEAN Outlook on the Indo-Pacific"}
        assert aoip[0].kind == Kind.PLAN

    def test_a_concept_paper_wins_over_the_exercise_it_describes(self, declaration):
        paper = only_instrument_of(declaration, "op-4")
        assert paper.kind == Kind.CONCEPT_PAPER
        assert paper.acronym == "CT TTX"

    def test_an_unknown_lead_word_is_unclassified_with_a_warning(self, declaration):
        champion = declaration.operative[-1]
        assert champion.lead_word == "Champion"
        assert champion.verb_class == VerbClass.UNKNOWN
        assert champion.trackable is False
        assert any("op-6" in w and "Champion" in w for w in declaration.warnings)


# --- Format 5: texts that are not declarations ---------------------------------------------


class TestErrors:
    @pytest.mark.parametrize("text", ["", "   \n\t\n  "])
    def test_it_rejects_an_empty_text(self, text):
        with pytest.raises(ParseError, match="empty"):
            parse_declaration(text)

    def test_it_rejects_navigation_lines_only(self):
        with pytest.raises(ParseError, match="No recognisable clauses"):
            parse_declaration("- Home\n- News and events\n- Latest Releases\nMore Resources\n")

    def test_it_rejects_prose_without_clauses(self):
        with pytest.raises(ParseError, match="No recognisable clauses"):
            parse_declaration("Minutes of the meeting\nThe meeting discussed the weather.\n")

    def test_it_rejects_a_preamble_without_operative_part(self):
        text = "Joint Declaration\nRECALLING the ASEAN Charter;\nNOTING the progress made;\n"
        with pytest.raises(ParseError, match="No operative part"):
            parse_declaration(text)

    def test_it_rejects_a_separator_followed_by_nothing(self):
        text = "Joint Declaration\nRECALLING the ASEAN Charter;\nHEREBY DECLARE TO:\n"
        with pytest.raises(ParseError, match="HEREBY DECLARE TO:"):
            parse_declaration(text)

    def test_a_parse_error_is_a_value_error(self):
        assert issubclass(ParseError, ValueError)


# --- Rules, one at a time ------------------------------------------------------------------


class TestDates:
    @pytest.mark.parametrize(
        ("words", "number"),
        [
            (["First"], 1),
            (["Twenty", "First"], 21),
            (["Thirty", "First"], 31),
            (["Fifteenth"], 15),
            (["Two", "Thousand", "and", "Twenty", "Five"], 2025),
            (["Two", "Thousand", "Nineteen"], 2019),
        ],
    )
    def test_words_to_number(self, words, number):
        assert words_to_number(words) == number

    @pytest.mark.parametrize(
        ("closing", "expected"),
        [
            (
                "ADOPTED in Kuala Lumpur, Malaysia on the Thirty-First Day of October in the Year "
                "Two Thousand and Twenty-Five.",
                datetime.date(2025, 10, 31),
            ),
            (
                "DONE at Bangkok, Thailand this Seventeenth Day of November in the Year Two "
                "Thousand Nineteen.",
                datetime.date(2019, 11, 17),
            ),
            ("DONE at Singapore this 15th day of November 2023.", datetime.date(2023, 11, 15)),
            ("Adopted at Manila on 5 November 2026.", datetime.date(2026, 11, 5)),
        ],
    )
    def test_it_reads_the_date_of_the_closing_line(self, closing, expected):
        text = "\n".join(
            ["Joint Declaration", "RECALLING the Charter;", "HEREBY DECLARE:", "ADOPT X;", closing]
        )
        assert parse_declaration(text).adopted_on == expected

    def test_it_reads_a_bare_date_line_under_the_title(self):
        text = "\n".join(
            ["Joint Declaration on Peace", "31 October 2025", "RECALLING the Charter;"]
            + ["DO HEREBY DECLARE:", "ADOPT X;"]
        )
        assert parse_declaration(text).adopted_on == datetime.date(2025, 10, 31)

    def test_it_reads_a_month_first_date_in_the_opening(self):
        text = declaration_text("ADOPT X;").replace(
            "was convened on 5 November 2026", "was held in Singapore on November 5, 2026"
        )
        declaration = parse_declaration(text)
        assert declaration.adopted_on == datetime.date(2026, 11, 5)
        assert declaration.place == "Singapore"

    def test_it_warns_when_the_opening_and_closing_dates_disagree(self):
        text = declaration_text("ADOPT X;", "DONE at Manila on 6 November 2026.")
        declaration = parse_declaration(text)
        assert declaration.adopted_on == datetime.date(2026, 11, 6)
        assert any("2026-11-05" in w and "2026-11-06" in w for w in declaration.warnings)

    def test_a_missing_title_and_date_are_warnings_not_errors(self):
        declaration = parse_declaration("RECALLING the Charter;\nHEREBY DECLARE:\nADOPT X;")
        assert declaration.title == ""
        assert declaration.adopted_on is None
        assert any("No title" in w for w in declaration.warnings)
        assert any("No adoption date" in w for w in declaration.warnings)


class TestParagraphs:
    @pytest.mark.parametrize(
        "separator",
        [
            "HEREBY DECLARES TO:",
            "WE HEREBY DECLARE TO:",
            "DO HEREBY DECLARE:",
            "Hereby decide to:",
            "HEREBY DECALRE:",
        ],
    )
    def test_separator_lines_are_matched_loosely(self, separator):
        text = declaration_text("RECALLING the Charter;", separator, "ADOPT X;")
        declaration = parse_declaration(text)
        assert [c.anchor for c in declaration.clauses] == ["pre-1", "op-1"]

    def test_a_numbered_opening_paragraph_is_not_a_clause(self):
        text = "\n".join(
            [
                "Joint Declaration on Peace",
                "1.The Sixteenth ASEAN Defence Ministers' Meeting was held on 16 November 2022 in "
                "Siem Reap, Cambodia;",
                "2.RECALLING the ASEAN Charter;",
                "HEREBY DECLARE TO:",
                "1.ADOPT the Concept Paper on Defence Cooperation (ADC);",
            ]
        )
        declaration = parse_declaration(text)
        assert declaration.meeting == "16th ADMM"
        assert declaration.place == "Siem Reap, Cambodia"
        assert [c.lead_verb for c in declaration.clauses] == ["RECALLING", "ADOPT"]

    def test_a_participle_after_a_comma_and_on_a_new_line_continues_the_paragraph(self):
        text = declaration_text(
            "REAFFIRMING our support for the Five-Point Consensus (5PC), and",
            "SUPPORTING its full implementation;",
            "HEREBY DECLARE TO:",
            "ADOPT X;",
        )
        assert len(parse_declaration(text).preamble) == 1

    @pytest.mark.parametrize(
        "heading",
        [
            "Maritime Security",
            "On Cyber Security",
            "Cyber security cooperation",
            "A. Humanitarian Assistance and Disaster Relief",
            "II. PEACEKEEPING OPERATIONS",
            "Enhancing Practical Cooperation",
            "Defence Industry:",
        ],
    )
    def test_a_short_line_without_lead_verb_or_final_punctuation_is_a_sub_heading(self, heading):
        text = declaration_text(
            "RECALLING the Charter;", "HEREBY DECLARE TO:", heading, "Support the network;"
        )
        assert [c.text for c in parse_declaration(text).operative] == ["Support the network;"]

    def test_we_led_operative_paragraphs(self):
        text = declaration_text(
            "1. We reaffirm our commitment to peace;", "2. We will strengthen ties;"
        )
        operative = parse_declaration(text).operative
        assert [(c.lead_word, c.lead_verb) for c in operative] == [
            ("We reaffirm", "REAFFIRM"),
            ("We will strengthen", "STRENGTHEN"),
        ]


class TestInstruments:
    @pytest.mark.parametrize(
        ("paragraph", "kind"),
        [
            (
                "ADOPT the Concept Paper on ASEAN Search and Rescue Exercise (ASARX);",
                Kind.CONCEPT_PAPER,
            ),
            ("ADOPT the 2nd Additional Protocol to the Concept Paper on the ADMM;", Kind.PROTOCOL),
            (
                "WELCOME the Joint Statement by the ASEAN Defence Ministers on Peace;",
                Kind.JOINT_STATEMENT,
            ),
            ("WELCOME the Joint Declaration on Cyber Security Cooperation;", Kind.DECLARATION),
            ("WELCOME the Declaration on Women, Peace and Security;", Kind.DECLARATION),
            ("SUPPORT the Treaty of Amity and Cooperation in Southeast Asia;", Kind.AGREEMENT),
            (
                "SUPPORT the early conclusion of a Code of Conduct in the South China Sea;",
                Kind.AGREEMENT,
            ),
            ("ADOPT the ASEAN Plan of Action on Maritime Security;", Kind.PLAN),
            ("ADOPT the ASEAN Defence Strategic Plan 2026-2030;", Kind.PLAN),
            ("ADOPT the ASEAN Military Medicine Roadmap;", Kind.ROADMAP),
            (
                "ENDORSE the Terms of Reference of the ASEAN Defence Network (ADN);",
                Kind.TERMS_OF_REFERENCE,
            ),
            ("APPROVE the ASEAN Peacekeeping Centres Network (APCN) Guidelines;", Kind.GUIDELINES),
            ("WELCOME the 4th ASEAN Multilateral Naval Exercise (AMNEX);", Kind.EXERCISE),
            ("ESTABLISH the ASEAN Defence Cyber Network (ADCN);", Kind.NETWORK),
            ("ENDORSE the ASEAN Young Officers Programme (AYOP);", Kind.PROGRAMME),
        ],
    )
    def test_the_kind_comes_from_the_head_keyword(self, paragraph, kind):
        assert only_instrument(paragraph).kind == kind

    def test_a_country_in_parentheses_is_no_acronym(self):
        found = only_instrument(
            "WELCOME the conduct of the ASEAN-United States (U.S.) Maritime Exercise in 2025;"
        )
        assert found.acronym == ""
        assert found.name == "ASEAN-United States Maritime Exercise"

    def test_an_acronym_standing_inside_the_name_is_its_acronym(self):
        found = only_instrument(
            "ADOPT the ASEAN Cyber Defence Network (ACDN) Guidelines and Roadmap for the "
            "Implementation of ACDN, which outlines the strategic direction;"
        )
        assert (found.name, found.acronym) == (
            "ASEAN Cyber Defence Network Guidelines and Roadmap for the Implementation of ACDN",
            "ACDN",
        )

    def test_a_generic_abbreviation_gives_way_to_the_trailing_acronym(self):
        found = only_instrument(
            "ADOPT the Rules of Procedure (ROP) for ASEAN Defence Educational Institutions' "
            "Collaboration (ADEIC), which serves as a framework;"
        )
        assert found.acronym == "ADEIC"
        assert found.kind == Kind.RULES_OF_PROCEDURE

    def test_an_organisation_with_a_keyword_is_not_an_instrument(self):
        text = declaration_text(
            "NOTING the outcomes of the Annual Meeting of the Track II Network of ASEAN Defence "
            "and Security Institutions (NADI);",
            "HEREBY DECLARE TO:",
            "ADOPT X;",
        )
        assert instruments_in(parse_declaration(text), "pre-1") == []

    def test_an_adopted_framework_is_an_instrument(self):
        found = only_instrument("ADOPT the ASEAN Defence Interaction Framework (ADIF);")
        assert (found.name, found.acronym, found.kind, found.relation) == (
            "ASEAN Defence Interaction Framework",
            "ADIF",
            Kind.FRAMEWORK,
            Relation.ADOPTS,
        )

    def test_an_inner_upper_case_verb_governs_what_follows_it(self):
        found = instruments_in(
            parse_declaration(
                declaration_text(
                    "LOOK FORWARD to the ASEAN Maritime Conference (AMC), and COMMEND the "
                    "Guidelines for Maritime Interaction (GMI);"
                )
            ),
            "op-1",
        )
        assert [(i.acronym, i.relation) for i in found] == [
            ("AMC", Relation.LOOKS_FORWARD),
            ("GMI", Relation.NOTES),
        ]

    @pytest.mark.parametrize(
        ("paragraph", "relation"),
        [
            ("ADOPT the ASEAN Work Plan (AWP);", Relation.ADOPTS),
            ("APPROVE the ASEAN Work Plan (AWP);", Relation.APPROVES),
            ("ENDORSE the ASEAN Work Plan (AWP);", Relation.APPROVES),
            ("WELCOME the ASEAN Work Plan (AWP);", Relation.WELCOMES),
            ("TAKE NOTE of the ASEAN Work Plan (AWP);", Relation.NOTES),
            ("COMMEND the ASEAN Work Plan (AWP);", Relation.NOTES),
            ("REAFFIRM the ASEAN Work Plan (AWP);", Relation.REAFFIRMS),
            ("REITERATE support for the ASEAN Work Plan (AWP);", Relation.REAFFIRMS),
            ("ENCOURAGE the ASEAN Work Plan (AWP);", Relation.ENCOURAGES),
            ("SUPPORT the ASEAN Work Plan (AWP);", Relation.ENCOURAGES),
            ("LOOK FORWARD to the ASEAN Work Plan (AWP);", Relation.LOOKS_FORWARD),
            ("STRENGTHEN the ASEAN Work Plan (AWP);", Relation.CITES),
        ],
    )
    def test_the_relation_comes_from_the_lead_verb(self, paragraph, relation):
        assert only_instrument(paragraph).relation == relation


# --- Size: long texts parse in one pass; oversized ones are refused with their size -------


class TestSize:
    def test_two_thousand_paragraphs_each_defining_an_acronym_parse_completely(self):
        from declarations.intake.parsing.scoring import acronym_stress_text

        text = acronym_stress_text(2000)
        text += "\nWELCOME the progress of the XAAAA and of the XBAAA;"
        declaration = parse_declaration(text)
        assert len(declaration.operative) == 2001
        adopted = [i for i in declaration.instruments if i.relation == Relation.ADOPTS]
        assert len({i.acronym for i in adopted}) == 2000
        reused = instruments_in(declaration, "op-2001")
        assert {i.acronym for i in reused} == {"XAAAA", "XBAAA"}

    def test_an_acronym_inside_a_longer_word_or_compound_is_not_a_reuse(self):
        declaration = parse_declaration(
            declaration_text(
                "HEREBY DECLARE TO:",
                "ADOPT the Guidelines on Harbour Pilots (GHP);",
                "SUPPORT the GHPX trials, the GHP-2 pilots and the work under the GHP;",
            )
        )
        assert [i.acronym for i in instruments_in(declaration, "op-2")] == ["GHP"]

    def test_a_text_with_too_many_paragraphs_is_refused_with_its_count(self):
        from declarations.intake.parsing import parser

        text = declaration_text(
            "HEREBY DECLARE TO:", *["SUPPORT the work;"] * (parser.MAX_PARAGRAPHS + 1)
        )
        with pytest.raises(ParseError, match=r"5,00\d paragraphs"):
            parse_declaration(text)

    def test_an_over_long_line_is_refused_with_its_number_and_length(self):
        text = declaration_text("HEREBY DECLARE TO:", "SUPPORT " + "x" * 60_000)
        with pytest.raises(ParseError, match=r"Line 4 is 60,008 characters long"):
            parse_declaration(text)

    def test_an_over_long_text_is_refused_with_its_length(self):
        text = declaration_text("HEREBY DECLARE TO:", *["SUPPORT the work;"] * 120_000)
        with pytest.raises(ParseError, match="characters long"):
            parse_declaration(text)


# --- Texts as they come: markup, page furniture, run-on numbering, sub-headings ----------


def leads_of(declaration: ParsedDeclaration, part=None) -> list[str]:
    return [c.lead_verb for c in declaration.clauses if part is None or c.part == part]


class TestTextsAsTheyCome:
    def test_markdown_headings_escaped_numbers_and_emphasis_are_read_as_plain_text(self):
        declaration = parse_declaration(
            "\n\n".join(
                [
                    "### Joint Statement on Coastal Radar Cooperation",
                    "**WE**, the Ministers of Transport, gathered in Apia on 2 May 2024;",
                    "1\\. **NOTING** the growth of coastal traffic;",
                    "#### A heading the text marks as one, however many words it happens to have",
                    "2\\. **SUPPORT** the Coastal Radar Network;",
                    "___",
                ]
            )
        )
        assert leads_of(declaration) == ["NOTING", "SUPPORT"]
        assert [c.printed_number for c in declaration.clauses] == ["1", "2"]
        assert declaration.title == "Joint Statement on Coastal Radar Cooperation"

    def test_editorial_notes_and_footnotes_are_not_paragraphs(self):
        declaration = parse_declaration(
            "\n".join(
                [
                    "The Economic and Social Council,",
                    "Noting the survey of harbour tolls[1],",
                    "[matter omitted]",
                    "Invites the regional commissions to report;",
                    "[1] Document E/123.",
                ]
            )
        )
        assert leads_of(declaration) == ["NOTING", "INVITES"]
        assert "[1]" not in declaration.clauses[0].text

    def test_page_numbers_and_running_headers_are_dropped_and_the_sentence_continues(self):
        header = "Joint Communique of the Fourth River Commission Meeting"
        text = "\n".join(
            [
                header,
                "The Fourth River Commission Meeting was convened on 3 March 2022 in Vientiane;",
                "RECOGNISING the importance of shared flood data for the",
                "",
                "- 1 -",
                header,
                "",
                "communities along the river;",
                "HEREBY DECLARE TO:",
                "ESTABLISH the River Flood Data Platform, to be hosted by the",
                "Page 2 of 3",
                header,
                "Secretariat of the Commission;",
                "3",
                header,
                "SUPPORT the training of hydrologists.",
            ]
        )
        declaration = parse_declaration(text)
        assert len(declaration.preamble) == 1 and len(declaration.operative) == 2
        assert declaration.preamble[0].text.endswith(
            "flood data for the communities along the river;"
        )
        assert "Page" not in declaration.operative[0].text
        assert header not in declaration.operative[0].text

    def test_a_page_break_between_capitalised_words_does_not_split_the_paragraph(self):
        text = declaration_text(
            "HEREBY DECLARE TO:",
            "WELCOME the work of the Regional Coast Guard",
            "",
            "12",
            "",
            "Forum on search and rescue;",
            "SUPPORT the forum.",
        )
        declaration = parse_declaration(text)
        assert len(declaration.operative) == 2
        assert "Coast Guard Forum on search" in declaration.operative[0].text

    def test_numbers_running_on_inside_a_line_start_their_own_paragraphs(self):
        text = "\n".join(
            [
                "Resolution on rural roads",
                "'The Economic and Social Council 1. Notes the report on rural roads;",
                "2. Approves the survey; and 3. Requests a second survey of bridges;",
                "CONSIDERS 4. That roads serve markets;",
                "5. That bridges serve schools; and 6. Invites donors to fund the work.",
            ]
        )
        declaration = parse_declaration(text)
        assert [c.printed_number for c in declaration.operative] == ["1", "2", "3", "4", "5", "6"]
        assert leads_of(declaration) == [
            "NOTES", "APPROVES", "REQUESTS", "CONSIDERS", "CONSIDERS", "INVITES",
        ]  # fmt: skip

    def test_a_number_inside_a_sentence_is_not_a_paragraph_number(self):
        declaration = parse_declaration(
            declaration_text(
                "HEREBY DECLARE TO:",
                "1. SUPPORT the 2. Phase of the road survey and the bridges built by 2030. We note",
                "2. WELCOME the survey.",
            )
        )
        assert [c.printed_number for c in declaration.operative] == ["1", "2"]

    def test_the_body_that_speaks_at_the_end_of_a_title_line_opens_the_text(self):
        text = "\n".join(
            [
                "ROAD SAFETY IN RURAL AREAS The General Assembly, [matter omitted]",
                "Urges Member States to adopt road safety plans;",
                "Invites the regional commissions to assist them.",
            ]
        )
        declaration = parse_declaration(text)
        assert leads_of(declaration) == ["URGES", "INVITES"]
        assert declaration.preamble == []

    def test_a_verb_standing_alone_leads_the_numbered_paragraphs_after_it(self):
        text = declaration_text(
            "HEREBY DECLARE TO:",
            "1. ENCOURAGE the Ministers to meet yearly;",
            "NOTE WITH APPRECIATION",
            "2. The offer of Fiji to host the next meeting;",
            "3. The progress of the Harbour Safety Network;",
            "4. SUPPORT the network.",
        )
        declaration = parse_declaration(text)
        assert leads_of(declaration, Part.OPERATIVE) == [
            "ENCOURAGE", "NOTE WITH APPRECIATION", "NOTE WITH APPRECIATION", "SUPPORT",
        ]  # fmt: skip
        assert declaration.operative[1].text.startswith("The offer of Fiji")
        assert instruments_in(declaration, "op-3")[0].relation == Relation.NOTES

    def test_a_long_sub_heading_before_a_paragraph_is_not_a_clause(self):
        text = declaration_text(
            "HEREBY DECLARE TO:",
            "Strengthening practical cooperation among the coast guards of the region in 2026",
            "SUPPORT the exchange of liaison officers;",
            "2026 Priorities",
            "WELCOME the new training calendar.",
        )
        declaration = parse_declaration(text)
        assert leads_of(declaration, Part.OPERATIVE) == ["SUPPORT", "WELCOME"]

    def test_verb_led_items_under_as_follows_belong_to_their_paragraph(self):
        text = declaration_text(
            "HEREBY DECLARE TO:",
            "1. TASK the senior officials to implement the work plan as follows:",
            "- Establish a liaison office;",
            "- Convene a yearly review;",
            "2. WELCOME the offer of Samoa.",
        )
        declaration = parse_declaration(text)
        assert len(declaration.operative) == 2
        assert "- Establish a liaison office; - Convene a yearly review;" in (
            declaration.operative[0].text
        )

    def test_a_numbered_opening_paragraph_is_kept_out_of_the_clauses_with_a_warning(self):
        text = "\n".join(
            [
                "Joint Declaration on Fisheries",
                "1. WE, the Ministers of Fisheries, gathered in Suva on 9 June 2025;",
                "2. NOTING the decline of tuna stocks;",
                "WE HEREBY DECLARE TO:",
                "3. SUPPORT the Regional Tuna Plan.",
            ]
        )
        declaration = parse_declaration(text)
        assert [c.printed_number for c in declaration.clauses] == ["2", "3"]
        assert [c.anchor for c in declaration.clauses] == ["pre-1", "op-1"]
        assert any("opening paragraph is numbered 1" in w for w in declaration.warnings)


class TestStatementLeads:
    @pytest.mark.parametrize(
        ("paragraph", "verb"),
        [
            ("We are committed to sharing weather data.", "COMMIT"),
            ("We remain firmly committed to open markets.", "COMMIT"),
            ("We will also continue to train pilots.", "CONTINUE"),
            ("We must strengthen our ports.", "STRENGTHEN"),
            ("We seek closer ties among our universities.", "SEEK"),
            ("We signed the Harbour Accord.", "SIGNED"),
            ("We therefore recognise the role of farmers.", "RECOGNISE"),
            ("As maritime nations, we support freedom of navigation.", "SUPPORT"),
            ("Furthermore, we welcome the new observers.", "WELCOME"),
            ("With regard to fisheries, we encourage joint patrols.", "ENCOURAGE"),
            ("Upon the request of the Chair, we convene a working group.", "CONVENE"),
            ("In this regard, we call for more data sharing.", "CALL FOR"),
            ("Noting the storms of 2024, we pledge relief funds.", "PLEDGE"),
            ("To reach these goals we must continue working together.", "CONTINUE"),
        ],
    )
    def test_the_verb_after_we_or_after_an_opening_phrase_leads(self, paragraph, verb):
        text = "\n".join(
            [
                "Leaders' Statement on Ports",
                "We, the Leaders, met in Apia on 2 May 2024.",
                paragraph,
            ]
        )
        declaration = parse_declaration(text)
        assert declaration.preamble == []
        assert declaration.operative[0].lead_verb == verb

    def test_a_correct_past_tense_is_not_taken_for_a_typo(self):
        text = declaration_text("HEREBY DECLARE TO:", "We underscored the value of drills.")
        declaration = parse_declaration(text)
        assert declaration.operative[0].lead_verb == "UNDERSCORED"
        assert declaration.operative[0].verb_class == VerbClass.DECLARATORY
        assert not any("corrected" in w for w in declaration.warnings)

    def test_an_adjective_after_the_verb_is_not_part_of_a_two_word_lead(self):
        declaration = parse_declaration(
            declaration_text(
                "HEREBY DECLARE TO:",
                "Explore further cooperation in cyber security;",
                "Decides further that the group shall meet twice a year;",
            )
        )
        assert leads_of(declaration, Part.OPERATIVE) == ["EXPLORE", "DECIDES FURTHER"]

    def test_a_statement_opening_with_narrative_has_no_preamble(self):
        text = "\n\n".join(
            [
                "Leaders' Statement on Ports",
                "We, the Leaders, met in Apia on 2 May 2024.",
                "Ten years after our first meeting, trade has doubled.",
                "We welcome the Port Safety Initiative.",
            ]
        )
        declaration = parse_declaration(text)
        assert declaration.preamble == []
        assert len(declaration.operative) == 2
        assert declaration.operative[0].verb_class == VerbClass.UNKNOWN


class TestInstrumentKinds:
    @pytest.mark.parametrize(
        ("paragraph", "name", "kind"),
        [
            ("ESTABLISH the Pacific Ports Partnership;", "Pacific Ports Partnership",
             Kind.PARTNERSHIP),
            ("ADOPT the Harbour Pilots Work Plan 2026-2028;", "Harbour Pilots Work Plan 2026-2028",
             Kind.PLAN),
            ("ADOPT the Reef Plan of Action;", "Reef Plan of Action", Kind.PLAN),
            ("WELCOME the Strategy for Reef Monitoring;", "Strategy for Reef Monitoring",
             Kind.PLAN),
            ("WELCOME the Lagoon Monitoring Framework;", "Lagoon Monitoring Framework",
             Kind.FRAMEWORK),
            ("SUPPORT the Treaty on Lagoon Fisheries;", "Treaty on Lagoon Fisheries",
             Kind.AGREEMENT),
            ("SUPPORT the Convention on Reef Salvage;", "Convention on Reef Salvage",
             Kind.AGREEMENT),
            ("WELCOME the Standby Arrangements for Port Relief;",
             "Standby Arrangements for Port Relief", Kind.ARRANGEMENT),
            ("ADOPT the Pacific Ports Vision Statement;", "Pacific Ports Vision Statement",
             Kind.VISION_STATEMENT),
            ("WELCOME resolution 77/245;", "Resolution 77/245", Kind.RESOLUTION),
            ("ADOPT the Code for Safe Anchorage;", "Code for Safe Anchorage", Kind.AGREEMENT),
        ],
    )  # fmt: skip
    def test_more_kinds_of_instrument_are_named(self, paragraph, name, kind):
        found = only_instrument(paragraph)
        assert (found.name, found.kind) == (name, kind)

    def test_establish_relates_like_adopt(self):
        found = only_instrument("ESTABLISH the Pacific Ports Partnership;")
        assert found.relation == Relation.ADOPTS

    def test_a_un_resolution_cited_by_its_symbol_is_an_instrument(self):
        text = "\n".join(
            [
                "The General Assembly,",
                "Recalling its resolution 71/312 of 6 July 2017 and resolution 45 (IV),",
                "Recalling also A/RES/75/1,",
                "Decides to continue the work.",
            ]
        )
        names = [i.name for i in parse_declaration(text).instruments]
        assert names == ["Resolution 71/312", "Resolution 45 (IV)", "A/RES/75/1"]

    def test_a_conference_where_something_was_said_is_no_instrument(self):
        declaration = parse_declaration(
            declaration_text(
                "HEREBY DECLARE TO:",
                "RECALL the pledges made at the Ocean Finance Conference in Apia;",
                "WELCOME the convening of the Second Reef Science Conference in 2027;",
                "APPROVE the Harbour Security Conference;",
            )
        )
        assert instruments_in(declaration, "op-1") == []
        assert [i.name for i in instruments_in(declaration, "op-2")] == [
            "Second Reef Science Conference"
        ]
        assert [i.name for i in instruments_in(declaration, "op-3")] == [
            "Harbour Security Conference"
        ]

    def test_a_name_ends_before_the_meeting_that_adopted_it(self):
        found = only_instrument("WELCOME the Work Plan on Connectivity adopted at the 40th Summit;")
        assert found.name == "Work Plan on Connectivity"
        found = only_instrument("WELCOME the Work Plan on Port Connectivity at the 40th Summit;")
        assert found.name == "Work Plan on Port Connectivity"

    def test_a_name_with_a_comma_list_inside_is_kept_whole(self):
        found = only_instrument(
            "WELCOME the Accord on Innovative Shipping, Port Reform and Growth;"
        )
        assert found.name == "Accord on Innovative Shipping, Port Reform and Growth"

    def test_two_names_joined_by_and_the_are_two_instruments(self):
        found = instruments_in(
            parse_declaration(
                declaration_text(
                    "HEREBY DECLARE TO:",
                    "SUPPORT the Reef Treaty and the Lagoon Convention;",
                )
            ),
            "op-1",
        )
        assert [i.name for i in found] == ["Reef Treaty", "Lagoon Convention"]

    def test_names_in_an_opening_phrase_are_cited_and_the_verbs_object_is_governed(self):
        text = "\n\n".join(
            [
                "Leaders' Statement on Ports",
                "We, the Leaders, met in Apia on 2 May 2024.",
                "Building on the Harbour Roadmap, we endorse the Port Safety Strategy.",
            ]
        )
        found = parse_declaration(text).instruments
        assert [(i.name, i.relation) for i in found] == [
            ("Harbour Roadmap", Relation.CITES),
            ("Port Safety Strategy", Relation.APPROVES),
        ]


class TestSubjectLeads:
    @pytest.mark.parametrize(
        ("paragraph", "verb"),
        [
            ("Both sides reaffirm their support for open sea lanes.", "REAFFIRM"),
            ("Fiji and Samoa share the aim of safer harbours.", "SHARE"),
            ("The Government of Tonga recognizes the value of pilots.", "RECOGNIZES"),
            ("The two ministers will further strengthen their dialogue.", "STRENGTHEN"),
            ("Amid rising seas, both governments will expand coastal defences.", "EXPAND"),
            (
                "The Government of Fiji, through its coast guard and navy, will support drills.",
                "SUPPORT",
            ),
            ("Port operators participating in the scheme welcome the new rules.", "WELCOME"),
        ],
    )
    def test_the_verb_after_a_subject_naming_who_acts_leads(self, paragraph, verb):
        text = "\n\n".join(["Joint Statement on Harbours", paragraph])
        declaration = parse_declaration(text)
        assert declaration.operative[-1].lead_verb == verb

    @pytest.mark.parametrize(
        "paragraph",
        [
            "These shared principles will continue to guide our work.",
            "While the economy will continue to grow, risks remain.",
            "The partnership is rooted in trust, fostered over decades.",
            "Our aim is a safer region.",
            "Ten years after the first meeting, trade has doubled.",
        ],
    )
    def test_a_sentence_whose_subject_acts_for_no_one_has_no_lead(self, paragraph):
        text = "\n\n".join(
            [
                "Joint Statement on Harbours",
                "We, the Ministers, met in Suva on 3 May 2024.",
                paragraph,
                "Both sides welcome the new rules.",
            ]
        )
        declaration = parse_declaration(text)
        assert declaration.clauses[0].verb_class == VerbClass.UNKNOWN

    def test_a_preambular_that_clause_keeps_its_participle(self):
        text = "\n".join(
            [
                "The General Assembly,",
                "Noting that Member States support the survey,",
                "Recalling its resolution 70/1, in which it requests a report,",
                "Decides to continue the survey.",
            ]
        )
        declaration = parse_declaration(text)
        assert leads_of(declaration) == ["NOTING", "RECALLING", "DECIDES"]


class TestMoreUnShapes:
    def test_parenthesised_numbers_running_on_after_the_body_that_speaks(self):
        text = "\n".join(
            [
                "Resolution on rural schools",
                "The economic and Social Council - (1) Noting the survey of rural schools, "
                "(2) Recogniz[ing] the work of teachers, and (3) Requests the Secretary-General "
                "to report on it setting forth:",
                "(a) the number of schools, and (b) the number of teachers.",
            ]
        )
        declaration = parse_declaration(text)
        assert leads_of(declaration) == ["NOTING", "RECOGNIZING", "REQUESTS"]
        assert [c.printed_number for c in declaration.clauses] == ["1", "2", "3"]
        assert declaration.operative[0].text.endswith("(b) the number of teachers.")

    def test_a_visit_named_at_the_start_is_the_opening(self):
        text = "\n\n".join(
            [
                "Joint Declaration on a Stronger Partnership",
                "On the invitation of the Government of Samoa, the Prime Minister of Fiji paid "
                "a visit to Apia from 3 to 5 May, 2024.",
                "Both leaders welcome the Harbour Development Plan.",
            ]
        )
        declaration = parse_declaration(text)
        assert len(declaration.clauses) == 1
        assert declaration.adopted_on == datetime.date(2024, 5, 5)
        assert instruments_in(declaration, "op-1")[0].name == "Harbour Development Plan"

    def test_an_upper_case_acronym_inside_a_name_does_not_end_it(self):
        found = only_instrument("WELCOME the Suva ACT Statement on Port Security;")
        assert found.name == "Suva ACT Statement on Port Security"

    def test_a_bare_kind_followed_by_a_purpose_is_not_stretched(self):
        declaration = parse_declaration(
            declaration_text(
                "HEREBY DECLARE TO:",
                "SUPPORT the Pacific Ports Agreement (PPA) and the review of the Agreement to "
                "further open the Harbour Master Programme;",
            )
        )
        names = [i.name for i in instruments_in(declaration, "op-1")]
        assert "Pacific Ports Agreement" in names
        assert not any(n.startswith("Agreement to") for n in names)


class TestChairmansStatement:
    TEXT = "\n\n".join(
        [
            "CHAIRMAN'S STATEMENT OF THE 12TH PACIFIC HARBOURS SUMMIT",
            "SUVA, 3 MAY 2024",
            "1. We, the Heads of State/Government of the Pacific Harbours Forum, gathered in "
            "Suva for the 12th Pacific Harbours Summit on 3 May 2024. Our discussions "
            "emphasised safe and open ports.",
            "2. We reaffirmed the importance of the Forum's unity.",
            "KEY DELIVERABLES",
            '3. We adopted the Pacific Leaders\' Vision Statement on "Ports for Prosperity", '
            "which aims to ensure safe shipping.",
            "4. The Leaders welcomed the Harbour Safety Roadmap (HSR).",
            "HARBOUR SECURITY",
            "5. We looked forward to the early conclusion of the Code of Conduct on Anchorages.",
        ]
    )

    def test_past_tense_leads_after_we_or_after_who_acts(self):
        declaration = parse_declaration(self.TEXT)
        assert leads_of(declaration) == ["REAFFIRMED", "ADOPTED", "WELCOMED", "LOOKED FORWARD"]
        assert [c.printed_number for c in declaration.clauses] == ["2", "3", "4", "5"]
        assert declaration.adopted_on == datetime.date(2024, 5, 3)

    def test_a_quoted_title_belongs_to_the_instrument_it_follows(self):
        adopted = instruments_in(parse_declaration(self.TEXT), "op-2")
        assert [(i.name, i.relation) for i in adopted] == [
            ('Pacific Leaders\' Vision Statement on "Ports for Prosperity"', Relation.ADOPTS)
        ]


class TestNeighbouringNames:
    @pytest.mark.parametrize(
        ("paragraph", "expected"),
        [
            (
                "SUPPORT the Reef Charter and the Lagoon Treaty (LT);",
                [("Reef Charter", ""), ("Lagoon Treaty", "LT")],
            ),
            (
                "SUPPORT the Reef Charter (RC) and the Lagoon Treaty;",
                [("Reef Charter", "RC"), ("Lagoon Treaty", "")],
            ),
            (
                "SUPPORT the Lagoon Treaty (LT), the Harbour Code (HC) and the Reef Plan;",
                [("Lagoon Treaty", "LT"), ("Harbour Code", "HC"), ("Reef Plan", "")],
            ),
        ],
    )
    def test_a_parenthesis_acronym_goes_to_the_name_it_follows(self, paragraph, expected):
        found = instruments_in(
            parse_declaration(declaration_text("HEREBY DECLARE TO:", paragraph)), "op-1"
        )
        assert [(i.name, i.acronym) for i in found] == expected


class TestFilesAsSaved:
    def test_a_markdown_files_front_matter_and_html_tags_are_not_text(self):
        text = "\n".join(
            [
                "---",
                "date: '2024-05-02'",
                'title: "Joint Statement on Reef Patrols"',
                "---",
                "",
                "**WE,** the Ministers of Fisheries, gathered in Apia on 2 May 2024 for the "
                "4<sup>th</sup> Reef Meeting;",
                "",
                "**NOTING** the decline of reef fish;****",
                "",
                "**SUPPORT** the Reef Patrol Network;<br/>",
            ]
        )
        declaration = parse_declaration(text)
        assert leads_of(declaration) == ["NOTING", "SUPPORT"]
        assert all("title:" not in c.text and "<" not in c.text for c in declaration.clauses)
        assert declaration.title == "Joint Statement on Reef Patrols"

    def test_a_un_pdfs_symbol_job_number_bar_code_and_footnotes_are_dropped(self):
        text = "\n".join(
            [
                "United Nations A/RES/90/7",
                "General Assembly Distr.: General 2 May 2035",
                "35-01234 (E)",
                "*3501234*",
                "90/7. Safer harbours",
                "The General Assembly,",
                "Recalling its resolution 89/12 of 1 May 2034 on harbour safety,1",
                "Noting the report of the Secretary-General on",
                "1 See A/89/500.",
                "35-01234 2/3",
                "A/RES/90/7",
                "harbour pilots,",
                "1. Decides to convene a meeting on harbour pilots;",
                "2. Requests a report at its ninety-first session.",
            ]
        )
        declaration = parse_declaration(text)
        assert [len(declaration.preamble), len(declaration.operative)] == [2, 2]
        assert declaration.preamble[1].text == (
            "Noting the report of the Secretary-General on harbour pilots,"
        )
        assert declaration.title == "Safer harbours"


def test_a_second_verb_in_the_paragraphs_own_case_governs_what_follows_it():
    found = instruments_in(
        parse_declaration(
            declaration_text(
                "HEREBY DECLARE TO:",
                "Explore closer ties, and support the Reef Science Plan for 2030;",
            )
        ),
        "op-1",
    )
    assert [(i.name, i.relation) for i in found] == [("Reef Science Plan", Relation.ENCOURAGES)]


def test_a_running_title_cut_short_is_dropped_even_on_a_two_page_text():
    text = "\n".join(
        [
            "United Nations A/RES/90/8",
            "General Assembly Distr.: General 2 May 2035",
            "90/8. Safer harbours and anchorages for the small island States",
            "The General Assembly,",
            "Recalling its resolution 89/12,",
            "Noting the report of the Secretary-General,",
            "Aware of the storms of 2034,",
            "1. Decides to convene a meeting on harbour pilots;",
            "2. Requests the Secretary-General to report on the",
            "Safer harbours and anchorages for the",
            "implementation of the present resolution;",
            "3. Invites donors to fund the work;",
            "4. Decides to remain seized of the matter.",
            "A/RES/90/8 Safer harbours and anchorages for the small island States",
        ]
    )
    declaration = parse_declaration(text)
    assert len(declaration.operative) == 4
    assert declaration.operative[1].text == (
        "Requests the Secretary-General to report on the implementation of the present resolution;"
    )


class TestCommuniques:
    TEXT = "\n\n".join(
        [
            "FINAL COMMUNIQUE",
            "During the past three days, the Ministers of Fisheries of Fiji, Samoa and Tonga "
            "have met in Nuku'alofa to review the state of the tuna stocks.",
            "2. The Ministers have agreed that the Regional Tuna Plan should be renewed.",
            "The discussions were frank and constructive.",
            "3. in view of the decline of the stocks, the Ministers re-affirmed their "
            "support for the Tuna Observer Programme.",
            "4. The Meeting recorded its thanks to Tonga.",
            "1 Corrected from the minutes of the meeting.",
        ]
    )

    def test_who_met_where_opens_the_text(self):
        declaration = parse_declaration(self.TEXT)
        assert not any("have met in" in c.text for c in declaration.clauses)
        assert declaration.place.startswith("Nuku")

    def test_perfect_and_past_tenses_after_who_acts_lead(self):
        declaration = parse_declaration(self.TEXT)
        assert leads_of(declaration) == ["AGREED", "REAFFIRMED", "RECORDED"]

    def test_an_unnumbered_paragraph_between_two_numbers_belongs_to_the_first(self):
        declaration = parse_declaration(self.TEXT)
        assert [c.printed_number for c in declaration.clauses] == ["2", "3", "4"]
        assert declaration.clauses[0].text.endswith("frank and constructive.")

    def test_the_next_number_starts_a_paragraph_even_in_lower_case(self):
        declaration = parse_declaration(self.TEXT)
        assert declaration.clauses[1].text.startswith("in view of the decline")

    def test_a_footnote_after_the_last_paragraph_is_not_a_clause(self):
        declaration = parse_declaration(self.TEXT)
        assert all("Corrected from" not in c.text for c in declaration.clauses)


class TestCouncilResolution:
    TEXT = "\n\n".join(
        [
            "RESOLUTION ON HARBOUR SAFETY",
            "THE SECURITY COUNCIL,",
            "RECALLING the Reef Agreement [1] and its earlier decisions:",
            "NOTING with concern the storms of 2034;",
            "1. CALLS upon the parties to keep the harbours open;",
            "2. (a) The Harbour Committee shall henceforth be known as the Harbour Commission.",
            "(b) The Commission shall report monthly.",
            "To this end it shall, after consultation with the parties, recommend measures.",
            "(c) The Commission shall employ observers.",
            "3. requests the Secretary-General to support the Commission.",
        ]
    )

    def test_an_upper_case_phrase_may_end_in_lower_case(self):
        declaration = parse_declaration(self.TEXT)
        assert declaration.operative[0].lead_verb == "CALLS UPON"
        assert [c.part for c in declaration.clauses].count(Part.PREAMBLE) == 2

    def test_a_numbered_verb_in_lower_case_leads(self):
        declaration = parse_declaration(self.TEXT)
        assert declaration.operative[-1].lead_verb == "REQUESTS"
        assert declaration.operative[-1].lead_word == "requests"

    def test_lettered_items_after_an_a_led_paragraph_are_its_items(self):
        declaration = parse_declaration(self.TEXT)
        assert [c.printed_number for c in declaration.operative] == ["1", "2", "3"]
        second = declaration.operative[1].text
        assert "(b) The Commission shall report monthly." in second
        assert "To this end it shall" in second and second.endswith("employ observers.")

    def test_a_footnote_mark_after_a_space_is_dropped_from_the_name(self):
        found = instruments_in(parse_declaration(self.TEXT), "pre-1")
        assert [i.name for i in found] == ["Reef Agreement"]
        assert "[1]" not in parse_declaration(self.TEXT).preamble[0].text


def test_after_an_opening_participle_the_verb_of_both_countries_leads():
    text = "\n\n".join(
        [
            "Joint Statement on Harbours",
            "Recalling the Harbour Accord of 2020, both sides will renew their pledges.",
            "Both sides welcome the new rules.",
        ]
    )
    assert leads_of(parse_declaration(text)) == ["RENEW", "WELCOME"]


def test_a_preambles_participle_keeps_its_lead_over_a_that_clause_or_a_relative():
    text = "\n".join(
        [
            "The General Assembly,",
            "Noting that, since 2030, Member States support the survey,",
            "Recalling its resolution 70/1, in which the Member States requested a report,",
            "Decides to continue the survey.",
        ]
    )
    assert leads_of(parse_declaration(text)) == ["NOTING", "RECALLING", "DECIDES"]


def test_a_paragraph_broken_at_a_hyphen_across_blank_lines_is_one_paragraph():
    text = "\n\n".join(
        [
            "We, the Harbour Ministers, gathered in Port Vila on 3 May 2031.",
            "We welcome the work of the Tide-",
            "Watch groups on reef safety.",
            "We support the pilots.",
        ]
    )
    parsed = parse_declaration(text)
    assert leads_of(parsed) == ["WELCOME", "SUPPORT"]
    assert "Tide-Watch groups" in parsed.operative[0].text


def test_a_numbered_item_led_by_adopted_is_a_clause_not_the_closing_line():
    text = "\n".join(
        [
            "At the invitation of the Government of Fiji the Ministers met in Suva, and",
            "  1. Adopted the Suva Declaration on Reef Safety.",
            "  2. Agreed to meet again in 2032.",
        ]
    )
    parsed = parse_declaration(text)
    assert leads_of(parsed) == ["ADOPTED", "AGREED"]
    assert [i.name for i in parsed.instruments] == ["Suva Declaration on Reef Safety"]


def test_a_first_person_paragraph_with_a_verb_outside_the_vocabulary_keeps_an_unknown_lead():
    text = "\n\n".join(
        [
            "We, the Heads of Government, gathered in Apia on 4 June 2031.",
            "2. We had frank discussions on the Reef Vision 2040.",
        ]
    )
    parsed = parse_declaration(text)
    assert [c.printed_number for c in parsed.operative] == ["2"]
    assert parsed.operative[0].verb_class == VerbClass.UNKNOWN
    assert any("'had'" in w for w in parsed.warnings)


def test_a_download_link_ends_the_text_and_the_site_text_after_it_is_dropped():
    text = "\n".join(
        [
            "The Ministers welcomed the new harbour rules.",
            "The Ministers agreed to meet in 2032.",
            "Download the full Statement here.",
            "- ABOUT USThe Harbour Forum was founded in 1990.",
            "The Forum's members always strive to keep harbours safe.",
        ]
    )
    assert leads_of(parse_declaration(text)) == ["WELCOMED", "AGREED"]


def test_a_first_paragraph_saying_what_who_acts_did_is_a_clause_not_the_opening():
    text = "\n".join(
        [
            "The Ministers of the Forum expressed concern over the storm of 2 March 2031.",
            "The Ministers welcomed the relief effort.",
        ]
    )
    parsed = parse_declaration(text)
    assert leads_of(parsed) == ["EXPRESSED", "WELCOMED"]


def test_the_body_that_speaks_inside_a_cabled_paragraph_starts_the_resolution():
    text = "\n\n".join(
        [
            "Cablegram 12, NEW YORK, 3 May 1950",
            "1\\. My 11. Following is the resolution adopted today. The General Assembly - "
            "Having asked the Harbour Commission to report,",
            "Decides to keep the question under review.",
            " _[1] The Commission met twice.",
            "_[AA : A1838, 1/2/3]_",
        ]
    )
    parsed = parse_declaration(text)
    assert leads_of(parsed) == ["HAVING ASKED", "DECIDES"]
    assert [c.part for c in parsed.clauses] == [Part.PREAMBLE, Part.OPERATIVE]


def test_a_vision_named_with_its_year_is_an_instrument_and_a_bare_vision_is_not():
    text = "\n".join(
        [
            "The Ministers met in Honiara on 2 May 2031;",
            "HEREBY DECLARE TO:",
            "SUPPORT the Pacific Harbour Vision 2050 and the vision of safer reefs;",
        ]
    )
    names = [i.name for i in parse_declaration(text).instruments]
    assert names == ["Pacific Harbour Vision 2050"]


def test_resolutions_cited_by_a_cables_number_and_session_are_each_listed():
    text = "\n".join(
        [
            "The Economic and Social Council -",
            "Taking into account the resolutions of the Assembly on ports (301-V) and on "
            "reefs (302-V),",
            "Requests a report.",
        ]
    )
    parsed = parse_declaration(text)
    assert [(i.clause, i.name) for i in parsed.instruments] == [
        ("pre-1", "Resolution 301 (V)"),
        ("pre-1", "Resolution 302 (V)"),
    ]


def statement_text(*paragraphs: str) -> str:
    """A leaders' statement in the first person: title, opening, the given paragraphs."""
    return "\n\n".join(
        [
            "Leaders' Statement on Harbours",
            "We, the Leaders, met in Apia on 2 May 2031.",
            *paragraphs,
        ]
    )


def test_a_study_or_report_the_verb_governs_is_an_instrument_and_one_cited_is_not():
    parsed = parse_declaration(
        statement_text(
            "We endorse the Joint Study on Harbour Pilotage and welcome the Report on "
            "Reef Salvage in the Pacific.",
            "We recall that, as the Annual Review of Harbour Safety showed, storms are rising.",
        )
    )
    assert [(i.clause, i.name, i.kind, i.relation) for i in parsed.instruments] == [
        ("op-1", "Joint Study on Harbour Pilotage", Kind.OTHER, Relation.APPROVES),
        ("op-1", "Report on Reef Salvage in the Pacific", Kind.OTHER, Relation.WELCOMES),
    ]


def test_a_cited_report_still_lets_the_plan_it_names_be_found():
    found = only_instrument(
        "HEREBY DECLARE TO:",
        "STRENGTHEN ports, as the Report on the Harbour Plan of Action advises;",
    )
    assert found.name == "Harbour Plan of Action"


def test_a_we_sentence_inside_a_paragraph_governs_what_it_names():
    parsed = parse_declaration(
        statement_text(
            "We reaffirm the role of ports as the engines of trade. With this in mind, we "
            "endorse the Harbour Pilots Framework."
        )
    )
    assert [(i.name, i.relation) for i in parsed.instruments] == [
        ("Harbour Pilots Framework", Relation.APPROVES)
    ]


def test_and_its_starts_a_part_of_the_name_before_it_and_towards_continues_a_name():
    parsed = parse_declaration(
        statement_text(
            "We welcome the Reef Study on Coral Loss and its Executive Summary.",
            "We welcome the Roadmap towards the Pacific Harbour Compact.",
        )
    )
    assert [i.name for i in parsed.instruments] == [
        "Reef Study on Coral Loss",
        "Roadmap towards the Pacific Harbour Compact",
    ]


def test_a_plural_kind_after_an_ordinary_word_is_a_class_of_documents_not_an_instrument():
    parsed = parse_declaration(
        statement_text(
            "We welcome the Sectoral Work Plans of our ports and the many harbour "
            "agreements, and recall the Tonga Accords and the Port Safety Guidelines.",
            "We support more Harbour Agreements between coastal towns.",
        )
    )
    assert [(i.clause, i.name) for i in parsed.instruments] == [
        ("op-1", "Tonga Accords"),
        ("op-1", "Port Safety Guidelines"),
    ]


def test_an_acronym_spelling_a_phrase_inside_a_name_names_that_phrase_when_used_bare():
    declaration = parse_declaration(
        declaration_text(
            "HEREBY DECLARE TO:",
            "ADOPT the Roadmap for the Realisation of the Pacific Harbour Zone (PHZ);",
            "ADOPT the Harbour Pilots Framework (HPF);",
            "SUPPORT the PHZ and the HPF;",
        )
    )
    first = only_instrument_of(declaration, "op-1")
    assert (first.name, first.acronym) == (
        "Roadmap for the Realisation of the Pacific Harbour Zone",
        "PHZ",
    )
    assert [i.acronym for i in instruments_in(declaration, "op-3")] == ["HPF"]


@pytest.mark.parametrize(
    ("paragraph", "name"),
    [
        ("WELCOME the Memorandum on Pilot Exchanges between the Port Authority and the Navy;",
         "Memorandum on Pilot Exchanges between the Port Authority and the Navy"),
        ("WELCOME the Memorandum of Cooperation on Reef Science;",
         "Memorandum of Cooperation on Reef Science"),
        ("WELCOME the Letter of Intent on Pilot Training;", "Letter of Intent on Pilot Training"),
    ],
)  # fmt: skip
def test_memoranda_and_letters_of_intent_are_agreements(paragraph, name):
    found = only_instrument("HEREBY DECLARE TO:", paragraph)
    assert (found.name, found.kind) == (name, Kind.AGREEMENT)


def test_a_model_named_with_capitals_is_an_instrument_and_a_lower_case_model_is_not():
    parsed = parse_declaration(
        statement_text(
            "We agree to build national responses, guided by the Pacific Model Harbour "
            "Response, and to follow the model of shared patrols."
        )
    )
    assert [(i.name, i.kind) for i in parsed.instruments] == [
        ("Pacific Model Harbour Response", Kind.OTHER)
    ]


def test_a_title_set_under_an_instrument_is_one_name_with_it():
    parsed = parse_declaration(
        statement_text(
            "We welcome the Agreed Steps for Cooperation under the Pacific Harbour "
            "Partnership and the help of Member States under the Reef Charter."
        )
    )
    assert [i.name for i in parsed.instruments] == [
        "Agreed Steps for Cooperation under the Pacific Harbour Partnership",
        "Reef Charter",
    ]


def test_a_participle_that_is_the_subject_of_to_be_leads_nothing():
    text = "\n\n".join(
        [
            "Joint Statement of the Two Harbours",
            "The Prime Ministers of Tonga and Fiji met in Nuku'alofa on 2 May 2031.",
            "Recognizing that trade is vital to both islands, the two leaders agreed to meet.",
            "Noting the steps the port authorities are taking, both leaders welcome them.",
            "Maintaining our reefs is essential to both islands and remains a shared duty.",
        ]
    )
    declaration = parse_declaration(text)
    leads = [c.lead_verb if c.verb_class != VerbClass.UNKNOWN else "" for c in declaration.clauses]
    assert leads == ["RECOGNIZING", "WELCOME", ""]


def test_a_bilateral_statement_on_single_lines_gives_each_leaders_sentence_its_paragraph():
    text = "\n".join(
        [
            "Joint Statement between Tonga and Fiji",
            "The Prime Minister of Tonga and the Prime Minister of Fiji met in Suva on 2 May 2031.",
            "The two leaders welcomed the signing of the Memorandum of Understanding on Pilots.",
            "Both leaders reaffirmed their commitment to peace.",
            "Japan and Fiji agreed to establish a Joint Commission on Reef Protection.",
            "The leaders noted the Fiji-Tonga Action Plan 2031-2035.",
        ]
    )
    declaration = parse_declaration(text)
    assert leads_of(declaration, Part.OPERATIVE) == ["WELCOMED", "REAFFIRMED", "AGREED", "NOTED"]
    assert [(i.clause, i.name) for i in declaration.instruments] == [
        ("op-1", "Memorandum of Understanding on Pilots"),
        ("op-4", "Fiji-Tonga Action Plan 2031-2035"),
    ]


def test_principles_compacts_and_covenants_are_instruments():
    parsed = parse_declaration(
        statement_text(
            "We commit to implementing the G20 Harbour Resilience Principles.",
            "We reaffirm the Pacific Harbour Compact and the Covenant on Reef Rights.",
        )
    )
    assert [(i.name, i.kind) for i in parsed.instruments] == [
        ("G20 Harbour Resilience Principles", Kind.GUIDELINES),
        ("Pacific Harbour Compact", Kind.AGREEMENT),
        ("Covenant on Reef Rights", Kind.AGREEMENT),
    ]


def test_a_chairmans_statement_with_past_tense_leads_under_headings():
    text = "\n\n".join(
        [
            "CHAIRMAN'S STATEMENT OF THE 50TH ASEAN SUMMIT",
            "1. The 50th ASEAN Summit was held in Apia on 2 May 2031 under the chairmanship of "
            "Tonga.",
            "Community Building",
            "2. We welcomed the adoption of the ASEAN Harbour Work Plan 2031-2035.",
            "3. We noted the progress of the Mid-Term Review of the ASEAN Reef Blueprint 2030.",
            "External Relations",
            "4. We reaffirmed our commitment to the Treaty on Reef Salvage (TRS).",
        ]
    )
    declaration = parse_declaration(text)
    assert declaration.meeting == "50th ASEAN Summit"
    assert leads_of(declaration, Part.OPERATIVE) == ["WELCOMED", "NOTED", "REAFFIRMED"]
    assert [c.printed_number for c in declaration.operative] == ["2", "3", "4"]
    assert [(i.name, i.relation) for i in declaration.instruments] == [
        ("ASEAN Harbour Work Plan 2031-2035", Relation.WELCOMES),
        ("Mid-Term Review of the ASEAN Reef Blueprint 2030", Relation.NOTES),
        ("Treaty on Reef Salvage", Relation.REAFFIRMS),
    ]


def test_a_general_assembly_resolution_with_its_symbol_and_requests():
    text = "\n".join(
        [
            "United Nations A/RES/85/123",
            "General Assembly",
            "Resolution adopted by the General Assembly on 2 December 2031",
            "85/123. Safety of harbours",
            "The General Assembly,",
            "Recalling its resolution 80/45 of 5 December 2025 and A/RES/81/7,",
            "1. Decides to convene a high-level meeting on harbour safety in 2032;",
            "2. Requests the Secretary-General to submit a report at its eighty-sixth session;",
            "3. Calls upon Member States to implement the Global Harbour Safety Framework;",
        ]
    )
    declaration = parse_declaration(text)
    assert leads_of(declaration) == ["RECALLING", "DECIDES", "REQUESTS", "CALLS UPON"]
    assert [c.verb_class for c in declaration.operative] == [
        VerbClass.ADOPTS,
        VerbClass.COMMITMENT,
        VerbClass.COMMITMENT,
    ]
    assert [i.name for i in declaration.instruments] == [
        "Resolution 80/45",
        "A/RES/81/7",
        "Global Harbour Safety Framework",
    ]


def test_a_g20_declaration_of_we_will_we_commit_and_we_endorse():
    text = "\n".join(
        [
            "G20 Apia Leaders' Declaration",
            "We, the Leaders of the G20, met in Apia on 2-3 May 2031.",
            "1. We will work together to make harbours safer.",
            "2. We commit to implementing the G20 Harbour Resilience Principles.",
            "3. We endorse the G20 Roadmap for Harbour Finance and welcome the Joint Report on "
            "Harbour Investment.",
        ]
    )
    declaration = parse_declaration(text)
    assert leads_of(declaration) == ["WORK", "COMMIT", "ENDORSE"]
    assert [(i.clause, i.name, i.relation) for i in declaration.instruments] == [
        ("op-2", "G20 Harbour Resilience Principles", Relation.CITES),
        ("op-3", "G20 Roadmap for Harbour Finance", Relation.APPROVES),
        ("op-3", "Joint Report on Harbour Investment", Relation.WELCOMES),
    ]
