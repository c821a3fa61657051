"""The API's contract at its edges: the index, documented errors, links, strict addresses,
page sizes, unsupported methods, the answer to a draft and the lockout body."""

import csv
import datetime
import io

import pytest
from rest_framework.test import APIClient

from declarations.api.index import INDEX, IndexSerializer
from declarations.models import Evidence
from tests import test_api
from tests.factories import make_status
from tests.test_api import API, LISTS, entry

acdn = test_api.acdn  # the ACDN Guidelines fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_api_throttles")]

SCHEMA = f"{API}/schema/?format=json"


@pytest.fixture
def reader(api_client_for, consumer):
    return api_client_for(consumer)


@pytest.fixture
def recorder(api_client_for, editor):
    return api_client_for(editor)


# The index -------------------------------------------------------------------------------


def test_the_index_links_every_list_the_schema_and_the_docs(client):
    response = client.get(f"{API}/")
    assert response.status_code == 200
    links = response.json()
    assert set(links) == set(INDEX) == set(IndexSerializer().fields)
    for name in LISTS:
        assert links[name] == f"http://testserver{API}/{name}/"
    assert links["schema"] == f"http://testserver{API}/schema/"
    assert links["docs"] == f"http://testserver{API}/docs/"


def test_every_address_the_index_gives_answers(reader):
    for name, link in reader.get(f"{API}/").json().items():
        assert reader.get(link.removeprefix("http://testserver")).status_code == 200, name


# Documented errors -----------------------------------------------------------------------


def test_every_operation_documents_its_errors_with_their_bodies(client):
    document = client.get(SCHEMA).json()
    schemas = document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for code in ("401", "403", "404", "429"):
                assert code in responses, (method, path, code)
                body = responses[code]["content"]["application/json"]["schema"]
                assert body["$ref"].startswith("#/components/schemas/")
            has_query = any(p["in"] == "query" for p in operation.get("parameters", []))
            if has_query or "requestBody" in operation:
                assert "400" in responses, (method, path)
    assert schemas["Error"]["required"] == ["detail"]
    assert schemas["TooManyRequests"]["properties"]["retry_after"]["type"] == "integer"


def test_every_list_documents_a_400(client):
    paths = client.get(SCHEMA).json()["paths"]
    for name in LISTS:
        assert "400" in paths[f"{API}/{name}/"]["get"]["responses"], name


# Links -----------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["statuses", "instruments", "declarations", "clauses"])
def test_links_in_csv_rows_carry_no_format_and_answer(reader, acdn, endpoint, malaysia):
    make_status(acdn, party=malaysia, as_of=datetime.date(2026, 1, 1))
    response = reader.get(f"{API}/{endpoint}/?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    links = [row[name] for row in rows for name in ("url", "instrument_url") if row.get(name)]
    assert links
    for link in links:
        assert "format" not in link, link
        assert reader.get(link.removeprefix("http://testserver")).status_code == 200, link


def test_links_in_json_carry_no_format_either(reader, acdn):
    body = reader.get(f"{API}/instruments/?format=json").json()
    assert all("format" not in row["url"] for row in body["results"])


# Evidence addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        'https://example.org/a"><script>',
        "https://example.org/a b",
        "https://example.org/a\tb",
        "https://example.org/a\u000bb",
        "https://example.org/<x>",
        "https://example.org/it's",
        "javascript:alert(1)",
        "ftp://example.org/report.pdf",
        "https://example.org/100%",
        "https://example.org/#a#b",
        "https:///no-host",
        "example.org/report.pdf",
    ],
)
def test_an_evidence_address_that_is_not_a_clean_web_address_is_refused(recorder, acdn, address):
    evidence = [{"title": "Report", "url": address, "kind": "other"}]
    response = recorder.post(f"{API}/statuses/", entry(acdn, evidence=evidence), format="json")
    assert response.status_code == 400, address
    assert response.json()["evidence"]["0"]["url"], address
    assert not Evidence.objects.exists()


def test_an_address_with_letters_beyond_ascii_is_stored_percent_encoded(recorder, acdn):
    evidence = [{"title": "Rapport", "url": "https://example.org/réunion?q=ä", "kind": "other"}]
    response = recorder.post(
        f"{API}/statuses/", entry(acdn, evidence=evidence, state="published"), format="json"
    )
    assert response.status_code == 201, response.json()
    assert Evidence.objects.get().url == "https://example.org/r%C3%A9union?q=%C3%A4"


def test_a_clean_address_is_kept_as_sent(recorder, acdn):
    address = "https://example.org/reports/2026-03.pdf?lang=en&v=2#page=4"
    evidence = [{"title": "Report", "url": address, "kind": "other"}]
    response = recorder.post(f"{API}/statuses/", entry(acdn, evidence=evidence), format="json")
    assert response.status_code == 201
    assert response.json()["evidence"][0]["url"] == address


# Page sizes ------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", LISTS)
@pytest.mark.parametrize("size", ["0", "", "-1", "ten", "5_0", " 5"])
def test_a_page_size_that_is_not_a_positive_number_is_a_400_naming_it(reader, endpoint, size):
    response = reader.get(f"{API}/{endpoint}/", {"page_size": size})
    assert response.status_code == 400
    assert response.json() == {
        "page_size": ["Give a whole number of results per page, from 1 to 100."]
    }


