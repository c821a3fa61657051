"""Personas shared by the whole suite."""

import pytest
from django.contrib.auth.models import Group

from declarations.models import Party
from tests.factories import rerun_data_migrations


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Production hashing is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings, tmp_path):
    """Background tasks run inside the call that queues them (tests/test_worker.py starts
    real workers), and job files go to a directory of the test's own."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = settings.STORAGES | {
        "jobs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "job-files"), "base_url": None},
        }
    }


@pytest.fixture(autouse=True)
def evidence_files_in_a_temporary_directory(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def reference_data_after_flush(request):
    """A transactional test starts after another one may have flushed every table, data
    migrations' rows included: put the parties, themes and roles back first."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        if not Party.objects.filter(code="MYS").exists():
            rerun_data_migrations()


def _user(django_user_model, username, *, groups=(), parties=(), superuser=False):
    user = django_user_model.objects.create_user(
        username=username,
        password="a-long-test-password",
        is_staff=bool(groups) or superuser,
        is_superuser=superuser,
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    for code in parties:
        Party.objects.get(code=code).editors.add(user)
    return user


@pytest.fixture
def administrator(django_user_model):
    return _user(django_user_model, "ada", groups=["Administrators"], superuser=True)


@pytest.fixture
def editor(django_user_model):
    return _user(django_user_model, "eddie", groups=["Editors"])


@pytest.fixture
def malaysia_editor(django_user_model):
    return _user(django_user_model, "mas", groups=["Country editors"], parties=["MYS"])


@pytest.fixture
def philippines_editor(django_user_model):
    return _user(django_user_model, "phil", groups=["Country editors"], parties=["PHL"])


@pytest.fixture
def manager(django_user_model):
    return _user(django_user_model, "meg", groups=["Managers"])


@pytest.fixture
def malaysia():
    return Party.objects.get(code="MYS")


@pytest.fixture
def philippines():
    return Party.objects.get(code="PHL")


@pytest.fixture
def consumer(django_user_model):
    """An API consumer: a dashboard's service account, in no group, reading with a token."""
    return _user(django_user_model, "dash")


@pytest.fixture
def api_client_for(clear_api_throttles):
    """Returns make(user, **token_fields): a DRF test client sending `Authorization: Token
    <key>` for a new token of `user`; the token is on `client.token`."""
    from rest_framework.test import APIClient

    from declarations.models import ApiToken

    def make(user, **fields):
        token, key = ApiToken.issue(user=user, name=f"Test token for {user}", **fields)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        client.token, client.key = token, key
        return client

    return make


@pytest.fixture
def clear_api_throttles(monkeypatch):
    """API throttling counts requests in the cache per clock minute; each test starts with
    none counted, and its requests all fall in one minute (10 s into it), so a test that
    runs across a minute boundary is not given a fresh allowance halfway."""
    from django.core.cache import cache

    from declarations.api.throttling import CountingThrottle

    cache.clear()
    monkeypatch.setattr(CountingThrottle, "timer", lambda self: 1_800_000_010.0)
