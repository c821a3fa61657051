"""Personas shared by the whole suite."""

import pytest
from django.contrib.auth.models import Group

from declarations.models import Party


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
