"""How tests submit a capstone notebook: through the service, or as the submit form's POST data.

One place for the submission's defaults (the brief's first idea, a notebook whose
analysis passes), so each test names only what it is about.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from capstones import services
from capstones.models import Iteration
from tests.capstones.notebook_builders import as_bytes, good_notebook


def submit_capstone(
    learner,
    brief,
    nb=None,
    *,
    notebook_bytes: bytes | None = None,
    title: str = "Digits with a CNN",
    own_problem: str = "",
    repository_url: str = "",
    write_up: str = "I trained a *small* CNN.",
    filename: str = "digits.ipynb",
) -> Iteration:
    """A new iteration through ``services.submit_iteration``: the brief's first idea unless ``own_problem``.

    The analysis runs after commit; wrap the call in ``django_capture_on_commit_callbacks(execute=True)``
    to run it, or leave it pending as when the broker is down.
    """
    return services.submit_iteration(
        learner=learner,
        brief=brief,
        title=title,
        idea=None if own_problem else brief.ideas.first(),
        own_problem=own_problem,
        repository_url=repository_url,
        write_up=write_up,
        notebook_bytes=notebook_bytes if notebook_bytes is not None else as_bytes(nb or good_notebook()),
        filename=filename,
    )


def upload(nb=None, name: str = "notebook.ipynb", data: bytes | None = None) -> SimpleUploadedFile:
    """A notebook file as the submit form receives it."""
    return SimpleUploadedFile(
        name, data if data is not None else as_bytes(nb or good_notebook()), content_type="application/x-ipynb+json"
    )


def submission_form(brief, **overrides) -> dict:
    """POST data for the submit form: the brief's first idea and a notebook whose analysis passes."""
    data = {
        "title": "Digits with a CNN",
        "idea": brief.ideas.first().pk,
        "own_problem": "",
        "repository_url": "",
        "write_up": "I trained a *small* CNN.",
        "notebook": upload(),
    }
    data.update(overrides)
    return data
