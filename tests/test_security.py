"""Security behaviour seen from outside: the Content-Security-Policy on every page, the
transport headers of a production configuration, brute-force lockout on the admin sign-in
and on API tokens, the audit log, and the health check."""

import datetime
import logging
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from declarations.api.throttling import AnonThrottle
from declarations.models import (
    EditConflict,
    ImplementationStatus,
    ReviewState,
    record_status,
    review_status,
    save_versioned,
)
from tests.factories import make_instrument
from tests.urlmap import World, walk
from tracker.audit import client_ip
from tracker.env import cache_from_url

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-test-password"
LOGIN = "/admin/login/"


# Content-Security-Policy -----------------------------------------------------------------


class InlineCodeFinder(HTMLParser):
    """Everything in a page that a policy without 'unsafe-inline' would block: scripts and
    style elements without a nonce, style="..." and on...="..." attributes, javascript: links.
    Script elements holding data (JSON) are not run, so the policy does not apply to them."""

    DATA_TYPES = {"application/json", "application/ld+json"}

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        inline = "src" not in attributes and "nonce" not in attributes
        if tag == "script" and inline and attributes.get("type") not in self.DATA_TYPES:
            self.found.append(f"inline <script> without a nonce at line {self.getpos()[0]}")
        if tag == "style" and "nonce" not in attributes:
            self.found.append(f"<style> element without a nonce at line {self.getpos()[0]}")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'style="{value}" on <{tag}> at line {self.getpos()[0]}')
            elif name.startswith("on"):
                self.found.append(f"{name}= handler on <{tag}> at line {self.getpos()[0]}")
            elif name in {"href", "src", "action"} and (value or "").lower().startswith(
                "javascript:"
            ):
                self.found.append(f"javascript: address on <{tag}> at line {self.getpos()[0]}")


def inline_code(html):
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.found


def csp_problems(response):
    policy = response.get("Content-Security-Policy", "")
    if not policy:
        return ["no Content-Security-Policy header"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    problems = []
    if directives.get("object-src") != ["'none'"]:
        problems.append(f"object-src is {directives.get('object-src')}")
    if directives.get("base-uri") != ["'none'"]:
        problems.append(f"base-uri is {directives.get('base-uri')}")
    if "'unsafe-inline'" in policy or "'unsafe-eval'" in policy:
        problems.append("the policy allows inline code or eval")
    for source in ("script-src", "style-src"):
        if source not in directives and "default-src" not in directives:
            problems.append(f"no {source} and no default-src")
    return problems


def html_pages(client, world, *, skip=()):
    """(path, response) for every GET address of the site answering HTML."""
    for key, route, _ in walk():
        if key in skip or key.startswith("api:") and key not in {"api:docs"}:
            continue
        path = world.path(key, route)
        response = client.get(path)
        if response.get("Content-Type", "").startswith("text/html"):
            yield path, response


@pytest.fixture
def world(django_user_model):
    return World(django_user_model, {})


def test_every_html_page_an_administrator_sees_has_the_strict_policy_and_no_inline_code(
    client, administrator, world
):
    client.force_login(administrator)
    problems, pages = [], 0
    for path, response in html_pages(client, world, skip={"admin:logout"}):
        pages += 1
        problems += [f"{path}: {problem}" for problem in csp_problems(response)]
        if response.status_code == 200:
            html = response.content.decode()
            problems += [f"{path}: {problem}" for problem in inline_code(html)]
    # Admin (index, lists, forms, history, imports), reports, API docs and error pages.
    assert pages > 80
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "persona", ["malaysia_editor", "manager", "editor"], ids=["country-editor", "manager", "editor"]
)
def test_the_pages_other_personas_see_have_no_inline_code_either(request, client, world, persona):
    # Some admin pages differ by role (the review actions, the record-status form, the
    # country editor's restricted fields): they are checked as each role sees them.
    client.force_login(request.getfixturevalue(persona))
    problems = []
    for path, response in html_pages(client, world, skip={"admin:logout"}):
        problems += [f"{path}: {problem}" for problem in csp_problems(response)]
        if response.status_code == 200:
            problems += [f"{path}: {problem}" for problem in inline_code(response.content.decode())]
    assert not problems, "\n".join(problems)


