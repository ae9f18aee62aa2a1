import os
import sys
from pathlib import Path

from celery import Celery

from dlcurriculum.config import exit_if_incomplete

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dlcurriculum.settings")

app = Celery("dlcurriculum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _started_by_the_celery_command() -> bool:
    script = Path(sys.argv[0])
    return script.name == "celery" or script.parts[-2:] == ("celery", "__main__.py")


if _started_by_the_celery_command():
    # Workers and beat read the settings lazily, deep inside their start-up: read them
    # now, so an incomplete production configuration stops them with its message
    # instead of a traceback.
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings module
    except Exception as exc:
        exit_if_incomplete(exc)
        raise
