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
