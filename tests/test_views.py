import pytest

pytestmark = pytest.mark.django_db


def test_the_home_page_explains_the_app_and_links_the_admin(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Declaration tracker" in response.content
    assert b'href="/admin/"' in response.content
