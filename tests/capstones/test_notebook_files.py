"""Notebook files leave storage with their iteration, once the deletion is committed."""

from pathlib import Path

from django.db import transaction

from capstones.models import Iteration
from dlcurriculum.users import services as account_services


def _notebook_paths(submission):
    return [it.notebook.path for it in submission.iterations.all()]


def _exists(path) -> bool:
    return Path(path).exists()


def test_deleting_an_account_removes_the_learners_notebook_files(
    submission, learner, django_capture_on_commit_callbacks
):
    paths = _notebook_paths(submission)
    assert paths and all(_exists(p) for p in paths)
    with django_capture_on_commit_callbacks(execute=True):
        account_services.delete_account(learner)
    assert not any(_exists(p) for p in paths)


def test_deleting_a_submission_removes_every_iterations_notebook(submission, django_capture_on_commit_callbacks):
    paths = _notebook_paths(submission)
    with django_capture_on_commit_callbacks(execute=True):
        submission.delete()
    assert not any(_exists(p) for p in paths)


def test_a_rolled_back_deletion_keeps_the_notebook_file(submission, django_capture_on_commit_callbacks):
    paths = _notebook_paths(submission)
    submission_id = submission.pk
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                submission.delete()
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert all(_exists(p) for p in paths)
    assert Iteration.objects.filter(submission_id=submission_id).count() == len(paths)
