"""Log records: JSON lines in production (python-json-logger), each with the request id and the running job.

One JSON object per line, on stderr, for the platform's log collector: ``time``, ``level``, ``logger``,
``message``, ``request_id``, ``task`` and ``task_id`` in a job, plus whatever a call passes in ``extra``
(the request log: ``view``, ``status``, ``duration_ms``, ``db_queries``). Local mode keeps plain text.
"""

from __future__ import annotations

import enum
import logging

from . import request_id


class LogFormat(enum.StrEnum):
    JSON = "json"
    TEXT = "text"


class ContextFilter(logging.Filter):
    """Adds the request id and the running Celery job to every record (never overriding an explicit ``extra``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.current()
        if not hasattr(record, "task_id"):
            task = _current_task()
            record.task_id = getattr(task.request, "id", None) if task else None
            record.task = task.name if task else None
        return True


def _current_task():
    from celery import current_task

    task = current_task._get_current_object() if current_task else None
    return task if task is not None and getattr(task.request, "id", None) else None


def logging_config(log_format: LogFormat, level: str) -> dict:
    formatters = {
        LogFormat.JSON.value: {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(levelname)s %(name)s %(message)s %(request_id)s %(task)s %(task_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
        },
        LogFormat.TEXT.value: {"format": "%(message)s"},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "dlcurriculum.observability.logs.ContextFilter"}},
        "formatters": {log_format.value: formatters[log_format.value]},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["context"], "formatter": log_format.value}
        },
        "root": {"handlers": ["console"], "level": level},
    }