def test_the_sign_in_page_and_api_docs_have_the_policy_for_anonymous_visitors(client):
    for path in (LOGIN, "/api/v1/docs/", "/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert csp_problems(response) == [], path
        assert inline_code(response.content.decode()) == [], path


def test_json_answers_carry_the_policy_too(api_client_for, consumer):
    response = api_client_for(consumer).get("/api/v1/instruments/")
    assert "object-src 'none'" in response["Content-Security-Policy"]


def test_the_finder_catches_each_kind_of_inline_code():
    html = (
        '<script>alert(1)</script><script nonce="n">ok()</script><script src="/a.js"></script>'
        '<script type="application/json">{}</script><style>p{}</style>'
        '<p style="color: red" onclick="x()"><a href="javascript:x()">x</a></p>'
    )
    found = inline_code(html)
    assert len(found) == 5, found


# Transport security with production settings ----------------------------------------------


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https(client):
    response = client.get("/admin/login/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@override_settings(SECURE_SSL_REDIRECT=True)
def test_the_health_check_answers_over_plain_http_for_load_balancers(client):
    assert client.get("/healthz").status_code == 200


@override_settings(SECURE_SSL_REDIRECT=True)
def test_https_answers_carry_hsts_nosniff_referrer_policy_and_frame_denial(client):
    response = client.get("/admin/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@override_settings(SECURE_SSL_REDIRECT=True)
def test_static_files_carry_the_same_security_headers_as_pages(client):
    # Served by whitenoise from STATIC_ROOT (`make test` runs collectstatic first).
    page = client.get("/admin/login/", secure=True)
    static = client.get("/static/declarations/favicon.svg", secure=True)
    assert static.status_code == 200, "run collectstatic before the tests"
    for header in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "Strict-Transport-Security",
        "Cross-Origin-Opener-Policy",
    ):
        # Pages add a nonce for their scripts; static files need none.
        expected = re.sub(r" 'nonce-[^']+'", "", page[header])
        assert static.get(header) == expected, header


@override_settings(SECURE_SSL_REDIRECT=True)
def test_session_and_csrf_cookies_are_secure_and_the_session_is_http_only(client, manager):
    page = client.get("/admin/login/", secure=True)
    assert page.cookies["csrftoken"]["secure"]
    response = client.post(
        LOGIN, {"username": "meg", "password": PASSWORD, "next": "/admin/"}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


# Brute-force protection ------------------------------------------------------------------


def sign_in(client, username, password, ip="198.51.100.7"):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip
    )


def test_the_admin_sign_in_locks_out_after_the_configured_failures(client, manager, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        response = sign_in(client, "meg", "wrong-password-123")
        assert response.status_code == 200  # the form again, with its error
    locked = sign_in(client, "meg", "wrong-password-123")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # Now even the right password is refused from that address...
    assert sign_in(client, "meg", PASSWORD).status_code == 429
    # ...but the same user from elsewhere still signs in: an attacker cannot lock a
    # colleague out from another address.
    assert sign_in(Client(), "meg", PASSWORD, ip="203.0.113.9").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, manager, settings):
    settings.AXES_FAILURE_LIMIT = 3
    sign_in(client, "meg", "wrong-password-123")
    sign_in(client, "meg", "wrong-password-123")
    assert sign_in(client, "meg", PASSWORD).status_code == 302
    client.logout()
    sign_in(client, "meg", "wrong-password-123")
    sign_in(client, "meg", "wrong-password-123")
    assert sign_in(client, "meg", PASSWORD).status_code == 302


def test_one_address_trying_many_usernames_is_locked_out_whatever_the_username(
    client, manager, settings
):
    settings.TRACKER_LOCKOUT_ADDRESS_LIMIT = 4
    for n in range(3):
        assert sign_in(client, f"guess-{n}", "wrong-password-123").status_code == 200
    assert sign_in(client, "guess-3", "wrong-password-123").status_code == 429
    # Each username failed once only, yet the address is locked, for a valid sign-in too...
    assert sign_in(client, "meg", PASSWORD).status_code == 429
    # ...and only that address.
    assert sign_in(Client(), "meg", PASSWORD, ip="203.0.113.9").status_code == 302


def test_one_username_tried_from_many_addresses_is_locked_out_for_the_cool_off_only(
    client, manager, editor, settings
):
    settings.TRACKER_LOCKOUT_USERNAME_LIMIT = 3
    for n in range(3):
        sign_in(Client(), "meg", "wrong-password-123", ip=f"198.51.100.{60 + n}")
    # Credential stuffing: the username is locked, from any address...
    assert sign_in(Client(), "meg", PASSWORD, ip="203.0.113.9").status_code == 429
    # ...other users from those same addresses are not.
    assert sign_in(Client(), "eddie", PASSWORD, ip="198.51.100.60").status_code == 302
    # Going on trying while locked out does not prolong the lockout.
    last_counted = max(AccessAttempt.objects.values_list("attempt_time", flat=True))
    for n in range(3):
        assert sign_in(Client(), "meg", "wrong", ip=f"192.0.2.{n + 1}").status_code == 429
    assert max(AccessAttempt.objects.values_list("attempt_time", flat=True)) == last_counted
    # Once the cool-off has passed since the last counted failure, the user signs in.
    AccessAttempt.objects.update(
        attempt_time=last_counted - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )
    assert sign_in(Client(), "meg", PASSWORD, ip="203.0.113.9").status_code == 302


def test_signing_in_does_not_clear_the_address_count_of_failures_on_other_usernames(
    client, manager, settings
):
    settings.TRACKER_LOCKOUT_ADDRESS_LIMIT = 3
    sign_in(client, "guess-1", "wrong-password-123")
    sign_in(client, "guess-2", "wrong-password-123")
    assert sign_in(client, "meg", PASSWORD).status_code == 302
    client.logout()
    sign_in(client, "guess-3", "wrong-password-123")
    assert sign_in(client, "meg", PASSWORD).status_code == 429


def test_the_lockout_limits_have_their_documented_defaults():
    from django.conf import settings

    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.TRACKER_LOCKOUT_ADDRESS_LIMIT == 20
    assert settings.TRACKER_LOCKOUT_USERNAME_LIMIT == 10
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60


def token_client(key, ip="198.51.100.20"):
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_guessing_api_tokens_locks_the_address_out_with_json(
    api_client_for, consumer, settings, clear_api_throttles
):
    settings.AXES_FAILURE_LIMIT = 3
    real = api_client_for(consumer).key
    guesser = token_client("guessed-key-that-is-wrong-0000000000000")
    for _ in range(2):
        assert guesser.get("/api/v1/themes/").status_code == 401
    locked = guesser.get("/api/v1/themes/")
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert locked.json()["code"] == "locked_out"
    assert int(locked["Retry-After"]) == 30 * 60
    # The locked-out address is refused even with a real key, and told so in JSON.
    refused = token_client(real).get("/api/v1/themes/")
    assert refused.status_code == 429
    assert refused.json()["code"] == "locked_out"
    # Another address with the real key is not affected.
    assert token_client(real, ip="203.0.113.30").get("/api/v1/themes/").status_code == 200


def test_wrong_api_tokens_from_many_addresses_never_lock_out_every_api_client(
    api_client_for, consumer, settings, clear_api_throttles
):
    # All token failures share one pseudo-username: counted across addresses, a few
    # guessers would lock every client out. They are counted per address only.
    settings.TRACKER_LOCKOUT_USERNAME_LIMIT = 2
    real = api_client_for(consumer).key
    for n in range(4):
        assert (
            token_client("wrong-key-000000000000000000", ip=f"198.51.100.{70 + n}")
            .get("/api/v1/themes/")
            .status_code
            == 401
        )
    assert token_client(real, ip="198.51.100.70").get("/api/v1/themes/").status_code == 200


def test_api_clients_with_valid_tokens_are_never_counted(api_client_for, consumer, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = api_client_for(consumer)
    for _ in range(5):
        assert client.get("/api/v1/themes/").status_code == 200


def test_the_lockout_limit_comes_from_the_environment():
    assert setting_in_a_fresh_process(
        "AXES_FAILURE_LIMIT", "TRACKER_LOCKOUT_ADDRESS_LIMIT", "TRACKER_LOCKOUT_USERNAME_LIMIT",
        AXES_FAILURE_LIMIT="9", TRACKER_LOCKOUT_ADDRESS_LIMIT="40",
        TRACKER_LOCKOUT_USERNAME_LIMIT="0",
    ) == ["9", "40", "0"]  # fmt: skip


def setting_in_a_fresh_process(*names, **env):
    """The settings' values (as printed) when the process starts with `env`."""
    dropped = set(env) | {"BEHIND_TLS_PROXY", "TRACKER_TRUSTED_PROXIES"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    code = "from django.conf import settings; " + "; ".join(
        f"print(settings.{name})" for name in names
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=PROJECT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "tracker.settings"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


# Addresses behind proxies -----------------------------------------------------------------


def forwarded_request(forwarded="203.0.113.5, 198.51.100.1, 10.0.0.2"):
    return RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR=forwarded
    )  # fmt: skip


@pytest.mark.parametrize(
    ("trusted", "expected"),
    [(0, "10.0.0.3"), (1, "10.0.0.2"), (2, "198.51.100.1"), (3, "203.0.113.5"), (5, "203.0.113.5")],
)
def test_the_caller_is_the_hop_the_outermost_trusted_proxy_appended(settings, trusted, expected):
    settings.TRACKER_TRUSTED_PROXIES = trusted
    assert client_ip(forwarded_request()) == expected


def test_without_a_trusted_proxy_a_forged_forwarded_header_changes_nothing(settings):
    settings.TRACKER_TRUSTED_PROXIES = 0
    request = forwarded_request("1.2.3.4")
    assert client_ip(request) == "10.0.0.3"
    # The API's throttles count anonymous callers by the same address.
    assert AnonThrottle().get_ident(request) == "10.0.0.3"


def test_behind_the_tls_proxy_one_proxy_is_trusted_unless_told_otherwise():
    names = ("TRACKER_TRUSTED_PROXIES", "REST_FRAMEWORK.get('NUM_PROXIES')")
    assert setting_in_a_fresh_process(*names) == ["0", "0"]
    assert setting_in_a_fresh_process(*names, BEHIND_TLS_PROXY="true") == ["1", "1"]
    assert setting_in_a_fresh_process(
        *names, BEHIND_TLS_PROXY="true", TRACKER_TRUSTED_PROXIES="2"
    ) == ["2", "2"]


# Where a sign-in lands ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "username", "home"),
    [
        ("manager", "meg", "/reports/"),
        ("editor", "eddie", "/admin/"),
        ("administrator", None, "/admin/"),
    ],
)
def test_a_sign_in_with_an_unsafe_next_lands_on_the_users_home(
    request, client, persona, username, home
):
    user = request.getfixturevalue(persona)
    response = client.post(
        LOGIN,
        {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("signed_in")
    landed = client.get(response["Location"], follow=True)
    assert landed.status_code == 200
    assert landed.redirect_chain[-1][0] == home


def test_the_sign_in_landing_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("signed_in"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# Audit log -------------------------------------------------------------------------------


def audit_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "tracker.audit"]


def test_a_failed_sign_in_is_logged_with_who_and_where_but_never_the_password(
    client, malaysia_editor, caplog
):
    secret = "Correct-Horse-Battery-Staple-42"
    with caplog.at_level(logging.DEBUG):
        sign_in(client, "mas", secret, ip="198.51.100.44")
    lines = audit_lines(caplog)
    assert len(lines) == 1
    assert "event=login_failed" in lines[0]
    assert "user=mas" in lines[0] and "ip=198.51.100.44" in lines[0]
    assert "path=/admin/login/" in lines[0] and "at=" in lines[0]
    # Nowhere in any log record, from any logger, at any level.
    assert secret not in caplog.text


def test_a_failed_api_token_is_logged_without_the_key(api_client_for, consumer, caplog):
    key = "an-invalid-key-never-to-be-logged-000000000000"
    with caplog.at_level(logging.DEBUG):
        token_client(key).get("/api/v1/themes/")
        good = api_client_for(consumer)
        good.get("/api/v1/themes/")
    # Counted and logged by address under one pseudo-user: the key is nobody's name.
    assert any(
        "event=login_failed" in line and 'user="(api token)"' in line and "ip=198.51.100.20" in line
        for line in audit_lines(caplog)
    )
    assert key not in caplog.text and key[:8] not in caplog.text
    assert good.key not in caplog.text


def test_a_lockout_is_logged(client, manager, settings, caplog):
    settings.AXES_FAILURE_LIMIT = 2
    with caplog.at_level(logging.INFO):
        for _ in range(2):
            sign_in(client, "meg", "wrong-password-123")
    assert any("event=locked_out" in line and "user=meg" in line for line in audit_lines(caplog))


def test_a_permission_denial_is_logged_with_user_and_path(client, manager, caplog):
    client.force_login(manager)
    with caplog.at_level(logging.INFO):
        assert client.get("/admin/declarations/declaration/add/").status_code == 403
    [line] = audit_lines(caplog)
    assert "event=permission_denied" in line and "user=meg" in line
    assert "path=/admin/declarations/declaration/add/" in line


def test_publication_and_rejection_are_logged_with_the_reviewer_and_entry(
    editor, malaysia_editor, malaysia, caplog, django_capture_on_commit_callbacks
):
    instrument = make_instrument()
    today = datetime.date.today()
    drafts = [
        record_status(
            instrument=instrument, party=malaysia, status="planned", as_of=today,
            by=malaysia_editor, state=ReviewState.SUBMITTED,
        )
        for _ in range(2)
    ]  # fmt: skip
    # Logged once the change is committed (the test's own transaction never is).
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        review_status(drafts[0], by=editor, publish=True)
        review_status(drafts[1], by=editor, publish=False, comment="No evidence given.")
    lines = audit_lines(caplog)
    assert "event=status_published at=" in lines[0]
    assert "user=eddie" in lines[0] and f"object=implementationstatus:{drafts[0].pk}" in lines[0]
    assert "event=status_rejected" in lines[1]
    assert f"object=implementationstatus:{drafts[1].pk}" in lines[1]


def test_an_edit_conflict_is_logged(editor, malaysia_editor, malaysia, caplog):
    entry = record_status(
        instrument=make_instrument(), party=malaysia, status="planned",
        as_of=datetime.date.today(), by=malaysia_editor,
    )  # fmt: skip
    seen = entry.version
    save_versioned(entry, version=seen, update_fields=["note"])
    with caplog.at_level(logging.INFO), pytest.raises(EditConflict):
        save_versioned(entry, version=seen, update_fields=["note"])
    assert any(
        "event=edit_conflict" in line and f"object=implementationstatus:{entry.pk}" in line
        for line in audit_lines(caplog)
    )
    assert ImplementationStatus.objects.get(pk=entry.pk).review_state == ReviewState.DRAFT


def test_a_crafted_username_cannot_forge_keys_or_lines(client, caplog):
    with caplog.at_level(logging.INFO):
        sign_in(client, "x event=status_published\nuser=ada", "wrong-password-123")
    [line] = audit_lines(caplog)
    assert "\n" not in line
    assert 'user="x event=status_published\\nuser=ada"' in line


# Health check ----------------------------------------------------------------------------


def test_the_health_check_answers_200_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_the_health_check_answers_503_naming_a_database_cache_without_its_table(client, settings):
    # As after a restore or a new deployment before `createcachetable`.
    settings.CACHES = {"default": cache_from_url("db://cache_table_never_created")}
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "error"}


def test_the_health_check_answers_503_when_redis_does_not_answer(client, settings):
    # Nothing listens on port 9 (discard) here: the connection is refused at once.
    settings.CACHES = {"default": cache_from_url("redis://127.0.0.1:9/0")}
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["cache"] == "error"


def test_the_health_check_tries_every_configured_cache(client, settings):
    settings.CACHES = {
        "default": cache_from_url("locmem://"),
        "reports": cache_from_url("db://another_table_never_created"),
    }
    body = client.get(reverse("healthz")).json()
    assert body == {
        "status": "unavailable",
        "database": "ok",
        "cache": "ok",
        "cache:reports": "error",
    }


def test_the_health_check_answers_503_when_the_database_does_not(tmp_path):
    # A real unreachable database, in a fresh interpreter: a file in a missing directory.
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code, r.content.decode())"
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path}/missing/directory/db.sqlite3",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert result.stdout.startswith("503 "), result.stdout + result.stderr
    assert '"status": "unavailable"' in result.stdout
