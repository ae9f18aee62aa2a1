import os

import pytest
from django.core.management import call_command

from . import factories


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a file instead of shared-cache memory: concurrent connections
    (threads in concurrency tests) then wait for each other's locks instead of failing
    at once with "database table is locked"."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("sqlite") / "test.sqlite3")


@pytest.fixture
def curriculum(db):
    """The seed curriculum, loaded as `make run` loads it."""
    call_command("load_curriculum", verbosity=0)


@pytest.fixture
def learner(db):
    return factories.UserFactory()


@pytest.fixture
def other_learner(db):
    return factories.UserFactory()


@pytest.fixture
def mentor(db):
    return factories.MentorFactory()


@pytest.fixture
def staff(db):
    return factories.AdminFactory()


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Rate limits and cached values must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pytest_collection_modifyitems(config, items):
    """Tests marked `redis` need the real Redis named by REDIS_URL; without it they skip (CI fails on skips)."""
    import os

    if os.environ.get("REDIS_URL"):
        return
    skip = pytest.mark.skip(reason="needs REDIS_URL (a real Redis server)")
    for item in items:
        if "redis" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Argon2 costs a noticeable fraction of a second per user and the suite creates thousands.

    Tests about the production hasher opt out with @pytest.mark.real_password_hashing.
    """
    if not request.node.get_closest_marker("real_password_hashing"):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _mail_delivered_at_once(request, monkeypatch):
    """Queued e-mails are delivered when queued, so tests read ``mailoutbox`` right after the action.

    In the app they go out after the transaction commits, from a Celery task; tests of that
    path (the outbox itself, the fault suite) opt out with @pytest.mark.mail_queue.
    """
    if request.node.get_closest_marker("mail_queue"):
        return
    from dlcurriculum.mail import outbox

    monkeypatch.setattr(outbox, "schedule_delivery", outbox.deliver)


@pytest.fixture
def tasks_in_process():
    """Run enqueued Celery tasks in this process, also when REDIS_URL names a broker.

    The project's app reads its configuration once, so a settings override would not reach it.
    """
    from dlcurriculum.celery_app import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


# --- A real Celery worker (celery.contrib.pytest) on the real Redis -------------------

WORKER_REDIS_URL = os.environ.get("CELERY_TEST_REDIS_URL") or os.environ.get("REDIS_URL")


@pytest.fixture
def project_celery_app():
    """The project's own app, pointed at the test Redis and publishing for real.

    A test module whose worker should run the project's app overrides ``celery_app`` with it.
    """
    from dlcurriculum.celery_app import app

    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.broker_url = WORKER_REDIS_URL
    app.conf.task_always_eager = False
    app._pool = None  # connections made for another broker URL must not be reused
    app.amqp._producer_pool = None
    yield app
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_worker_parameters():
    # The app ignores results (no result backend), so no ping round trip: tests wait on the database.
    return {"perform_ping_check": False, "shutdown_timeout": 20}


@pytest.fixture
def worker_closes_db_connections():
    """The worker thread's connections would otherwise outlive the test database."""
    from celery.signals import task_postrun
    from django.db import connections

    def close(**kwargs):
        connections.close_all()

    task_postrun.connect(close, weak=False, dispatch_uid="tests-worker-close-db")
    yield
    task_postrun.disconnect(dispatch_uid="tests-worker-close-db")


@pytest.fixture(scope="session")
def _local_github_process():
    from .github import local_github

    with local_github() as github:
        yield github


@pytest.fixture
def github(_local_github_process, settings, monkeypatch):
    """A real local OAuth2 server playing GitHub (tests/oauth_provider.py), and the app's sign-in with
    GitHub turned on and pointed at it."""
    from .github import point_the_app_at

    point_the_app_at(_local_github_process, settings, monkeypatch)
    return _local_github_process


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, with the second factor every admin must have (users.second_factor)."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(admin_user, factories.TOTP_SECRET)
    return admin_user
