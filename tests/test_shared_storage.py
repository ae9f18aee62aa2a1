"""Uploaded notebooks through an S3-compatible store: a real local S3 server (moto's standalone server) in a
process of its own on a free port.

Web servers and workers on different machines share the store; objects stay private,
and notebooks leave only through the app's permission-checked download.
"""

import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from capstones import services
from capstones.models import Report
from tests import factories
from tests.capstones.notebook_builders import as_bytes, good_notebook

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "dlcurriculum-test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    try:
        _wait_until_listening(port, server)
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_listening(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"moto's S3 server exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto's S3 server did not listen on {port} within {seconds} s")


@pytest.fixture
def s3_storage(settings, s3_server, tmp_path):
    endpoint, client = s3_server
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
                "addressing_style": "path",
                "signature_version": "s3v4",
            },
        },
    }
    return client


@pytest.fixture
def iteration(s3_storage, learner, django_capture_on_commit_callbacks):
    brief = factories.CapstoneBriefFactory()
    with django_capture_on_commit_callbacks(execute=False):  # the analysis is run by hand in the tests
        return services.submit_iteration(
            learner=learner,
            brief=brief,
            title="Digits",
            idea=None,
            own_problem="Digits",
            repository_url="",
            write_up="A CNN.",
            notebook_bytes=as_bytes(good_notebook()),
            filename="digits.ipynb",
        )


def _object(client, name: str) -> bytes:
    return client.get_object(Bucket=BUCKET, Key=name)["Body"].read()


@pytest.mark.django_db
def test_an_uploaded_notebook_is_stored_in_the_bucket_not_on_the_local_disk(iteration, s3_storage, tmp_path):
    assert _object(s3_storage, iteration.notebook.name) == as_bytes(good_notebook())
    assert not (tmp_path / "media").exists()


@pytest.mark.django_db
def test_the_analysis_reads_the_notebook_back_from_the_bucket(iteration):
    report = services.run_analysis(iteration.pk)
    assert report.status == Report.Status.DONE


@pytest.mark.django_db
def test_objects_grant_nobody_but_the_owner(iteration, s3_storage):
    grants = s3_storage.get_object_acl(Bucket=BUCKET, Key=iteration.notebook.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)


@pytest.mark.django_db
def test_any_url_the_store_gives_is_signed_and_expires_within_minutes(iteration):
    url = default_storage.url(iteration.notebook.name)
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url


@pytest.mark.django_db
def test_the_learner_downloads_the_notebook_streamed_from_the_bucket(iteration, learner, client):
    client.force_login(learner)
    response = client.get(
        reverse("capstones:download", kwargs={"pk": iteration.submission.pk, "number": iteration.number})
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == as_bytes(good_notebook())


@pytest.mark.django_db
def test_another_learner_cannot_download_it(iteration, other_learner, client):
    client.force_login(other_learner)
    response = client.get(
        reverse("capstones:download", kwargs={"pk": iteration.submission.pk, "number": iteration.number})
    )
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_deleting_the_submission_deletes_the_object(iteration, s3_storage):
    name = iteration.notebook.name
    iteration.submission.delete()
    assert s3_storage.list_objects_v2(Bucket=BUCKET, Prefix=name).get("KeyCount") == 0


def test_the_store_is_configured_from_the_environment():
    env = {
        "PATH": "/usr/bin:/bin",
        "S3_BUCKET": "notebooks",
        "S3_ENDPOINT_URL": "http://objects.internal:9000",
        "S3_ACCESS_KEY_ID": "key",
        "S3_SECRET_ACCESS_KEY": "secret",
        "S3_REGION": "eu-west-1",
    }
    code = (
        "import json; from dlcurriculum import settings as s; o = s.STORAGES['default'];"
        "print(json.dumps([o['BACKEND'], o['OPTIONS']['bucket_name'], o['OPTIONS']['endpoint_url'],"
        " o['OPTIONS']['region_name'], o['OPTIONS']['default_acl']]))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        '["storages.backends.s3.S3Storage", "notebooks", "http://objects.internal:9000", "eu-west-1", "private"]'
    )


def test_without_a_bucket_files_stay_on_the_local_disk():
    code = "from dlcurriculum import settings as s; print(s.STORAGES['default']['BACKEND'])"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "django.core.files.storage.FileSystemStorage"
