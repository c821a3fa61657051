import datetime
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

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
            (b"x" * 1_000_001, "over 1 MB, the limit"),
            (b"RECOGNISING peace;\n" * 500 + b"\x00", "NUL byte at position 9,500"),
        ],
        ids=["binary", "undecodable", "oversized", "nul-after-8-kb"],
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


def many_paragraphs(count):
    """A text shaped like a declaration with `count` operative paragraphs."""
    body = "".join(f"{n}. ADOPT the Concept Paper on Topic {n} (CP{n});\n" for n in range(count))
    return (
        "Joint Declaration of the ADMM\nRECOGNISING the importance of peace;\n"
        f"HEREBY DECLARE TO:\n{body}ADOPTED in Kuala Lumpur on 31 October 2025.\n"
    )


class TestLimits:
    """Explicit limits, checked before the text is parsed (the paragraphs per part once
    it is, before anything is written), each named in its message."""

    def test_forty_thousand_paragraphs_are_refused_at_once_naming_the_limit(self, settings):
        settings.TRACKER_IMPORT_MAX_BYTES = 5_000_000
        started = time.monotonic()
        with pytest.raises(ImportRejected, match="40,004 non-blank lines; the limit is 10,000"):
            plan_import(many_paragraphs(40_000))
        assert time.monotonic() - started < 2  # refused before the parser saw it
        assert row_counts() == (0, 0, 0, 0)

    def test_a_part_with_more_paragraphs_than_the_limit_is_refused(self, settings):
        settings.TRACKER_IMPORT_MAX_PARAGRAPHS = 30
        with pytest.raises(ImportRejected, match="operative part has 31 paragraphs; the limit"):
            import_text(many_paragraphs(31))
        assert row_counts() == (0, 0, 0, 0)

    def test_a_part_at_the_limit_is_imported(self, settings):
        settings.TRACKER_IMPORT_MAX_PARAGRAPHS = 30
        declaration = import_text(many_paragraphs(30)).declaration
        assert declaration.clauses.filter(part=Part.OPERATIVE).count() == 30

    def test_an_overlong_line_is_refused_naming_it(self):
        text = SEED.replace("INTENSIFY efforts", "INTENSIFY " + "very " * 3000 + "efforts")
        with pytest.raises(ImportRejected, match=r"Line \d+ is 15,\d{3} characters long; the lim"):
            plan_import(text)

    def test_a_nul_character_in_pasted_text_is_refused(self):
        with pytest.raises(ImportRejected, match="NUL character at position 12"):
            plan_import("RECOGNISING \x00" + SEED)


class TestAdminUploadLimits:
    URL = "admin:declarations_declaration_import"

    def post(self, client, editor, data, **fields):
        client.force_login(editor)
        upload = SimpleUploadedFile("declaration.txt", data)
        return client.post(reverse(self.URL), {"file": upload, **fields})

    @pytest.mark.parametrize("step", ["preview", "confirm"])
    def test_a_nul_after_the_first_8_kb_is_refused_at_each_step(self, client, editor, step):
        data = SEED.encode() + b"\x00" + b"\n"
        assert len(SEED.encode()) > 8192
        fields = {"confirm": "1"} if step == "confirm" else {}
        response = self.post(client, editor, data, **fields)
        assert response.status_code == 200
        assert "The file is binary, not text. It has a NUL byte at position" in response.text
        assert row_counts() == (0, 0, 0, 0)

    def test_a_20_mb_file_is_reported_as_over_the_limit_not_by_a_false_size(self, client, editor):
        response = self.post(client, editor, b"RECOGNISING peace;\n" * 1_050_000)
        assert "The file is over 1 MB, the limit for a declaration" in response.text
        assert "1,000,001" not in response.text

    def test_forty_thousand_paragraphs_are_refused_on_the_confirm(self, client, editor, settings):
        settings.TRACKER_IMPORT_MAX_BYTES = 5_000_000
        data = many_paragraphs(40_000).encode()
        response = self.post(client, editor, data, confirm="1")
        assert response.status_code == 200
        assert "the limit is 10,000" in response.text
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

    def test_a_file_past_a_limit_is_one_clear_line_and_exit_code_1(self, tmp_path):
        path = tmp_path / "huge.txt"
        path.write_text(many_paragraphs(40_000), encoding="utf-8")
        # A database with no tables: nothing could be written even if the limit failed.
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
            "TRACKER_IMPORT_MAX_BYTES": "5000000",
        }
        result = subprocess.run(
            [sys.executable, "manage.py", "import_declaration", str(path)],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        # Off a terminal the progress is plain lines ("import: 1/2 steps"); the error is the
        # last line, and the only one that is not progress.
        lines = result.stderr.strip().splitlines()
        assert lines[-1] == (
            "CommandError: The text has 40,004 non-blank lines; the limit is 10,000. "
            "Is this really one declaration's text?"
        )
        assert all(line.startswith("import: ") for line in lines[:-1])

    def test_a_nul_after_the_first_8_kb_is_a_clear_error(self, tmp_path):
        path = tmp_path / "declaration.txt"
        path.write_bytes(SEED.encode() + b"\x00")
        with pytest.raises(CommandError, match="binary, not text"):
            self.run(str(path))
        assert row_counts() == (0, 0, 0, 0)

    def test_an_oversized_file_is_reported_as_over_the_limit(self, tmp_path, settings):
        settings.TRACKER_IMPORT_MAX_BYTES = 10_000
        path = tmp_path / "declaration.txt"
        path.write_bytes(b"RECOGNISING peace;\n" * 50_000)
        with pytest.raises(CommandError, match="over 10,000 bytes, the limit"):
            self.run(str(path))

    def test_a_missing_file_is_a_clear_error(self):
        with pytest.raises(CommandError, match="Cannot read /nonexistent.txt"):
            self.run("/nonexistent.txt")
