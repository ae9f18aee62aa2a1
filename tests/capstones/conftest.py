import pytest

from capstones import services
from capstones.models import Submission
from tests import factories
from tests.smtp import smtp_server  # noqa: F401 - the fixture, for the conversation over real SMTP

from .notebook_builders import as_bytes, good_notebook


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _tasks_in_process_here(request):
    """Capstone tasks run in-process, also when REDIS_URL is set (the real-worker test opts out)."""
    if not request.node.get_closest_marker("redis"):
        request.getfixturevalue("tasks_in_process")


@pytest.fixture
def brief(db):
    brief = factories.CapstoneBriefFactory(key="capstone-1", title="Capstone I: Supervised Deep Learning")
    brief.allowed_frameworks.add(*(factories.FrameworkFactory(module=m) for m in ("torch", "tensorflow", "mxnet")))
    brief.forbidden_frameworks.add(*(factories.FrameworkFactory(module=m) for m in ("fastai", "keras")))
    factories.ProjectIdeaFactory(brief=brief, order=1, title="Hand written digit recognition")
    factories.ProjectIdeaFactory(brief=brief, order=2, title="Sentiment Analysis")
    return brief


@pytest.fixture
def make_submission(django_capture_on_commit_callbacks):
    """Submit a notebook as `learner` through the service, running the after-commit work."""

    def make(learner, brief, nb=None, *, title="Digits with a CNN", repository_url="https://example.com/repo"):
        with django_capture_on_commit_callbacks(execute=True):
            iteration = services.submit_iteration(
                learner=learner,
                brief=brief,
                title=title,
                idea=brief.ideas.first(),
                own_problem="",
                repository_url=repository_url,
                write_up="I trained a *small* CNN.",
                notebook_bytes=as_bytes(nb or good_notebook()),
                filename="digits.ipynb",
            )
        # Re-read: the check that ran after commit has moved the submission on.
        return Submission.objects.get(pk=iteration.submission_id)

    return make


@pytest.fixture
def submission(make_submission, learner, brief):
    return make_submission(learner, brief)


@pytest.fixture
def claimed(submission, mentor):
    return services.claim(submission, mentor=mentor)
