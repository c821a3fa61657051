import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from declarations.demo import SEED as SEED_PATH
from declarations.intake import importing
from declarations.intake.importing import (
    ImportRejected,
    apply_import,
    decode_text,
    import_text,
    plan_import,
)
from declarations.models import (
    Clause,
    Declaration,
    ImplementationStatus,
    Instrument,
    Part,
    Reference,
    Relation,
    VerbClass,
    save_versioned,
)
from tests.factories import make_status

pytestmark = pytest.mark.django_db

SEED = SEED_PATH.read_text(encoding="utf-8")

# A later declaration, invented for the tests, that cites instruments of the seed again.
FOLLOW_UP = (
    Path(__file__).resolve().parent / "fixtures" / "declarations" / "admm-2026-manila-invented.txt"
).read_text(encoding="utf-8")


def references(declaration):
    return {
        (ref.clause.anchor, ref.instrument.acronym or ref.instrument.name, ref.relation)
        for ref in Reference.objects.filter(clause__declaration=declaration).select_related(
            "clause", "instrument"
        )
    }


def row_counts():
    return (
        Declaration.objects.count(),
        Clause.objects.count(),
        Instrument.objects.count(),
        Reference.objects.count(),
    )


class TestSeedImport:
    @pytest.fixture
    def seed(self):
        return import_text(SEED).declaration

    def test_it_records_the_declarations_details(self, seed):
        assert seed.slug == "admm-2025-kuala-lumpur"
        assert seed.title == (
            "Kuala Lumpur Joint Declaration of the ADMM on ASEAN Unity for Security and Prosperity"
        )
        assert seed.adopted_on == datetime.date(2025, 10, 31)
        assert seed.place == "Kuala Lumpur, Malaysia"
        assert seed.meeting == "19th ADMM"
        assert seed.text == SEED

    def test_it_stores_13_preambular_and_25_operative_clauses(self, seed):
        preamble = list(seed.clauses.filter(part=Part.PREAMBLE))
        operative = list(seed.clauses.filter(part=Part.OPERATIVE))
        assert len(preamble) == 13 and len(operative) == 25
        assert preamble[1].lead_word == "ACKNOWLDEGING"
        assert preamble[1].lead_verb == "ACKNOWLEDGING"
        assert operative[4].lead_verb == "LOOK FORWARD"
        assert all(not clause.text.startswith("ADOPTED in") for clause in operative)

    def test_it_links_adopted_approved_and_welcomed_instruments_to_their_clauses(self, seed):
        links = references(seed)
        for anchor, acronym in [
            ("op-9", "ADIC"),
            ("op-10", "ADSARX"),
            ("op-11", "AMHIC"),
            ("op-12", "CUI"),
            ("op-13", "ACDN"),
            ("op-14", "ADEIC"),
            ("op-16", "ESMAWP"),
        ]:
            assert (anchor, acronym, Relation.ADOPTS) in links
        assert (
            "op-18",
            "Maritime Cybersecurity Conference",
            Relation.APPROVES,
        ) in links
        assert ("op-19", "AMRG", Relation.WELCOMES) in links
        assert ("op-20", "AUMX", Relation.WELCOMES) in links
        statements = Instrument.objects.filter(
            kind="joint_statement", references__relation="welcomes"
        )
        assert sorted(ref.anchor for s in statements for ref in s.clauses.all()) == [
            "op-21",
            "op-22",
            "op-23",
        ]

    def test_the_closing_appreciation_clause_is_declaratory(self, seed):
        clause = seed.clauses.get(text__startswith="EXPRESS the highest appreciation")
        assert (clause.anchor, clause.verb_class, clause.trackable) == (
            "op-24",
            VerbClass.DECLARATORY,
            False,
        )

    def test_the_pandemic_sop_and_the_protocol_have_no_acronym_but_are_tracked(self, seed):
        tracked = Instrument.objects.tracked()
        sop = tracked.get(kind="sop", references__relation="adopts")
        protocol = tracked.get(kind="protocol")
        assert sop.acronym == "" and "Pandemic Containment" in sop.name
        assert protocol.name.startswith("3rd Additional Protocol")

    def test_reimporting_the_same_text_changes_nothing(self, seed):
        before = row_counts()
        plan = import_text(SEED)
        assert plan.unchanged
        assert "nothing would change" in "\n".join(plan.preview())
        assert row_counts() == before


class TestInstrumentsAcrossYears:
    def test_a_later_declaration_links_known_instruments_instead_of_duplicating(self):
        import_text(SEED)
        plan = plan_import(FOLLOW_UP)
        known = {item.acronym for item in plan.known_instruments}
        assert {"5PC", "ACDN", "COC"} <= known
        assert {item.acronym for item in plan.new_instruments} == {"ADLC"}

        follow_up = import_text(FOLLOW_UP).declaration
        for acronym in ("5PC", "ACDN", "COC"):
            instrument = Instrument.objects.get(acronym=acronym)
            years = set(
                instrument.references.values_list(
                    "clause__declaration__adopted_on__year", flat=True
                )
            )
            assert years == {2025, 2026}, acronym
        assert follow_up.slug == "admm-2026-manila"


