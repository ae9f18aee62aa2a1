"""Every metric family the app records (names: README "Operations"). Labels are bounded: a route name,
never a raw path; a task name; an exception's class name."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Pages answer in milliseconds; a slow one up to the request deadline (15 s).
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30)
QUERY_BUCKETS = (0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144)
# Jobs take from milliseconds (one e-mail) to the queues' limits (10 minutes).
JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
# A whole pass (every link, every learner) takes seconds to an hour.
PASS_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200)

http_requests = Counter(
    "dlcurriculum_http_requests", "Requests answered, by route name, method and status.", ["view", "method", "status"]
)
http_request_duration = Histogram(
    "dlcurriculum_http_request_duration_seconds",
    "Time to answer a request, by route name.",
    ["view", "method"],
    buckets=REQUEST_BUCKETS,
)
http_request_db_queries = Histogram(
    "dlcurriculum_http_request_db_queries",
    "Database queries made to answer a request, by route name (the sum is the query count).",
    ["view"],
    buckets=QUERY_BUCKETS,
)
job_duration = Histogram(
    "dlcurriculum_job_duration_seconds",
    "Time a Celery job ran, by task, queue and outcome (SUCCESS, FAILURE, RETRY).",
    ["task", "queue", "outcome"],
    buckets=JOB_BUCKETS,
)
job_failures = Counter(
    "dlcurriculum_job_failures", "Celery jobs that raised, by task and exception class.", ["task", "exception"]
)
job_retries = Counter("dlcurriculum_job_retries", "Celery jobs that asked to be retried, by task.", ["task"])
pass_duration = Histogram(
    "dlcurriculum_pass_duration_seconds",
    "A whole link-check or reminder pass, from its start to its last batch.",
    ["pass_name"],
    buckets=PASS_BUCKETS,
)
pass_last_finished = Gauge(
    "dlcurriculum_pass_last_finished_timestamp_seconds",
    "When the last pass of each kind finished (Unix time): alert when it is more than a day old.",
    ["pass_name"],
    multiprocess_mode="max",
)