def test_a_page_size_in_range_is_used(reader, acdn):
    assert len(reader.get(f"{API}/clauses/?page_size=1").json()["results"]) == 1


# Unsupported methods ---------------------------------------------------------------------


@pytest.mark.parametrize("method", ["trace", "put", "patch", "delete"])
@pytest.mark.parametrize("query", ["", "?format=csv", "?format=json", "?format=nonsense"])
def test_an_unsupported_method_is_a_405_whatever_the_format(recorder, acdn, method, query):
    # An editor, who passes every check of who may write, so that the method is what fails
    # (a consumer is told 403 first, as for any write).
    for address in (f"{API}/statuses/", f"{API}/instruments/", f"{API}/instruments/acdn/"):
        response = getattr(recorder, method)(address + query)
        assert response.status_code == 405, (method, address + query)
        assert response["Content-Type"] == "application/json"
        assert "not allowed" in response.json()["detail"]


def test_posting_to_a_read_only_list_is_a_405(reader):
    assert reader.post(f"{API}/instruments/?format=csv", {}, format="json").status_code == 405


# The answer to a recorded entry ----------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_an_unpublished_entry_is_answered_with_no_address(recorder, acdn, state):
    response = recorder.post(f"{API}/statuses/", entry(acdn, state=state), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["url"] is None
    assert body["review_state"] == state
    assert recorder.get(f"{API}/statuses/{body['id']}/").status_code == 404


def test_a_published_entry_is_answered_with_an_address_that_answers(recorder, acdn):
    response = recorder.post(f"{API}/statuses/", entry(acdn, state="published"), format="json")
    url = response.json()["url"]
    assert url == f"http://testserver{API}/statuses/{response.json()['id']}/"
    assert recorder.get(url.removeprefix("http://testserver")).status_code == 200


def test_the_schema_says_a_recorded_entry_may_have_no_address(client):
    document = client.get(SCHEMA).json()
    created = document["paths"][f"{API}/statuses/"]["post"]["responses"]["201"]
    name = created["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert document["components"]["schemas"][name]["properties"]["url"]["nullable"] is True


# The lockout body ------------------------------------------------------------------------


def test_the_lockout_body_has_the_same_types_on_both_paths(settings, api_client_for, consumer):
    settings.AXES_FAILURE_LIMIT = 2
    real = api_client_for(consumer).key
    guesser = APIClient(REMOTE_ADDR="198.51.100.20")
    guesser.credentials(HTTP_AUTHORIZATION="Token guessed-key-that-is-wrong-000000000000")
    assert guesser.get(f"{API}/themes/").status_code == 401
    # The failure that reaches the limit is answered by the lockout handler...
    locked = guesser.get(f"{API}/themes/")
    # ...and every later request from the address by the API's authentication.
    locked_client = APIClient(REMOTE_ADDR="198.51.100.20")
    locked_client.credentials(HTTP_AUTHORIZATION=f"Token {real}")
    refused = locked_client.get(f"{API}/themes/")
    for response in (locked, refused):
        assert response.status_code == 429
        body = response.json()
        assert body["code"] == "locked_out"
        assert body["retry_after"] == 30 * 60 == int(response["Retry-After"])
        assert isinstance(body["retry_after"], int) and isinstance(body["detail"], str)


# Query parameters as strict as the schema ------------------------------------------------


@pytest.mark.parametrize(
    "query, name",
    [
        ("updated_since=", "updated_since"),
        ("as_of=", "as_of"),
        ("trackable=null", "trackable"),
        ("trackable=yes", "trackable"),
        ("page=1&page=2", "page"),
        ("page=", "page"),
        ("kind=roadmap&q=a&q=b", "q"),
    ],
)
def test_a_parameter_that_is_empty_repeated_or_not_a_boolean_is_a_400(reader, query, name):
    endpoint = "clauses" if name == "trackable" else "instruments"
    response = reader.get(f"{API}/{endpoint}/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [name]


def test_multiple_choice_filters_may_be_repeated_and_text_filters_empty(reader, acdn):
    response = reader.get(f"{API}/instruments/?kind=guidelines&kind=roadmap&q=&declaration=")
    assert response.status_code == 200
    assert [row["slug"] for row in response.json()["results"]] == ["acdn-guidelines"]


@pytest.mark.parametrize(
    "field, value",
    [("progress", "60"), ("progress", 60.0), ("progress", True), ("note", 12), ("party", 12)],
)
def test_a_field_of_the_wrong_json_type_is_refused(recorder, acdn, field, value):
    response = recorder.post(f"{API}/statuses/", {**entry(acdn), field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_an_evidence_title_that_is_not_text_is_refused(recorder, acdn):
    evidence = [{"title": 0, "url": "https://example.org/", "kind": "other"}]
    response = recorder.post(f"{API}/statuses/", entry(acdn, evidence=evidence), format="json")
    assert response.status_code == 400
    assert "title" in response.json()["evidence"]["0"]


# Unknown addresses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["instruments/a%0Ab/", "instruments/%C2%84/", "declarations/%C2%84/akn.xml", "nothing/here/"],
)
def test_an_unknown_api_address_is_a_404_in_json(reader, address):
    response = reader.get(f"{API}/{address}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_an_address_without_its_final_slash_is_still_redirected(reader):
    response = reader.get(f"{API}/themes")
    assert response.status_code == 301
    assert response["Location"] == f"{API}/themes/"
