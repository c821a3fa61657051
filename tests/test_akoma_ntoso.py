"""Each declaration as Akoma Ntoso XML, for legal-document systems."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from declarations.api.akoma_ntoso import AKN_NAMESPACE, declaration_to_akn
from declarations.models import Declaration, Part, Relation, VerbClass
from tests.factories import make_clause, make_declaration, make_instrument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_api_throttles")]

NS = {"akn": AKN_NAMESPACE}
URL = "/api/v1/declarations/admm-2025-kuala-lumpur/akn.xml"


@pytest.fixture
def reader(api_client_for, consumer):
    return api_client_for(consumer)


@pytest.fixture
def kuala_lumpur():
    """Two preambular paragraphs and three operative ones, citing three instruments."""
    declaration = make_declaration(
        slug="admm-2025-kuala-lumpur",
        title="Kuala Lumpur Joint Declaration",
        meeting="19th ADMM",
        place="Kuala Lumpur, Malaysia",
        adopted_on=datetime.date(2025, 10, 31),
    )
    for text in ("RECOGNISING the region's diversity;", "NOTING the 2024 Vientiane Declaration;"):
        make_clause(
            declaration,
            part=Part.PREAMBLE,
            lead_word=text.split()[0],
            lead_verb=text.split()[0],
            verb_class=VerbClass.DECLARATORY,
            trackable=False,
            text=text,
        )
    adopting = make_clause(
        declaration,
        text="ADOPT the Concept Paper on ASEAN Defence Search and Rescue Exercise (ADSARX) "
        "and the ACDN Guidelines;",
    )
    make_instrument(adopting, slug="adsarx", name="ADSARX concept paper", acronym="ADSARX")
    make_instrument(adopting, slug="acdn", name="ACDN Guidelines", acronym="ACDN")
    welcoming = make_clause(
        declaration, lead_verb="WELCOME", verb_class=VerbClass.WELCOMES, text="WELCOME the AUMX."
    )
    make_instrument(
        welcoming, relation=Relation.WELCOMES, slug="aumx", name="2nd AUMX", acronym="AUMX"
    )
    make_clause(declaration, lead_verb="LOOK FORWARD", text="LOOK FORWARD to working together.")
    return declaration


def document(declaration):
    declaration = Declaration.objects.get(pk=declaration.pk)
    return ET.fromstring(declaration_to_akn(declaration))


def test_it_is_an_akoma_ntoso_statement_with_identification(kuala_lumpur):
    root = document(kuala_lumpur)
    assert root.tag == f"{{{AKN_NAMESPACE}}}akomaNtoso"
    work = root.find("akn:statement/akn:meta/akn:identification/akn:FRBRWork", NS)
    assert work.find("akn:FRBRthis", NS).get("value") == (
        "/akn/admm/statement/declaration/2025-10-31/admm-2025-kuala-lumpur/!main"
    )
    assert work.find("akn:FRBRdate", NS).get("date") == "2025-10-31"
    expression = root.find(".//akn:FRBRExpression", NS)
    assert expression.find("akn:FRBRlanguage", NS).get("language") == "eng"


def test_the_preface_gives_title_meeting_place_and_date(kuala_lumpur):
    preface = document(kuala_lumpur).find("akn:statement/akn:preface", NS)
    assert preface.findtext("akn:longTitle/akn:p", namespaces=NS) == (
        "Kuala Lumpur Joint Declaration"
    )
    line = preface.findall("akn:p", NS)[0]
    assert line.find("akn:docProponent", NS).text == "19th ADMM"
    assert line.find("akn:location", NS).text == "Kuala Lumpur, Malaysia"
    assert line.find("akn:docDate", NS).get("date") == "2025-10-31"
    assert line.find("akn:docDate", NS).text == "31 October 2025"


def test_preamble_paragraphs_are_recitals_and_operative_ones_paragraphs(kuala_lumpur):
    statement = document(kuala_lumpur).find("akn:statement", NS)
    recitals = statement.findall("akn:preamble/akn:recitals/akn:recital", NS)
    assert [r.get("eId") for r in recitals] == ["recital_1", "recital_2"]
    assert recitals[1].findtext("akn:p", namespaces=NS) == "NOTING the 2024 Vientiane Declaration;"
    paragraphs = statement.findall("akn:mainBody/akn:paragraph", NS)
    assert [p.get("eId") for p in paragraphs] == ["para_1", "para_2", "para_3"]
    assert [p.findtext("akn:num", namespaces=NS) for p in paragraphs] == ["1.", "2.", "3."]
    last = paragraphs[2].find("akn:content/akn:p", NS)
    assert last.text == "LOOK FORWARD to working together."


def test_cited_instruments_are_declared_once_and_referenced_from_their_paragraph(kuala_lumpur):
    root = document(kuala_lumpur)
    objects = root.findall(".//akn:references/akn:TLCObject", NS)
    assert {(o.get("eId"), o.get("href")) for o in objects} == {
        ("instrument_adsarx", "/api/v1/instruments/adsarx/"),
        ("instrument_acdn", "/api/v1/instruments/acdn/"),
        ("instrument_aumx", "/api/v1/instruments/aumx/"),
    }
    adopting = root.find(".//akn:paragraph[@eId='para_1']", NS)
    assert adopting.get("refersTo") == "#instrument_adsarx #instrument_acdn"
    p = adopting.find("akn:content/akn:p", NS)
    refs = p.findall("akn:ref", NS)
    assert [(r.text, r.get("href")) for r in refs] == [
        ("ADSARX", "/api/v1/instruments/adsarx/"),
        ("ACDN Guidelines", "/api/v1/instruments/acdn/"),
    ]
    # Marking the mentions up loses no text.
    assert "".join(p.itertext()) == (
        "ADOPT the Concept Paper on ASEAN Defence Search and Rescue Exercise (ADSARX) "
        "and the ACDN Guidelines;"
    )


def test_markup_characters_in_the_text_are_escaped_and_control_characters_dropped():
    declaration = make_declaration(title='Trade & <Security> "Declaration"', place="")
    make_clause(declaration, text="ADOPT the SOP <b>now</b> & later\x0b;")
    xml = declaration_to_akn(Declaration.objects.get(pk=declaration.pk))
    assert b"&amp; &lt;Security&gt;" in xml
    root = ET.fromstring(xml)
    assert root.findtext(".//akn:longTitle/akn:p", namespaces=NS) == (
        'Trade & <Security> "Declaration"'
    )
    assert root.findtext(".//akn:paragraph/akn:content/akn:p", namespaces=NS) == (
        "ADOPT the SOP <b>now</b> & later;"
    )


def test_a_declaration_without_operative_paragraphs_still_has_a_main_body():
    declaration = make_declaration(place="")
    make_clause(declaration, part=Part.PREAMBLE, text="RECALLING the past;")
    root = ET.fromstring(declaration_to_akn(Declaration.objects.get(pk=declaration.pk)))
    assert root.find("akn:statement/akn:mainBody", NS) is not None


class TestTheDownload:
    def test_it_is_served_as_akoma_ntoso_xml_to_download(self, reader, kuala_lumpur):
        response = reader.get(URL)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/akn+xml")
        assert 'filename="admm-2025-kuala-lumpur.akn.xml"' in response["Content-Disposition"]
        assert ET.fromstring(response.content).tag == f"{{{AKN_NAMESPACE}}}akomaNtoso"

    def test_a_client_asking_for_plain_xml_gets_it_too(self, reader, kuala_lumpur):
        response = reader.get(URL, HTTP_ACCEPT="application/xml")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/akn+xml")

    def test_an_unknown_declaration_is_a_json_404(self, reader):
        response = reader.get("/api/v1/declarations/no-such-thing/akn.xml")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"

    def test_it_needs_a_token(self, client, kuala_lumpur):
        assert client.get(URL).status_code == 401

    def test_an_unchanged_document_answers_304(self, reader, kuala_lumpur):
        first = reader.get(URL)
        assert reader.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    def test_it_costs_the_same_queries_however_long_the_declaration(
        self, reader, kuala_lumpur, django_assert_num_queries
    ):
        reader.get(URL)  # records the token's last use
        for _ in range(10):
            make_instrument(make_clause(kuala_lumpur))
        # The token, the declaration, its clauses, their references with instruments.
        with django_assert_num_queries(4):
            assert reader.get(URL).status_code == 200

    def test_the_declaration_points_to_its_download(self, reader, kuala_lumpur):
        detail = reader.get("/api/v1/declarations/admm-2025-kuala-lumpur/").json()
        assert detail["akoma_ntoso_url"] == f"http://testserver{URL}"
