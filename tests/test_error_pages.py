"""400, 403, 404 and 500 pages are in the app's layout, with navigation, with DEBUG off."""

import pytest
from django.template import loader
from django.test import Client
from django.urls import reverse

NAVIGATION = ('class="site-header"', 'href="/stages/"', 'href="/"')


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False


def _in_layout(html: str) -> bool:
    return all(part in html for part in NAVIGATION)


@pytest.mark.django_db
def test_404_page_is_in_the_layout_with_navigation(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert _in_layout(response.text)


def test_403_page_is_in_the_layout_with_navigation(learner_client):
    response = learner_client.get(reverse("capstones:queue"))
    assert response.status_code == 403
    assert "You don't have access to this page" in response.text
    assert _in_layout(response.text)


@pytest.mark.django_db
def test_400_page_is_in_the_layout_with_navigation(client):
    response = client.get("/", HTTP_HOST="not-an-allowed-host.example")
    assert response.status_code == 400
    assert "could not be understood" in response.text
    assert _in_layout(response.text)


def test_500_page_is_in_the_layout_with_navigation(settings, learner):
    settings.ROOT_URLCONF = "tests.error_urls"
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert _in_layout(response.text)


def test_500_template_renders_without_a_request_context():
    html = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in html
    assert _in_layout(html)
