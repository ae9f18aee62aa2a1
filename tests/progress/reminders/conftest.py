import os
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from stages.models import Resource
from tests import factories
from tests.smtp import smtp_server  # noqa: F401 - the fixture, shared with tests/mail

# A Wednesday, ten past six in the evening UTC.
NOW = datetime(2026, 11, 25, 18, 10, tzinfo=UTC)
JOINED = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
CURRICULUM_CREATED = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class SmallCurriculum:
    stages: list
    resources: dict  # key -> Resource


@pytest.fixture
def small_curriculum(db):
    """Stage 1: three core resources and one optional; stage 2: two core; stage 3: a project without resources."""
    s1 = factories.StageFactory(order=1, slug="practical", title="A Practical Encounter")
    s2 = factories.StageFactory(order=2, slug="math", title="Mathematical Foundations")
    s3 = factories.StageFactory(order=3, slug="capstone", title="Capstone Project I")
    resources = {}
    for stage, keys in ((s1, ["fastai", "talk", "crash-course"]), (s2, ["linear-algebra", "calculus"])):
        for i, key in enumerate(keys, start=1):
            title = key.replace("-", " ").title()
            resources[key] = factories.ResourceFactory(stage=stage, order=i, key=key, title=title, effort_hours=10)
    resources["extra"] = factories.ResourceFactory(stage=s1, order=4, key="extra", title="Extra Reading", optional=True)
    Resource.objects.update(created_at=CURRICULUM_CREATED)
    return SmallCurriculum(stages=[s1, s2, s3], resources=resources)


@pytest.fixture
def make_learner(db):
    def make(**kwargs):
        defaults = {
            "timezone": "UTC",
            "reminder_hour": 18,
            "reminder_frequency": "inactivity",
            "reminder_inactivity_days": 7,
            "date_joined": JOINED,
            "why": "I want to understand how AlphaGo learned & won.",
        }
        return factories.UserFactory(**{**defaults, **kwargs})

    return make


@pytest.fixture
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


# --- Celery against the real Redis -------------------------------------------------------


@pytest.fixture(scope="session")
def celery_config():
    url = os.environ.get("CELERY_TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "memory://"
    return {
        "broker_url": url,
        "result_backend": url if url.startswith("redis") else "cache+memory://",
        "task_acks_late": True,
        "broker_connection_retry_on_startup": True,
    }
