"""No upload ends in a server error: every parse problem is a form error that keeps what the learner
typed, and a huge file is refused while it streams, before it is on disk."""

import json

import pytest
from django.test.client import BOUNDARY, ClientHandler, encode_multipart
from django.urls import reverse

from capstones.models import Iteration, Submission
from tests.submitting import upload

from .notebook_builders import PROSE, as_bytes, code, good_notebook, md, notebook

TYPED = {
    "title": "Birds, typed with care",
    "idea": "",
    "own_problem": "Classifying bird songs",
    "repository_url": "https://example.com/me/birds",
    "write_up": "A long write-up the learner must not lose.",
}


@pytest.fixture
def submit_url(brief):
    return reverse("capstones:submit", kwargs={"key": brief.key})


def post_file(client, url, data: bytes, name="n.ipynb"):
    return client.post(url, {**TYPED, "notebook": upload(data=data, name=name)})


def assert_refused_keeping_the_text(response, message_part: str):
    assert response.status_code == 200
    assert message_part in response.text
    for value in ("Birds, typed with care", "A long write-up the learner must not lose."):
        assert value in response.text
    assert not Iteration.objects.exists()


def raw_notebook_text(cells_json: str) -> bytes:
    return ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [' + cells_json + "]}").encode()


def test_json_nested_deeper_than_pythons_recursion_limit_is_a_form_error(learner_client, submit_url):
    deep = '{"metadata": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    response = post_file(learner_client, submit_url, deep.encode())
    assert_refused_keeping_the_text(response, "nested")


def test_an_integer_longer_than_pythons_limit_does_not_give_a_server_error(learner_client, submit_url):
    cell = '{"cell_type": "code", "source": "x", "metadata": {}, "outputs": [], "execution_count": ' + "9" * 5000 + "}"
    response = post_file(learner_client, submit_url, raw_notebook_text(cell))
    assert response.status_code in (200, 302)


def test_a_huge_integer_in_metadata_does_not_give_a_server_error(learner_client, submit_url):
    nb = json.loads(as_bytes(good_notebook()))
    text = json.dumps(nb).replace('"metadata": {}', '"metadata": {"n": ' + "1" * 10_000 + "}", 1)
    response = post_file(learner_client, submit_url, text.encode())
    assert response.status_code in (200, 302)


def test_a_pasted_image_is_accepted_and_checked(
    learner_client, learner, submit_url, django_capture_on_commit_callbacks
):
    pasted = md("Here is my plot:\n\n![image.png](attachment:image.png)\n\n" + PROSE)
    pasted.attachments = {"image.png": {"image/png": "iVBORw0KGgo="}}
    nb = notebook(pasted, code("import torch"))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(learner_client, submit_url, as_bytes(nb))
    assert response.status_code == 302
    iteration = Iteration.objects.get(submission__learner=learner)
    assert iteration.report.status == "done"
    assert "data:image/png;base64,iVBORw0KGgo=" in iteration.rendering.html


def test_a_lone_surrogate_in_markdown_is_accepted_and_checked(
    learner_client, learner, submit_url, django_capture_on_commit_callbacks
):
    nb = json.loads(as_bytes(good_notebook()))
    text = json.dumps(nb).replace("We explain", "We \\ud800 explain", 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(learner_client, submit_url, text.encode())
    assert response.status_code == 302
    iteration = Iteration.objects.get(submission__learner=learner)
    assert iteration.report.status == "done"
    assert iteration.rendering.status == "done"


def test_a_file_that_is_not_utf8_is_a_form_error(learner_client, submit_url):
    response = post_file(learner_client, submit_url, b"\xff\xfe\x00{")
    assert_refused_keeping_the_text(response, "not text")


def test_any_unexpected_error_while_reading_is_a_form_error(learner_client, submit_url, monkeypatch):
    from capstones import notebooks

    def broken(*args, **kwargs):
        raise TypeError("something nobody foresaw")

    monkeypatch.setattr(notebooks, "load_notebook", broken)
    response = post_file(learner_client, submit_url, as_bytes(good_notebook()))
    assert_refused_keeping_the_text(response, "could not be read as a notebook (TypeError)")


# --- size limit while the body streams -------------------------------------------------------------


class StreamedBody:
    """A request body produced as it is read: 100 MB never exists in memory, and we see how much was read."""

    def __init__(self, head: bytes, filler_size: int, tail: bytes):
        self.parts = [head, None, tail]
        self.head, self.filler_left, self.tail = head, filler_size, tail
        self.read_bytes = 0
        self.length = len(head) + filler_size + len(tail)

    def read(self, size=-1):
        size = self.length if size is None or size < 0 else size
        out = b""
        if self.head:
            out, self.head = self.head[:size], self.head[size:]
        elif self.filler_left:
            n = min(size, self.filler_left)
            out, self.filler_left = b" " * n, self.filler_left - n
        else:
            out, self.tail = self.tail[:size], self.tail[size:]
        self.read_bytes += len(out)
        return out

    def readline(self, size=-1):
        return self.read(size)


def streamed_upload(client, url, filler_size: int) -> tuple:
    fields = encode_multipart(BOUNDARY, TYPED)
    # encode_multipart ends with the closing boundary: cut it, then add the file part.
    closing = f"--{BOUNDARY}--\r\n".encode()
    assert fields.endswith(closing)
    head = (
        fields[: -len(closing)]
        + (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="notebook"; filename="huge.ipynb"\r\n'
            "Content-Type: application/x-ipynb+json\r\n\r\n"
        ).encode()
    )
    body = StreamedBody(head + b'{"cells": [', filler_size, b"]}\r\n" + closing)
    cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    environ = {
        **client._base_environ(),
        "REQUEST_METHOD": "POST",
        "PATH_INFO": url,
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(body.length),
        "HTTP_COOKIE": cookie,
        "wsgi.input": body,
    }
    response = ClientHandler(enforce_csrf_checks=False)(environ)
    return response, body


def test_a_100_mb_upload_is_refused_before_its_file_is_read(learner_client, submit_url):
    response, body = streamed_upload(learner_client, submit_url, 100 * 1024 * 1024)
    assert body.read_bytes < 1024 * 1024  # the fields, not the file
    text = response.content.decode()
    assert response.status_code == 200
    assert "larger than 20 MB" in text
    assert "Birds, typed with care" in text
    assert "A long write-up the learner must not lose." in text
    assert not Submission.objects.exists()


def test_a_file_over_the_limit_stops_being_stored_at_the_limit(learner_client, submit_url, settings, monkeypatch):
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    settings.FILE_UPLOAD_MAX_BYTES = settings.CAPSTONE_MAX_NOTEBOOK_BYTES = 3 * 1024 * 1024
    stored = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def counting(self, raw_data, start):
        stored.append(start + len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)
    response, _body = streamed_upload(learner_client, submit_url, 4 * 1024 * 1024)
    assert max(stored, default=0) <= 3 * 1024 * 1024
    assert response.status_code == 200
    assert "larger than 3 MB" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_file_within_the_limit_streams_through(learner_client, submit_url, settings):
    settings.FILE_UPLOAD_MAX_BYTES = 3 * 1024 * 1024
    response, body = streamed_upload(learner_client, submit_url, 1024)
    assert body.read_bytes == body.length
    # It reached the form's own check of the notebook (it has no nbformat), not the size limit.
    assert response.status_code == 200
    assert "larger than" not in response.content.decode()
    assert "nbformat" in response.content.decode()
