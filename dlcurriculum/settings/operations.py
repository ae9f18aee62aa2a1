"""What an operator watches and keeps: Prometheus metrics, error reports, backups (README "Operations")."""

from pathlib import Path

from dlcurriculum.observability.errors import init_error_reports

from .env import BASE_DIR, DEBUG, env

# /metrics (web) and WORKER_METRICS_PORT (each Celery worker) answer requests carrying
# "Authorization: Bearer <METRICS_TOKEN>"; with no token set neither exists (/metrics is a 404):
# nothing is exposed until an operator chooses a secret.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
WORKER_METRICS_PORT = env.int("WORKER_METRICS_PORT", default=0)
WORKER_METRICS_ADDRESS = env("WORKER_METRICS_ADDRESS", default="0.0.0.0")  # noqa: S104 - inside the container

# Error reports to Sentry or a compatible service, learners' data scrubbed (observability/errors.py).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    init_error_reports(
        SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="local" if DEBUG else "production"),
        release=env("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# Where `manage.py backup` writes when given no directory: one subdirectory per run.
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(BASE_DIR / "backups")))