class TestChangedText:
    def test_a_changed_text_is_shown_and_applied_only_on_request(self):
        declaration = import_text(SEED).declaration
        acdn = Instrument.objects.get(acronym="ACDN")
        make_status(acdn, as_of=datetime.date(2026, 3, 1))
        edited = SEED.replace("INTENSIFY efforts", "FURTHER INTENSIFY efforts")

        plan = plan_import(edited)
        assert plan.needs_update
        assert [old.anchor for old, _ in plan.changes.edited] == ["op-2"]
        with pytest.raises(ImportRejected, match="already exists with a different text"):
            import_text(edited)
        assert declaration.clauses.get(part=Part.OPERATIVE, number=2).text.startswith("INTENSIFY")

        import_text(edited, update=True)
        clause = declaration.clauses.get(part=Part.OPERATIVE, number=2)
        assert clause.text.startswith("FURTHER INTENSIFY")
        assert clause.history.count() == 2
        assert ImplementationStatus.objects.filter(instrument=acdn).count() == 1

    def test_an_update_bumps_the_version_of_the_declaration_and_each_clause_it_changes(self):
        declaration = import_text(SEED).declaration
        edited = SEED.replace("INTENSIFY efforts", "FURTHER INTENSIFY efforts")
        import_text(edited, update=True)
        declaration.refresh_from_db()
        versions = dict(
            declaration.clauses.filter(part=Part.OPERATIVE).values_list("number", "version")
        )
        assert declaration.version == 2
        assert versions[2] == 2
        assert set(versions.values()) == {1, 2}  # the unchanged clauses were not written

    def test_an_update_prepared_before_someone_saved_a_clause_is_refused_and_writes_nothing(
        self,
    ):
        declaration = import_text(SEED).declaration
        plan = plan_import(SEED.replace("INTENSIFY efforts", "FURTHER INTENSIFY efforts"))
        clause = declaration.clauses.get(part=Part.OPERATIVE, number=2)
        clause.text = "INTENSIFY efforts, as staff corrected it."
        save_versioned(clause, version=clause.version)

        with pytest.raises(ImportRejected, match="changed by someone else"):
            apply_import(plan, update=True)
        clause.refresh_from_db()
        declaration.refresh_from_db()
        assert clause.text == "INTENSIFY efforts, as staff corrected it."
        assert declaration.version == 1

    def test_a_removed_clause_is_listed_before_anything_changes(self):
        import_text(SEED)
        shorter = SEED.replace(
            "WELCOME the Republic of the Philippines as the next ASEAN Chair and its hosting of "
            "the 20th ADMM and the 13th ADMM-Plus in 2026.\n",
            "",
        )
        plan = plan_import(shorter)
        assert [clause.anchor for clause in plan.changes.removed] == ["op-25"]
        assert plan.changes.added == [] and plan.changes.edited == []
        assert Clause.objects.filter(part=Part.OPERATIVE).count() == 25


class TestBadInput:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
            ("RECOGNISING caf\u00e9".encode("latin-1"), "not UTF-8"),
            (b"x" * 1_000_001, "limit"),
        ],
        ids=["binary", "undecodable", "oversized"],
    )
    def test_it_refuses_files_that_are_not_declaration_text(self, data, message):
        with pytest.raises(ImportRejected, match=message):
            decode_text(data)

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "   \n\n  ",
            "- Home\n- News and events\n- Latest Releases\nMore Resources\n",
            "Some Joint Declaration\nRECOGNISING the importance of peace;\n"
            "NOTING the progress made;\n",
        ],
        ids=["empty", "blank", "navigation-only", "no-operative-part"],
    )
    def test_it_refuses_text_without_a_declaration_and_writes_nothing(self, text):
        with pytest.raises(ImportRejected):
            import_text(text)
        assert row_counts() == (0, 0, 0, 0)

    def test_the_same_text_under_another_slug_is_refused(self):
        import_text(SEED)
        with pytest.raises(ImportRejected, match="already imported as 'admm-2025-kuala-lumpur'"):
            import_text(SEED, slug="another-name")

    def test_a_failure_half_way_writes_nothing(self, monkeypatch):
        def explode(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(importing.Reference.objects, "get_or_create", explode)
        with pytest.raises(RuntimeError):
            import_text(SEED)
        assert row_counts() == (0, 0, 0, 0)


class TestCommand:
    def run(self, *args):
        out = io.StringIO()
        call_command("import_declaration", *args, stdout=out)
        return out.getvalue()

    def test_dry_run_prints_a_preview_and_writes_nothing(self):
        output = self.run(str(SEED_PATH), "--dry-run")
        assert "13 preambular, 25 operative" in output
        assert (
            "[new  ] Concept Paper on ASEAN Defence Search and Rescue Exercise (ADSARX)" in output
        )
        assert "Dry run: nothing was written." in output
        assert row_counts() == (0, 0, 0, 0)

    def test_dry_run_json_has_the_documented_fields(self):
        data = json.loads(self.run(str(SEED_PATH), "--dry-run", "--json"))
        assert data["title"].startswith("Kuala Lumpur Joint Declaration")
        assert (data["meeting"], data["place"], data["adopted_on"]) == (
            "19th ADMM",
            "Kuala Lumpur, Malaysia",
            "2025-10-31",
        )
        first = data["clauses"][0]
        assert {"part", "number", "lead_word", "lead_verb", "verb_class", "text"} <= set(first)
        adsarx = next(i for i in data["instruments"] if i["acronym"] == "ADSARX")
        assert adsarx == adsarx | {"kind": "concept_paper", "relation": "adopts", "clause": "op-10"}
        assert row_counts() == (0, 0, 0, 0)

    def test_import_then_reimport_says_nothing_changed(self):
        assert "Imported admm-2025-kuala-lumpur." in self.run(str(SEED_PATH))
        assert "Nothing changed." in self.run(str(SEED_PATH))

    def test_a_missing_file_is_a_clear_error(self):
        with pytest.raises(CommandError, match="Cannot read /nonexistent.txt"):
            self.run("/nonexistent.txt")
