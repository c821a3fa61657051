"""Rows holding characters that no text field accepts any more (stored before the rule, or by
direct SQL) never break a page, a feed or a download: every text column of every model is
filled with each awkward class of character, past every validator, and every URL of the
site is read, with every download format, by an administrator, who sees everything."""

import io
import json
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import pytest
from django.apps import apps
from django.db import DataError, connection, models, transaction
from django.test import Client

from declarations.models import Evidence, Instrument
from declarations.reports.exports import XLSX_CONTENT_TYPE as XLSX
from declarations.text import unstorable_in
from tests.factories import make_instrument
from tests.urlmap import World, walk

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_api_throttles")]

AWKWARD = {
    "C0 controls": "\x01\x08\x0b\x0c\x1b\x1f",
    "NUL": "\x00",
    "DEL": "\x7f",
    "C1 controls": "\x80\x85\x9f",
    "lone surrogate": "\ud800",
    "noncharacters": "\ufdd0\ufffe\uffff\U0010ffff",
    "right-to-left override": "\u202e",
    "zero-width joiner": "\u200d",
    "emoji": "👩\u200d💻🇲🇾",
    "markup": "<b>&amp;</b>\"'",
}

# What each database cannot hold at all, so no page can ever meet it there: PostgreSQL
# refuses NUL in text, and neither UTF-8 database (nor Python's drivers) takes half of a
# surrogate pair.
REFUSED_BY = {
    "sqlite": {"lone surrogate"},
    "postgresql": {"lone surrogate", "NUL"},
}


def refused_classes():
    instrument = make_instrument()
    refused = set()
    for name, characters in AWKWARD.items():
        try:
            with transaction.atomic():
                Instrument.objects.filter(pk=instrument.pk).update(description=characters)
        except (UnicodeEncodeError, ValueError, DataError):
            refused.add(name)
    return refused


def test_the_database_refuses_exactly_the_classes_it_cannot_hold():
    assert refused_classes() == REFUSED_BY[connection.vendor]


def awkward_text():
    """Every class this database holds, behind a formula that removing the first
    character uncovers ("=1+1"), which downloads must still write as text."""
    held = "".join(
        f"{name}: {chars} "
        for name, chars in AWKWARD.items()
        if name not in REFUSED_BY[connection.vendor]
    )
    return f"\x01=1+1 \x0b{held}end"


def text_columns(model):
    """The columns that hold free text: not choices, slugs, unique keys or generated values."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField)
        and not field.choices
        and not field.unique
        and field.editable
    ]


def fill_every_text_column(text):
    """Every free-text column of every row of every model of the app, historical copies
    included, past every validator; the unique names of a party and a theme too."""
    filled = []
    for model in apps.get_app_config("declarations").get_models():
        for field in text_columns(model):
            value = f"https://example.org/{text}" if isinstance(field, models.URLField) else text
            value = value[: field.max_length] if field.max_length else value
            # An optional address left empty stays empty: evidence is a link or a file,
            # never both.
            rows = model._default_manager.all()
            if isinstance(field, models.URLField) and field.blank:
                rows = rows.exclude(**{field.name: ""})
            if rows.update(**{field.name: value}):
                filled.append(f"{model.__name__}.{field.name}")
    return filled


@pytest.fixture
def world(django_user_model, administrator):
    world = World(django_user_model, {"administrator": administrator})
    Evidence.objects.bulk_create(
        Evidence(status=entry, title="evidence", url="https://example.org/report.pdf")
        for entry in (world.published, world.mys_draft)
    )
    text = awkward_text()
    filled = fill_every_text_column(text)
    assert {
        "ImplementationStatus.note",
        "ImplementationStatus.review_comment",
        "Evidence.title",
        "Evidence.url",
        "Clause.text",
        "Instrument.name",
        "Instrument.description",
        "Declaration.title",
        "Declaration.text",
        "HistoricalInstrument.name",
    } <= set(filled)
    type(world.malaysia).objects.filter(pk=world.malaysia.pk).update(name=f"Malaysia {text}"[:100])
    type(world.theme).objects.filter(pk=world.theme.pk).update(name=f"Theme {text}"[:100])
    assert unstorable_in(Instrument.objects.get(pk=world.instrument.pk).name)
    return world


def downloads(key):
    """The formats each URL answers in besides its own."""
    if key.startswith("report_"):
        return ["csv", "xlsx", "pdf"]
    if key == "admin:declarations_implementationstatus_export":
        return ["csv", "xlsx"]
    if key.startswith("api:") and key.endswith("-list"):
        return ["csv"]
    return []


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def check_document(content_type, body):
    """Parses the answer as its type says: a document no reader can open fails here."""
    if content_type.endswith("+xml"):  # Atom, Akoma Ntoso
        ET.fromstring(body)
    elif content_type == XLSX:
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            for name in book.namelist():
                if name.endswith(".xml") or name.endswith(".rels"):
                    ET.fromstring(book.read(name))
        for sheet in openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets:
            for row in sheet.iter_rows(values_only=True):
                for cell in row:
                    assert not (isinstance(cell, str) and cell.startswith("=")), cell
    elif content_type == "application/pdf":
        assert body.startswith(b"%PDF-")
    elif "json" in content_type:
        json.loads(body)
    else:
        body.decode("utf-8")  # HTML and CSV: strict UTF-8


def test_every_page_feed_and_download_reads_stored_awkward_text(
    world, administrator, api_client_for
):
    browser = Client()
    browser.force_login(administrator)
    api = api_client_for(administrator)
    broken, read, documents = [], 0, {}
    for key, route, _ in walk():
        path = world.path(key, route)
        client = api if path.startswith("/api/") else browser
        joiner = "&" if "?" in path else "?"
        for address in [path, *(f"{path}{joiner}format={fmt}" for fmt in downloads(key))]:
            response = client.get(address)
            read += 1
            if response.status_code >= 500:
                broken.append(f"{address} ({key}): {response.status_code}")
                continue
            if response.status_code != 200:
                continue
            content_type = response.get("Content-Type", "").split(";")[0]
            body = body_of(response)
            try:
                check_document(content_type, body)
            except (ET.ParseError, UnicodeDecodeError, ValueError, zipfile.BadZipFile) as error:
                broken.append(f"{address} ({key}): {content_type} unreadable: {error}")
            documents[content_type] = documents.get(content_type, 0) + 1
    assert not broken, "\n".join(broken)
    # Each kind of output was reached, the feeds and the XML export included.
    assert {
        "text/html",
        "text/csv",
        "application/json",
        "application/pdf",
        "application/atom+xml",
        "application/akn+xml",
        XLSX,
    } <= set(documents)
    assert read > 150


def test_the_feed_keeps_what_it_can_carry_of_an_awkward_note(world, administrator, api_client_for):
    body = api_client_for(administrator).get("/api/v1/feeds/statuses/").content
    text = ET.fromstring(body).find("{http://www.w3.org/2005/Atom}entry/{*}summary").text
    assert "emoji: 👩\u200d💻🇲🇾" in text and "markup: <b>&amp;</b>" in text
    assert "right-to-left override: \u202e" in text
    assert not unstorable_in(text)
