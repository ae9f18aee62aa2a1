"""The Prometheus endpoints of a running stack: gunicorn (3 workers) and a prefork Celery worker on real Redis.

Every metric family an operator needs is found in a scrape, with values that show the multiprocess totals
are right: requests answered by any of gunicorn's workers are all counted whichever worker answers the
scrape, and jobs run by the pool's children are served by the worker's main process.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from celery import Celery
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from dlcurriculum.mail.models import SentEmail
from tests.faults.servers import Client

from .conftest import TOKEN, scrape, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.mail_queue]

WEB_FAMILIES = {
    "dlcurriculum_http_requests",
    "dlcurriculum_http_request_duration_seconds",
    "dlcurriculum_http_request_db_queries",
    "dlcurriculum_queue_depth",
    "dlcurriculum_queue_oldest_job_age_seconds",
    "dlcurriculum_broker_up",
    "dlcurriculum_email_outbox_backlog",
    "dlcurriculum_email_outbox_oldest_pending_age_seconds",
}
WORKER_FAMILIES = {
    "dlcurriculum_job_duration_seconds",
    "dlcurriculum_job_failures",
    "dlcurriculum_pass_duration_seconds",
    "dlcurriculum_pass_last_finished_timestamp_seconds",
}


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def families(text: str) -> set[str]:
    return {family.name for family in text_string_to_metric_families(text)}


def value(text: str, name: str, **labels) -> float | None:
    return samples(text).get((name, frozenset(labels.items())))


def _publisher(broker: str) -> Celery:
    return Celery("operations-probe", broker=broker)


def test_the_web_and_the_worker_expose_every_family_with_multiprocess_totals(
    gunicorn, celery_worker_process, clean_broker
):
    server = gunicorn(REDIS_URL=clean_broker, METRICS_TOKEN=TOKEN)
    metrics_url = server.base + "/metrics"
    assert scrape(metrics_url, token=None)[0] == 401
    assert scrape(metrics_url, token="wrong")[0] == 401

    client = Client(server.base)
    for _ in range(12):
        assert client.get("/")[0] == 200
    assert client.get("/no-such-page/")[0] == 404

    # The outbox: one e-mail waiting since ten minutes ago.
    waiting = SentEmail.objects.create(to="x@example.com", template="t", subject="s", message={}, message_id="<a@b>")
    SentEmail.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=10))

    # Jobs waiting before any worker runs: the email queue has three, the oldest a couple of seconds old.
    publisher = _publisher(clean_broker)
    publisher.send_task("mail.deliver_due", queue="email")
    publisher.send_task("mail.deliver", args=["not-an-id"], queue="email")  # fails: ValueError
    time.sleep(2)
    publisher.send_task("mail.send_reminders", queue="email")
    publisher.send_task("stages.tasks.check_links", args=[[]], queue="linkcheck")

    for _ in range(3):  # whichever of the three gunicorn workers answers, the totals are the same
        status, text = scrape(metrics_url)
        assert status == 200, text
        assert families(text) >= WEB_FAMILIES, WEB_FAMILIES - families(text)
        assert value(text, "dlcurriculum_http_requests_total", view="home", method="GET", status="200") == 12
        assert value(text, "dlcurriculum_http_requests_total", view="<unmatched>", method="GET", status="404") == 1
        assert value(text, "dlcurriculum_http_request_duration_seconds_count", view="home", method="GET") == 12
        assert value(text, "dlcurriculum_http_request_db_queries_count", view="home") == 12
        assert value(text, "dlcurriculum_http_request_db_queries_sum", view="home") > 0
        assert value(text, "dlcurriculum_queue_depth", queue="email") == 3
        assert value(text, "dlcurriculum_queue_depth", queue="linkcheck") == 1
        assert value(text, "dlcurriculum_queue_depth", queue="notebooks") == 0
        assert value(text, "dlcurriculum_queue_oldest_job_age_seconds", queue="email") >= 2
        assert value(text, "dlcurriculum_queue_oldest_job_age_seconds", queue="notebooks") == 0
        assert value(text, "dlcurriculum_broker_up") == 1
        assert value(text, "dlcurriculum_email_outbox_backlog") == 1
        assert value(text, "dlcurriculum_email_outbox_oldest_pending_age_seconds") >= 600
    # No raw path becomes a label.
    assert "no-such-page" not in text

    worker = celery_worker_process(clean_broker)
    assert scrape(worker.metrics_url, token=None)[0] == 401

    def worker_done():
        status, text = scrape(worker.metrics_url)
        return status == 200 and value(text, "dlcurriculum_pass_duration_seconds_count", pass_name="linkcheck") and text

    text = wait_for(worker_done, 60)
    assert text, worker.output()
    text = wait_for(
        lambda: (
            (t := scrape(worker.metrics_url)[1])
            and value(t, "dlcurriculum_pass_duration_seconds_count", pass_name="reminders")
            and t
        ),
        30,
    )
    assert text, worker.output()
    assert families(text) >= WORKER_FAMILIES, WORKER_FAMILIES - families(text)
    assert (
        value(
            text, "dlcurriculum_job_duration_seconds_count", task="mail.deliver_due", queue="email", outcome="SUCCESS"
        )
        == 1
    )
    assert (
        value(text, "dlcurriculum_job_duration_seconds_count", task="mail.deliver", queue="email", outcome="FAILURE")
        == 1
    )
    assert value(text, "dlcurriculum_job_failures_total", task="mail.deliver", exception="ValueError") == 1
    assert value(text, "dlcurriculum_pass_last_finished_timestamp_seconds", pass_name="linkcheck") > time.time() - 120

    # The queues drained: the web's scrape says so.
    _, text = scrape(metrics_url)
    assert value(text, "dlcurriculum_queue_depth", queue="email") == 0
    assert value(text, "dlcurriculum_queue_oldest_job_age_seconds", queue="email") == 0


def test_a_request_id_follows_a_sign_up_into_its_email_job_and_the_delivery_log(
    gunicorn, celery_worker_process, clean_broker, smtp
):
    smtp.up()
    mail_env = {"EMAIL_URL": smtp.email_url, "EMAIL_TIMEOUT": "5", "LOG_FORMAT": "json"}
    server = gunicorn(REDIS_URL=clean_broker, METRICS_TOKEN=TOKEN, **mail_env)
    worker = celery_worker_process(clean_broker, **mail_env)
    client = Client(server.base)
    status, headers, _ = client.post_form(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "a long enough passphrase", "password2": "a long enough passphrase"},
    )
    assert status == 302
    request_id = headers["X-Request-ID"]
    assert wait_for(lambda: smtp.received, 30), worker.output()

    def lines(text: str) -> list[dict]:
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    # In production every line gunicorn and the app write is one JSON object.
    assert all(line.startswith("{") for line in server.output().splitlines() if line.strip()), server.output()
    web = [line for line in lines(server.output()) if line.get("request_id") == request_id]
    assert any(line["logger"] == "dlcurriculum.requests" and line["status"] == 302 for line in web), server.output()
    assert wait_for(
        lambda: any(
            "sent" in line["message"] for line in lines(worker.output()) if line.get("request_id") == request_id
        ),
        10,
    )
    delivery = [line for line in lines(worker.output()) if line.get("request_id") == request_id]
    assert {line["task"] for line in delivery} >= {"mail.deliver"}, worker.output()
    assert all(line["time"] and line["level"] for line in delivery)
