"""What an operator watches: Prometheus metrics, structured logs with a request id, error reports.

- ``metrics``: the metric families, recorded by the web (``web``), the Celery workers (``jobs``) and the
  link-check and reminder passes (``passes``); the queues and the outbox are read when scraped (``live``).
- ``multiprocess``: gunicorn and prefork Celery run several processes; each writes its samples to files in
  ``PROMETHEUS_MULTIPROC_DIR`` and a scrape adds them up.
- ``request_id``, ``logs``: one id per web request, carried into the jobs it enqueues and their e-mails,
  on every log line (JSON in production).
- ``errors``: Sentry (or a Sentry-compatible service) when SENTRY_DSN is set, learners' data scrubbed.
"""
