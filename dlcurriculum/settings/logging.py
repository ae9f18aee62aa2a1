"""Logging: everything to the console (the container's log), at LOG_LEVEL; JSON lines in production.

Each record carries the request id and the running job (dlcurriculum/observability/logs.py).
"""

from dlcurriculum.observability.logs import LogFormat, logging_config

from .env import DEBUG, env

# One JSON object a line in production (for the platform's log collector), plain text in local mode.
LOG_FORMAT = LogFormat(env("LOG_FORMAT", default=LogFormat.TEXT if DEBUG else LogFormat.JSON))
LOGGING = logging_config(LOG_FORMAT, env("LOG_LEVEL", default="INFO"))
# Celery would replace the root logger's handlers with its own text format: workers log as the web does.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT is LogFormat.TEXT
