"""The OpenAPI schema, checked against the running app by Schemathesis, and the docs page.

Schemathesis generates requests for every operation in the schema, valid and invalid ones
(its examples, coverage and fuzzing phases, in positive and negative modes), and chains
of calls that follow the schema's links (its stateful phase). It sends them in-process to
the WSGI application as an anonymous visitor of a public API, a consumer and an editor,
and fails on any 5xx, any response the schema does not document (status, content type,
headers, body), invalid input accepted, or an unsupported method not answered 405. The
default run is about 3,700 requests; SCHEMATHESIS_EXAMPLES=200 makes a longer one.
"""

import datetime
import os
import re
from html.parser import HTMLParser

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from declarations.models import Evidence, Part, Status, VerbClass
from tests.factories import make_clause, make_declaration, make_instrument, make_status
from tracker.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_api_throttles")]

SCHEMA = "/api/v1/schema/?format=json"


@pytest.fixture
def sample_data(malaysia):
    """A declaration with a preamble, an adopting paragraph, an instrument with a milestone
    and published entries, so that detail addresses and filters can find something."""
    declaration = make_declaration(slug="admm-2025-kuala-lumpur")
    make_clause(
        declaration,
        part=Part.PREAMBLE,
        lead_word="RECOGNISING",
        lead_verb="RECOGNISING",
        verb_class=VerbClass.DECLARATORY,
        trackable=False,
    )
    # The slug of the POST example in the schema, so that example is recorded for real.
    instrument = make_instrument(make_clause(declaration), slug="acdn-guidelines", acronym="ACDN")
    make_instrument(parent=instrument, slug="acdn-phase-1", kind="milestone")
    for party in (None, malaysia):
        entry = make_status(instrument, party=party, as_of=datetime.date(2026, 1, 1))
        Evidence.objects.create(status=entry, title="Report", url="https://example.org/r")
    make_status(instrument, status=Status.COMPLETED, as_of=datetime.date(2026, 2, 1))


@pytest.fixture
def unthrottled(settings):
    # Thousands of generated requests in a minute: lift the throttles for this test only.
    rates = dict.fromkeys(["anon", "user", "write"], "100000/minute")
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}


@pytest.fixture
def keep_the_test_transaction():
    """Requests reach the WSGI application directly, whose end-of-request handler would close
    the connection holding the test's transaction; Django's test client unhooks it too."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


# Who calls: an anonymous visitor of a public API, a consumer's token (reads only) and an
# editor's token (who may also record, so the write is exercised beyond its 403).
PERSONAS = ["anonymous", "consumer", "editor"]


@pytest.fixture(params=PERSONAS)
def caller_headers(request, api_client_for, settings):
    if request.param == "anonymous":
        settings.TRACKER_PUBLIC_API = True
        return {}
    user = request.getfixturevalue(request.param)
    return {"Authorization": f"Token {api_client_for(user).key}"}


# How many cases per operation and persona in each phase that draws them; the coverage and
# examples phases add their own. SCHEMATHESIS_EXAMPLES=500 makes a longer run.
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))
# Stateful scenarios (chains of calls following the schema's links) per persona.
STATEFUL_SCENARIOS = int(os.environ.get("SCHEMATHESIS_SCENARIOS", str(EXAMPLES_PER_OPERATION)))

HYPOTHESIS = {
    "deadline": None,
    "database": None,  # no .hypothesis/ folder in the checkout; each run draws afresh
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
}

# Every check schemathesis has, except the one that wants a 2xx for every request the
# schema allows: a well-formed POST for an instrument that does not exist is rightly a 400.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    unsupported_method,
    use_after_free,
    ensure_resource_availability,
]


# Loaded once, when the module is collected: serving the schema touches no database. Both
# phases that draw cases generate valid and invalid ones (positive and negative modes).
schema = schemathesis.openapi.from_wsgi(SCHEMA, application)
schema.config.generation.update(modes=list(GenerationMode))


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, **HYPOTHESIS)
def test_the_api_answers_as_its_schema_says(
    case, sample_data, unthrottled, keep_the_test_transaction, caller_headers
):
    case.call_and_validate(headers=caller_headers, checks=CHECKS)


def test_chains_of_calls_answer_as_the_schema_says(
    sample_data, unthrottled, keep_the_test_transaction, caller_headers
):
    """Stateful phase: chains that record an entry and follow the schema's links to it, its
    instrument and its list, or from a list to the detail of its first row."""

    class Chains(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": caller_headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Chains.run(
        settings=settings(max_examples=STATEFUL_SCENARIOS, stateful_step_count=6, **HYPOTHESIS)
    )


# The schema itself and the docs page -----------------------------------------------------


def test_the_schema_is_openapi_3_and_documents_the_token(client):
    response = client.get(SCHEMA)
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    for address in (
        "/api/v1/declarations/",
        "/api/v1/clauses/{declaration}/{anchor}/",
        "/api/v1/instruments/{slug}/",
        "/api/v1/statuses/",
        "/api/v1/declarations/{slug}/akn.xml",
        "/api/v1/feeds/statuses/",
    ):
        assert address in document["paths"], address
    assert "post" in document["paths"]["/api/v1/statuses/"]


def test_the_schema_says_csv_is_text(client):
    document = client.get(SCHEMA).json()
    listing = document["paths"]["/api/v1/instruments/"]["get"]["responses"]["200"]["content"]
    assert listing["text/csv"]["schema"] == {"type": "string"}


class AssetParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.addresses, self.inline_scripts, self.style_blocks = [], 0, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.inline_scripts += 1
        if tag == "style":
            self.style_blocks += 1
        if "style" in attrs:
            self.style_blocks += 1
        self.addresses += [attrs[name] for name in ("src", "href") if attrs.get(name)]


def test_the_docs_page_uses_only_this_sites_files_and_no_inline_code(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = AssetParser()
    page.feed(response.content.decode())
    assert page.inline_scripts == 0 and page.style_blocks == 0
    assert page.addresses, "the page loads Swagger UI from somewhere"
    for address in page.addresses:
        assert address.startswith("/") and not address.startswith("//"), address
    assert any("swagger-ui-bundle.js" in address for address in page.addresses)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_docs_pages_assets_and_settings_script_are_served(client):
    page = AssetParser()
    page.feed(client.get("/api/v1/docs/").content.decode())
    script = next(a for a in page.addresses if "/api/v1/docs/" in a)
    response = client.get(script)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert re.search(r'url: "/api/v1/schema/', response.content.decode())
    for asset in (a for a in page.addresses if a.startswith("/static/")):
        assert _static_file_exists(asset), asset


def _static_file_exists(address):
    from django.contrib.staticfiles import finders

    return finders.find(address.removeprefix("/static/")) is not None


def test_the_schema_generates_without_warnings(tmp_path):
    # A warning means a field or filter whose type drf-spectacular had to guess.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "api.yaml")
    assert "/api/v1/statuses/" in (tmp_path / "api.yaml").read_text()
