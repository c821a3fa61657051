"""A paragraph's number as printed in the declaration, stored beside its position (the
anchor) and shown wherever the position is."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from declarations.demo import SEED as SEED_PATH
from declarations.intake.importing import import_text
from declarations.models import Clause, Part

pytestmark = pytest.mark.django_db

NUMBERED = (
    Path(__file__).resolve().parent
    / "fixtures"
    / "declarations"
    / "singapore-2023-admm-numbered.txt"
).read_text(encoding="utf-8")
SEED = SEED_PATH.read_text(encoding="utf-8")


def numbers(declaration, part):
    return [
        (c.anchor, c.printed_number)
        for c in declaration.clauses.filter(part=part).order_by("number")
    ]


def without_numbers(text):
    return re.sub(r"(?m)^\d{1,3}\.\s+", "", text)


@pytest.fixture
def numbered():
    return import_text(NUMBERED).declaration


def test_a_numbered_text_stores_each_printed_number_beside_its_position(numbered):
    assert numbers(numbered, Part.OPERATIVE) == [(f"op-{n}", str(n)) for n in range(1, 8)]
    assert {number for _, number in numbers(numbered, Part.PREAMBLE)} == {""}


def test_a_text_without_printed_numbers_keeps_the_positions_alone():
    declaration = import_text(SEED).declaration
    assert numbers(declaration, Part.OPERATIVE)[:2] == [("op-1", ""), ("op-2", "")]
    assert (
        Clause.objects.get(declaration=declaration, part=Part.OPERATIVE, number=2).label == "op-2"
    )


def test_an_update_writes_the_printed_numbers_of_the_new_text():
    plain = import_text(without_numbers(NUMBERED), slug="admm-2023-singapore").declaration
    assert {number for _, number in numbers(plain, Part.OPERATIVE)} == {""}

    plan = import_text(NUMBERED, slug="admm-2023-singapore", dry_run=True)
    assert "  ~ op-7 printed number: none -> 7" in plan.preview()
    import_text(NUMBERED, slug="admm-2023-singapore", update=True)

    assert numbers(plain, Part.OPERATIVE) == [(f"op-{n}", str(n)) for n in range(1, 8)]
    assert Clause.objects.get(declaration=plain, part=Part.OPERATIVE, number=7).version == 2


def test_the_scorecard_shows_the_printed_number_beside_the_position(client, manager, numbered):
    client.force_login(manager)
    html = client.get(reverse("report_declaration", args=[numbered.slug])).text
    op7 = html[html.index('id="op-7"') :]
    op7 = op7[: op7.index("</p>")]
    assert 'href="#op-7"' in op7 and ">7.</a>" in op7
    assert re.search(r'class="printed-number"[^>]*>no.&nbsp;7</span>', op7)
    assert html.count('class="printed-number"') == 7  # the operative paragraphs only


def test_the_scorecard_of_an_unnumbered_text_shows_positions_only(client, manager):
    declaration = import_text(SEED).declaration
    client.force_login(manager)
    html = client.get(reverse("report_declaration", args=[declaration.slug])).text
    assert 'href="#op-2"' in html and 'class="printed-number"' not in html


def test_the_scorecards_download_has_the_printed_numbers(client, manager, numbered):
    client.force_login(manager)
    url = reverse("report_declaration", args=[numbered.slug])
    response = client.get(url + "?format=csv")
    rows = b"".join(response.streaming_content).decode().splitlines()
    header = rows.index(next(r for r in rows if r.startswith("Paragraph,")))
    assert rows[header].startswith("Paragraph,Printed no.,Part,")
    assert any(row.startswith("op-7,7,") for row in rows[header:])


def test_the_api_gives_the_printed_number(consumer, api_client_for, numbered):
    api = api_client_for(consumer)
    clause = api.get(
        reverse("api:clause-detail", kwargs={"declaration": numbered.slug, "anchor": "op-7"})
    ).json()
    assert (clause["anchor"], clause["number"], clause["printed_number"]) == ("op-7", 7, "7")
    detail = api.get(reverse("api:declaration-detail", kwargs={"slug": numbered.slug})).json()
    assert [c["printed_number"] for c in detail["clauses"]][-2:] == ["6", "7"]


def test_the_admin_clause_inline_shows_the_printed_number(client, administrator, numbered):
    client.force_login(administrator)
    html = client.get(reverse("admin:declarations_declaration_change", args=[numbered.pk])).text
    assert 'name="clauses-11-printed_number"' in html
    assert re.search(r'name="clauses-11-printed_number"[^>]*value="7"', html)
