"""What the service modules share: the stored notebook, and the app's tasks (imported late)."""

from django.conf import settings

from capstones import notebooks
from capstones.models import Iteration


class TransitionError(Exception):
    """The action is not possible in the submission's current state; the message says why."""


def read_notebook(iteration: Iteration):
    with iteration.notebook.open("rb") as handle:
        data = handle.read()
    return notebooks.load_notebook(data, max_bytes=settings.CAPSTONE_MAX_NOTEBOOK_BYTES)


def capstone_tasks():
    # Imported late: the tasks import the services.
    from capstones import tasks

    return tasks
