import fnmatch
import os
import sys
from pathlib import Path

from celery import Celery
from celery.signals import celeryd_init

from dlcurriculum.config import exit_if_incomplete
from dlcurriculum.observability import multiprocess

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dlcurriculum.settings")


def _started_by_the_celery_command() -> bool:
    script = Path(sys.argv[0])
    return script.name == "celery" or script.parts[-2:] == ("celery", "__main__.py")


if _started_by_the_celery_command() and "worker" in sys.argv:
    # A prefork worker's children record job metrics into files its main process serves (observability/jobs.py);
    # the directory must be set before prometheus_client is first imported.
    multiprocess.prepare_directory(prefix="dlcurriculum-worker-metrics-")

from dlcurriculum.observability import jobs  # noqa: E402, F401 - connects the job metrics and request id signals

app = Celery("dlcurriculum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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


def queue_of(task_name: str) -> str:
    """The queue ``task_name`` is routed to by CELERY_TASK_ROUTES (first matching pattern wins)."""
    for pattern, route in app.conf.task_routes.items():
        if fnmatch.fnmatchcase(task_name, pattern):
            return route["queue"]
    return app.conf.task_default_queue


class LimitsByQueue:
    """Celery annotation: every task gets the time limits of the queue it is routed to (settings.JOB_QUEUES),
    or its own where they are tighter (sending one e-mail is bounded by the SMTP timeout, far below
    what a reminder range on the same queue may take)."""

    def annotate(self, task):
        from django.conf import settings

        limits = settings.JOB_QUEUES.get(queue_of(task.name), {})
        tightest = {}
        for key in ("soft_time_limit", "time_limit"):
            if key in limits:
                own = getattr(task, key, None)
                tightest[key] = min(own, limits[key]) if own else limits[key]
        return tightest


@celeryd_init.connect
def _prefetch_for_the_queues_served(sender=None, conf=None, options=None, **kwargs):
    """A worker takes ahead as many messages as the most careful of its queues allows (settings.JOB_QUEUES)."""
    from django.conf import settings

    queues = (options or {}).get("queues") or list(settings.JOB_QUEUES)
    if isinstance(queues, str):
        queues = queues.split(",")
    prefetch = [settings.JOB_QUEUES[q]["prefetch"] for q in queues if q in settings.JOB_QUEUES]
    if prefetch and not (options or {}).get("prefetch_multiplier"):
        conf.worker_prefetch_multiplier = min(prefetch)
