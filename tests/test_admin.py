import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_every_changelist_answers_an_administrator(client, administrator, app, model):
    client.force_login(administrator)
    response = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_every_add_page_answers_an_administrator(client, administrator, app, model):
    client.force_login(administrator)
    response = client.get(reverse(f"admin:{app}_{model}_add"))
    assert response.status_code == 200


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("admin:declarations_instrument_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
