"""gunicorn settings for the container (docker compose and the Dockerfile's CMD).

Timeouts nest so that a hung dependency fails one request, not the server:
PostgreSQL connect (DB_CONNECT_TIMEOUT, 3 s) and statements (DB_STATEMENT_TIMEOUT_MS,
10 s) < the request deadline (REQUEST_TIMEOUT, 15 s, dlcurriculum/timeouts.py) <
gunicorn's worker timeout (30 s, a last resort for a worker stuck outside the database).
Threads let /healthz and other requests be answered while some wait on the database.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
accesslog = "-"
