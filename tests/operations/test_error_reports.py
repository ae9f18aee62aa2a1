"""Error reports reach a Sentry-compatible collector (a real local HTTP server here) without learners' data."""

from __future__ import annotations

import gzip
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.test import Client

from dlcurriculum.observability.errors import EMAIL_MASK, FILTERED, init_error_reports, scrub

NOTE = "my private reflection on backprop"
NOTEBOOK = json.dumps({"cells": [{"cell_type": "code", "source": "secret_model_weights = 42"}], "nbformat": 4})
EMAIL = "ada.lovelace@example.com"


class Collector(ThreadingHTTPServer):
    """Accepts envelopes as Sentry's ingest endpoint does and keeps them, decompressed."""

    def __init__(self):
        self.envelopes: list[bytes] = []
        received = self.envelopes

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                encoding = self.headers.get("Content-Encoding")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "br":  # the SDK's choice when Brotli is installed
                    import brotli

                    body = brotli.decompress(body)
                received.append(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def dsn(self) -> str:
        return f"http://publickey@127.0.0.1:{self.server_address[1]}/42"

    def events(self) -> list[dict]:
        found = []
        for envelope in self.envelopes:
            lines = envelope.split(b"\n")
            for header, payload in zip(lines[1::2], lines[2::2], strict=False):
                if json.loads(header).get("type") == "event":
                    found.append(json.loads(payload))
        return found


@pytest.fixture
def collector():
    server = Collector()
    init_error_reports(server.dsn, environment="test")
    yield server
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: reporting off again for the rest of the suite
    server.shutdown()


def test_a_failing_request_is_reported_with_its_request_id_and_without_notes_notebooks_or_addresses(
    db, settings, collector
):
    settings.ROOT_URLCONF = "tests.operations.failing_urls"
    logging.getLogger("dlcurriculum.mail.outbox").info("E-mail 7 to %s queued", EMAIL)  # a breadcrumb
    response = Client(raise_request_exception=False).post(
        "/fail-with-learner-data/", {"note": NOTE, "notebook": NOTEBOOK, "email": EMAIL}
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=10)

    events = collector.events()
    assert len(events) == 1, collector.envelopes
    event = events[0]
    raw = json.dumps(event)
    exception = event["exception"]["values"][-1]
    assert exception["type"] == "RuntimeError"
    assert EMAIL_MASK in exception["value"]
    assert event["tags"]["request_id"] == response["X-Request-ID"]
    assert event["environment"] == "test"
    assert any("queued" in crumb.get("message", "") for crumb in event["breadcrumbs"]["values"])
    for secret in (NOTE, "secret_model_weights", EMAIL, "lovelace"):
        assert secret not in raw, secret


def test_scrubbing_replaces_learners_writing_and_masks_addresses_everywhere():
    event = {
        "message": f"mail to {EMAIL} failed",
        "extra": {"submission_notebook": NOTEBOOK, "notes": NOTE, "to": EMAIL, "attempts": 3},
        "request": {"data": {"note": NOTE}, "url": "https://site/me/notes/"},
        "contexts": {"job": {"args": [f"Ada <{EMAIL}>", 12]}},
    }
    scrubbed = scrub(event)
    assert scrubbed == {
        "message": f"mail to {EMAIL_MASK} failed",
        "extra": {"submission_notebook": FILTERED, "notes": FILTERED, "to": FILTERED, "attempts": 3},
        "request": {"data": FILTERED, "url": "https://site/me/notes/"},
        "contexts": {"job": {"args": [f"Ada <{EMAIL_MASK}>", 12]}},
    }
