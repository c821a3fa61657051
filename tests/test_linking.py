"""Links across years: which record each instrument of a later text is (intake/linking).

The seed and an invented next-year text (tests/fixtures/declarations/
hanoi-2026-admm-invented.txt) show the rules on the real names; the unit tests use other
invented names, so no rule is fitted to the seed's."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from declarations.demo import SEED as SEED_PATH
from declarations.intake import linking
from declarations.intake.importing import ImportRejected, apply_import, import_text, plan_import
from declarations.intake.parsing import split_edition
from declarations.models import Instrument, Reference, Series

pytestmark = pytest.mark.django_db

SEED = SEED_PATH.read_text(encoding="utf-8")
HANOI_PATH = (
    Path(__file__).resolve().parent / "fixtures" / "declarations" / ("hanoi-2026-admm-invented.txt")
)
HANOI = HANOI_PATH.read_text(encoding="utf-8")


def years_citing(instrument):
    return set(
        instrument.references.values_list("clause__declaration__adopted_on__year", flat=True)
    )


def declaration(*operative, year=2030, place="Dili, Timor-Leste"):
    """A small invented declaration adopted in `year` with these operative paragraphs."""
    return (
        "Invented Joint Declaration of the Coastal Ministers' Meeting\n"
        "RECOGNISING the importance of cooperation at sea;\n"
        "HEREBY DECLARE TO:\n" + "\n".join(operative) + f"\nADOPTED in {place} on 1 March {year}.\n"
    )


def imported(*operative, year=2030):
    return import_text(declaration(*operative, year=year), slug=f"invented-{year}").declaration


def item_named(plan, label):
    return next(item for item in plan.instruments if item.label == label)


class TestTheNextYearsDeclarationAfterTheSeed:
    @pytest.fixture
    def hanoi(self):
        import_text(SEED)
        before = set(Instrument.objects.values_list("pk", flat=True))
        plan = import_text(HANOI)
        added = Instrument.objects.exclude(pk__in=before)
        return plan, added

    def test_the_3rd_aumx_is_a_new_edition_of_the_2nd_s_series(self, hanoi):
        plan, added = hanoi
        second = Instrument.objects.get(name="2nd ASEAN-United States Maritime Exercise")
        third = added.get(acronym="AUMX")
        assert (third.name, third.kind, third.edition) == (
            "3rd ASEAN-United States Maritime Exercise",
            "exercise",
            3,
        )
        assert third.series == second.series and second.edition == 2
        assert years_citing(second) == {2025} and years_citing(third) == {2026}
        assert third.references.get().clause.trackable  # "WELCOME the conduct of the 3rd AUMX"

    def test_a_full_name_with_the_next_ordinal_is_the_next_edition_too(self, hanoi):
        _, added = hanoi
        fourth = added.get(acronym="AMNEx")
        third = Instrument.objects.get(acronym="AMNEx", edition=3)
        assert fourth.edition == 4 and fourth.series == third.series
        assert [i.edition for i in third.series.ordered_editions()] == [3, 4]

    def test_a_bare_acronym_the_text_never_defines_links_to_the_known_instrument(self, hanoi):
        adsarx = Instrument.objects.get(acronym="ADSARX")
        assert years_citing(adsarx) == {2025, 2026}
        ref = adsarx.references.get(clause__declaration__slug="admm-2026-hanoi")
        assert (ref.clause.anchor, ref.relation) == ("op-3", "encourages")

    def test_a_short_reference_links_to_the_full_names_record(self, hanoi):
        acdn = Instrument.objects.get(acronym="ACDN")
        assert years_citing(acdn) == {2025, 2026}
        assert not Instrument.objects.filter(name="ACDN Guidelines").exists()

    def test_a_renamed_instrument_keeps_its_record_and_its_name(self, hanoi):
        esmawp = Instrument.objects.get(acronym="ESMAWP")
        assert years_citing(esmawp) == {2025, 2026}
        assert esmawp.name.startswith("Terms of Reference of the Enhancing Support Mechanism")

    def test_only_the_new_instrument_and_the_two_new_editions_are_created(self, hanoi):
        _, added = hanoi
        assert sorted(added.values_list("acronym", flat=True)) == ["ADCRD", "AMNEx", "AUMX"]
        for acronym in ("5PC", "COC"):
            assert years_citing(Instrument.objects.get(acronym=acronym)) == {2025, 2026}

    def test_the_preview_gives_the_reason_of_every_decision(self, hanoi):
        plan, _ = hanoi
        preview = plan.preview_text
        for expected in (
            "known by acronym ESMAWP, adopted 2025, op-16; named “Terms of Reference of",
            "known by short reference: acronym ACDN and “Guidelines”, adopted 2025, op-13",
            "known by acronym ADSARX, adopted 2025, op-10",
            "new edition 3 of series AUMX",
            "new edition 4 of series AMNEx",
        ):
            assert expected in preview
        adcrd = item_named(plan, "Concept Paper on the ASEAN Defence Climate Resilience "
                           "Dialogue (ADCRD)")  # fmt: skip
        assert adcrd.decision.reason == "new instrument"

    def test_importing_it_again_changes_nothing(self, hanoi):
        counts = (Instrument.objects.count(), Reference.objects.count(), Series.objects.count())
        assert import_text(HANOI).unchanged
        assert counts == (
            Instrument.objects.count(),
            Reference.objects.count(),
            Series.objects.count(),
        )

    def test_the_command_prints_the_decisions(self):
        import_text(SEED)
        out = io.StringIO()
        call_command("import_declaration", str(HANOI_PATH), "--dry-run", stdout=out)
        assert "[new  ] 3rd AUMX - op-2 welcomes\n      new edition 3 of series AUMX" in (
            out.getvalue()
        )


def test_an_edition_recorded_before_series_existed_founds_the_series():
    import_text(SEED)
    Instrument.objects.update(series=None, edition=None)
    Series.objects.all().delete()
    import_text(HANOI)
    second = Instrument.objects.get(name="2nd ASEAN-United States Maritime Exercise")
    third = Instrument.objects.get(name="3rd ASEAN-United States Maritime Exercise")
    assert second.series is not None and third.series == second.series
    assert (second.edition, third.edition) == (2, 3)
    assert second.series.name == "ASEAN-United States Maritime Exercise"
    assert second.version == 2  # a versioned write: a page opened before it cannot undo it


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Second Mekong Riverine Patrol Exercise", (2, "Mekong Riverine Patrol Exercise")),
        ("the Twenty-First Coastal Medicine Conference", (21, "Coastal Medicine Conference")),
        ("115th Island Search Drill", (115, "Island Search Drill")),
        ("One Hundred and Third Harbour Forum", (103, "Harbour Forum")),
        ("first steps towards a Plan", (None, "first steps towards a Plan")),
        ("2019 Coastal Plan", (None, "2019 Coastal Plan")),
        ("Coastal Plan for the 3rd Decade", (None, "Coastal Plan for the 3rd Decade")),
    ],
)
def test_an_ordinal_in_figures_or_words_leads_an_edition(name, expected):
    assert split_edition(name) == expected


class TestMatchingRules:
    def test_editions_in_words_and_figures_are_one_series_and_distinct_records(self):
        imported("WELCOME the conduct of the Second Mekong Riverine Patrol Exercise (MRPX);")
        imported(
            "WELCOME the conduct of the Third Mekong Riverine Patrol Exercise (MRPX);",
            "SUPPORT the hosting of the 4th MRPX in 2032;",
            year=2031,
        )
        series = Series.objects.get(acronym="MRPX")
        editions = list(series.ordered_editions().values_list("edition", "name"))
        assert editions == [
            (2, "Second Mekong Riverine Patrol Exercise"),
            (3, "Third Mekong Riverine Patrol Exercise"),
            (4, "4th Mekong Riverine Patrol Exercise"),
        ]

    def test_an_edition_named_again_links_to_that_edition_not_a_new_one(self):
        imported("WELCOME the conduct of the 7th Reef Safety Exercise (RSX);")
        plan = plan_import(
            declaration("NOTE the report of the 7th RSX;", year=2031), slug="invented-2031"
        )
        (item,) = plan.instruments
        assert item.existing == Instrument.objects.get(edition=7)
        assert item.decision.reason.startswith("known as edition 7 of series RSX")

    def test_an_edition_without_acronym_finds_its_series_by_name(self):
        imported("WELCOME the Fifth Coastal Medicine Conference;")
        imported("WELCOME the Sixth Coastal Medicine Conference;", year=2031)
        series = Series.objects.get()
        assert series.name == "Coastal Medicine Conference"
        assert list(series.ordered_editions().values_list("edition", flat=True)) == [5, 6]

    def test_a_bare_acronym_nobody_knows_is_no_instrument(self):
        plan = plan_import(declaration("SUPPORT the hosting of ZQX in 2031;"), slug="x")
        assert plan.instruments == []

    def test_a_bare_known_acronym_links_without_a_kind(self):
        framework = imported("ADOPT the Coastal Protection Framework (CPFW);")
        plan = plan_import(
            declaration("ENCOURAGE the implementation of CPFW;", year=2031), slug="y"
        )
        (item,) = plan.instruments
        assert item.existing.references.get().clause.declaration == framework
        assert item.decision.reason == "known by acronym CPFW, adopted 2030, op-1"

    def test_a_short_reference_needs_its_words_in_the_known_name(self):
        imported("ADOPT the Island Medical Evacuation Network (IMEN) Guidelines and Work Plan;")
        plan = plan_import(
            declaration(
                "ENCOURAGE the implementation of the IMEN Guidelines;",
                "NOTE the drafting of the IMEN Charter;",
                year=2031,
            ),
            slug="z",
        )
        guidelines = item_named(plan, "IMEN Guidelines")
        charter = item_named(plan, "IMEN Charter")
        assert guidelines.existing.acronym == "IMEN"
        assert charter.is_new

    def test_same_acronym_same_kind_is_a_rename_other_kind_is_another_record(self):
        imported("ADOPT the Concept Paper on Harbour Pilot Exchanges (HPEX);")
        plan = plan_import(
            declaration(
                "ADOPT the Concept Paper on Regional Harbour Pilot Cooperation (HPEX);",
                "APPROVE the Harbour Pilot Exchange Programme (HPEX);",
                year=2031,
            ),
            slug="w",
        )
        renamed, programme = plan.instruments
        assert renamed.existing is not None
        assert "named “Concept Paper on Harbour Pilot Exchanges” there" in renamed.decision.reason
        assert programme.is_new

    def test_staff_choices_replace_the_proposals_and_are_what_is_written(self):
        imported("ADOPT the Coastal Protection Framework (CPFW);")
        other = Instrument.objects.create(slug="other", name="Another Framework", kind="framework")
        text = declaration(
            "ENCOURAGE the implementation of CPFW;",
            "ADOPT the Concept Paper on Tidal Monitoring (CPTM);",
            "NOTE the Reef Watch Programme;",
            year=2031,
        )
        plan = plan_import(text, slug="v")
        cpfw, cptm = (
            item_named(plan, "CPFW"),
            item_named(plan, "Concept Paper on Tidal Monitoring (CPTM)"),
        )
        reef = item_named(plan, "Reef Watch Programme")
        plan.choose_links({cpfw.key: other, cptm.key: linking.IGNORE, reef.key: "proposed"})
        assert cpfw.decision.reason == "linked by staff to Another Framework"
        written = apply_import(plan)
        linked = {
            ref.instrument.name for ref in Reference.objects.filter(clause__declaration=written)
        }
        assert linked == {"Another Framework", "Reef Watch Programme"}
        assert not Instrument.objects.filter(acronym="CPTM").exists()

    def test_a_job_whose_chosen_instrument_was_deleted_is_refused_by_name(self):
        with pytest.raises(ImportRejected, match=r"id 424242\) no longer exists"):
            linking.resolve_choices({"abc": 424242, "def": "ignore"})


class TestThePreviewsChoices:
    """Admin Declarations -> Import from text: the decisions shown, changed, confirmed."""

    URL = "/admin/declarations/declaration/import/"

    @pytest.fixture
    def preview(self, client, editor):
        import_text(SEED)
        client.force_login(editor)
        response = client.post(self.URL, {"text": HANOI, "preview": "1"})
        assert response.status_code == 200
        return response

    @staticmethod
    def key(response, label):
        return item_named(response.context["plan"], label).key

    def confirm(self, client, **choices):
        return client.post(self.URL, {"text": HANOI, "confirm": "1", **choices})

    def test_the_preview_lists_each_decision_with_its_reason_and_a_choice(self, preview):
        assert "known by acronym ADSARX, adopted 2025, op-10" in preview.text
        assert "new edition 3 of series AUMX" in preview.text
        key = self.key(preview, "3rd AUMX")
        assert f'name="link_{key}"' in preview.text and f'name="to_{key}"' in preview.text
        assert "admin/js/autocomplete.js" in preview.text

    def test_an_unknown_instrument_id_is_an_error_on_its_field_and_nothing_is_written(
        self, client, preview
    ):
        key = self.key(preview, "ADSARX")
        response = self.confirm(client, **{f"to_{key}": "424242"})
        assert response.status_code == 200
        assert "There is no such instrument" in response.text
        assert not Reference.objects.filter(clause__declaration__slug="admm-2026-hanoi").exists()
        for wrong in ("not-a-number", "9" * 30, "-1"):
            response = self.confirm(client, **{f"to_{key}": wrong})
            assert response.status_code == 200
            assert "There is no such instrument" in response.text

    def test_the_confirmed_choices_are_what_is_written(self, client, preview):
        second = Instrument.objects.get(acronym="AUMX", edition=2)
        third, new = (
            self.key(preview, "3rd AUMX"),
            self.key(
                preview, "Concept Paper on the ASEAN Defence Climate Resilience Dialogue (ADCRD)"
            ),
        )
        response = self.confirm(
            client, **{f"to_{third}": str(second.pk), f"link_{new}": linking.IGNORE}
        )
        assert response.status_code == 302
        assert years_citing(second) == {2025, 2026}
        assert not Instrument.objects.filter(acronym__in=["ADCRD"]).exists()
        assert not Instrument.objects.filter(acronym="AUMX", edition=3).exists()

    def test_a_background_import_writes_the_confirmed_choices_too(self, client, preview, settings):
        settings.TRACKER_BACKGROUND_IMPORT_BYTES = 0
        new = self.key(
            preview, "Concept Paper on the ASEAN Defence Climate Resilience Dialogue (ADCRD)"
        )
        response = self.confirm(client, **{f"link_{new}": linking.IGNORE})
        assert response.status_code == 302 and response["Location"].startswith("/jobs/")
        assert Reference.objects.filter(clause__declaration__slug="admm-2026-hanoi").exists()
        assert not Instrument.objects.filter(acronym="ADCRD").exists()


class TestTheSeriesIsShown:
    @pytest.fixture
    def third(self):
        import_text(SEED)
        import_text(HANOI)
        return Instrument.objects.get(acronym="AUMX", edition=3)

    def test_on_the_report_page(self, client, manager, third):
        client.force_login(manager)
        second = Instrument.objects.get(acronym="AUMX", edition=2)
        page = client.get(f"/reports/instruments/{third.slug}/")
        assert page.status_code == 200
        assert "3rd edition of ASEAN-United States Maritime Exercise (AUMX)" in page.text
        assert f'href="/reports/instruments/{second.slug}/' in page.text

    def test_on_the_admin_page(self, client, editor, third):
        client.force_login(editor)
        page = client.get(f"/admin/declarations/instrument/{third.pk}/change/")
        assert page.status_code == 200
        assert "Editions of the series" in page.text and ">2nd</a>" in page.text
        series = client.get(f"/admin/declarations/series/{third.series_id}/change/")
        assert series.status_code == 200 and "3rd ASEAN-United States Maritime" in series.text

    def test_in_the_api_detail_and_list(self, api_client_for, consumer, third):
        client = api_client_for(consumer)
        detail = client.get(f"/api/v1/instruments/{third.slug}/").json()
        assert detail["edition"] == 3
        assert detail["series"] == {
            "slug": third.series.slug,
            "name": "ASEAN-United States Maritime Exercise",
            "acronym": "AUMX",
        }
        rows = client.get("/api/v1/instruments/", {"q": "AUMX"}).json()["results"]
        assert {(row["edition"], row["series"]["acronym"]) for row in rows} >= {
            (2, "AUMX"),
            (3, "AUMX"),
        }
