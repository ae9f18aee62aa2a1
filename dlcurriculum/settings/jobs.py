"""Background jobs: Celery, the job queues and their routes, and the beat schedule."""

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .core import REDIS_URL
from .env import env
from .features import (
    CAPSTONE_JOB_SOFT_TIME_LIMIT,
    CAPSTONE_JOB_TIME_LIMIT,
    CAPSTONE_NOTIFY_SWEEP_SECONDS,
    LINKCHECK_SCHEDULE,
)
from .mail import EMAIL_OUTBOX_SWEEP_SECONDS

# --- Celery: the broker is Redis; without it tasks run in-process ------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# Only the batches of jobs that fan out keep a result: their chord callback collects them.
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_RESULT_EXPIRES = 24 * 3600
# A worker killed mid-task must not lose it: acknowledge after the task ran.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Set per worker from the queues it serves (JOB_QUEUES below); this is the fallback.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# No task runs longer than this (tasks may set less); every job is safe to stop and run again.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=CELERY_TASK_TIME_LIMIT - 30)
# A message a dead worker had taken is delivered again after this many seconds: longer than the
# longest task may run (or a running task would be delivered a second time), and no longer.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": min(10, CELERY_VISIBILITY_TIMEOUT),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
# Publishing from a web request must fail fast when Redis is down (see dlcurriculum.tasks).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TIMEZONE = "UTC"
# A worker child that grew past this (KiB) is replaced after its task: one huge notebook cannot
# keep a worker's memory high for everything after it.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=1_000_000)
# Task modules outside the apps' tasks.py (the apps' own are found by autodiscovery).
CELERY_IMPORTS = ["dlcurriculum.retention"]

# --- Job queues: one per kind of job ------------------------------------------------
# A nightly check of every link or a burst of notebook analyses must never delay an
# e-mail, so each kind has its own queue and its own workers (docker-compose.yml runs
# one worker service per queue group; scale each with `docker compose up --scale`).
# Per queue: soft and hard time limits in seconds (every task routed there gets them, or its own where tighter;
# the soft one lets the task stop cleanly) and how many messages a worker process takes
# ahead (long CPU-bound jobs one, so a queued job waits for any free worker, not a busy one).
# The broker's visibility timeout must stay above every hard limit, or a job still running
# is handed to a second worker.
JOB_QUEUES = {
    "linkcheck": {"soft_time_limit": 480, "time_limit": 540, "prefetch": 1},
    # The notebook check and rendering jobs' own limits (CAPSTONE_JOB_*): past them a notebook
    # is stored as too large to check automatically.
    "notebooks": {
        "soft_time_limit": CAPSTONE_JOB_SOFT_TIME_LIMIT,
        "time_limit": CAPSTONE_JOB_TIME_LIMIT,
        "prefetch": 1,
    },
    "email": {"soft_time_limit": 300, "time_limit": 330, "prefetch": 4},
    "housekeeping": {"soft_time_limit": 540, "time_limit": 600, "prefetch": 1},
}
# First match wins; a task matching nothing goes to housekeeping.
CELERY_TASK_ROUTES = {
    "*.prune_*": {"queue": "housekeeping"},
    # The outbox: the tasks that talk to the mail server for every e-mail (and its sweep of retries).
    "mail.deliver*": {"queue": "email"},
    "*.sweep": {"queue": "housekeeping"},
    "*reminder*": {"queue": "email"},
    "stages.tasks.*": {"queue": "linkcheck"},
    "capstones.tasks.analyse_*": {"queue": "notebooks"},
    "capstones.tasks.render_*": {"queue": "notebooks"},
    "*.send_*": {"queue": "email"},
}
CELERY_TASK_DEFAULT_QUEUE = "housekeeping"
# A worker started without -Q (one machine, `make run`) serves them all.
CELERY_TASK_QUEUES = {name: {"exchange": name, "routing_key": name} for name in JOB_QUEUES}
# Every task gets the time limits of the queue it is routed to (dlcurriculum/celery_app.py).
CELERY_TASK_ANNOTATIONS = ["dlcurriculum.celery_app.LimitsByQueue"]


# --- Beat: the periodic jobs ------------------------------------------------------
def _crontab(spec: str):
    fields = spec.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(
            f"LINKCHECK_SCHEDULE must be a crontab 'minute hour day-of-month month day-of-week', got {spec!r}."
        )
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    try:
        return crontab(minute, hour, day_of_week, day_of_month, month_of_year)
    except ValueError as exc:
        raise ImproperlyConfigured(f"LINKCHECK_SCHEDULE {spec!r} is not a valid crontab: {exc}") from exc


CELERY_BEAT_SCHEDULE = {
    # The outbox's sweep of due retries (EMAIL_OUTBOX_SWEEP_SECONDS).
    "mail-deliver-due": {
        "task": "mail.deliver_due",
        "schedule": float(EMAIL_OUTBOX_SWEEP_SECONDS),
        # A sweep that waited in the queue behind an outage is useless once the next one is due.
        "options": {"expires": float(EMAIL_OUTBOX_SWEEP_SECONDS)},
    },
    # Every 30 s: lost work is picked up within two minutes of the broker or a worker coming back.
    "capstones-sweep": {"task": "capstones.tasks.sweep", "schedule": 30.0},
    # Notification batches whose burst is over (CAPSTONE_NOTIFY_SWEEP_SECONDS).
    "capstones-notifications-due": {
        "task": "capstones.tasks.send_due_notifications",
        "schedule": float(CAPSTONE_NOTIFY_SWEEP_SECONDS),
        "options": {"expires": float(CAPSTONE_NOTIFY_SWEEP_SECONDS)},
    },
    # Hourly: mentors with a claim idle CAPSTONE_CLAIM_NUDGE_DAYS.
    "capstones-mentor-nudges": {"task": "capstones.tasks.nudge_mentors", "schedule": crontab(minute=0)},
    "check-links": {"task": "stages.tasks.check_links", "schedule": _crontab(LINKCHECK_SCHEDULE)},
    # Hourly: each learner's reminder goes out at their preferred local hour.
    "mail-send-reminders": {"task": "mail.send_reminders", "schedule": crontab(minute=0)},
    # Mondays 07:00 UTC: the weekly study group digests (off by default, per membership).
    "groups-send-digests": {
        "task": "progress.tasks.send_group_digests",
        "schedule": crontab(minute=0, hour=7, day_of_week=1),
    },
    # Nightly retention (dlcurriculum/retention.py).
    "housekeeping-prune-expired": {"task": "housekeeping.prune_expired", "schedule": crontab(minute=15, hour=4)},
}
# A tick missed while the broker was away is sent when it is back (see dlcurriculum/beat.py).
CELERY_BEAT_SCHEDULER = "dlcurriculum.beat:CatchUpScheduler"
CELERY_BEAT_MAX_INTERVAL = 30
# Local mode has no beat: the development server runs these in a thread (dlcurriculum.local_beat)
# every LOCAL_BEAT_SECONDS (0: never). Ignored when REDIS_URL is set.
LOCAL_BEAT_SECONDS = env.int("LOCAL_BEAT_SECONDS", default=10)
LOCAL_BEAT_TASKS = ["capstones.tasks.send_due_notifications", "mail.deliver_due"]
