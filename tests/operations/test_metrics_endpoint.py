"""/metrics in the process: off without a token, guarded by it, and counting per route name and per query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from prometheus_client.parser import text_string_to_metric_families

from .test_metrics_scraped import value

TOKEN = "in-process-metrics-token"


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


def _scrape(client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_without_a_token_setting_there_is_no_metrics_endpoint(client, db, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


def test_a_missing_or_wrong_token_is_refused(client, db, metrics_on):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-it").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401


def test_the_endpoint_answers_any_host_as_health_checks_do(client, db, metrics_on):
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_HOST="web:8000")
    assert response.status_code == 200


def test_a_page_is_counted_under_its_route_name_with_its_exact_query_count(client, curriculum, metrics_on):
    from stages.models import Stage

    stage = Stage.objects.order_by("order").first()
    path = f"/stages/{stage.slug}/"
    before = _scrape(client)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    made = len(queries)  # now: later requests clear the connection's query log
    assert made > 0
    after = _scrape(client)
    match = client.get(path).resolver_match
    view = match.view_name
    assert view
    assert "/" not in view

    def delta(name, **labels):
        return (value(after, name, **labels) or 0) - (value(before, name, **labels) or 0)

    assert delta("dlcurriculum_http_requests_total", view=view, method="GET", status="200") == 1
    assert delta("dlcurriculum_http_request_duration_seconds_count", view=view, method="GET") == 1
    assert delta("dlcurriculum_http_request_db_queries_sum", view=view) == made
    assert stage.slug not in {
        sample.labels.get("view") for family in text_string_to_metric_families(after) for sample in family.samples
    }


def test_no_session_opens_it_not_even_an_admins(admin_client, metrics_on):
    """Not a URL pattern (the permission matrix lists those): the token is its only key, for every role."""
    assert admin_client.get("/metrics").status_code == 401
