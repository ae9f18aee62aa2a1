"""Check whether web links still lead somewhere: a pure asyncio core, no Django.

Data in (URLs and a ``CheckerConfig``), data out (one ``LinkResult`` per URL).
The management command, the Celery task, the admin action and the benchmark
all call ``check_urls`` / ``run_checks``.

Politeness and speed come from the same rules: a global concurrency bound, a
smaller bound per host (scheme-less ``host:port``), an optional minimum interval
between two requests to one host, HEAD before GET, bodies never read beyond a
few kilobytes, and each distinct URL fetched once per run.
"""

from .answers import parse_retry_after
from .resolver import PrivateAddressError
from .results import CheckerConfig, LinkResult, Status
from .run import START_BATCH, check_urls, run_checks

__all__ = [
    "START_BATCH",
    "CheckerConfig",
    "LinkResult",
    "PrivateAddressError",
    "Status",
    "check_urls",
    "parse_retry_after",
    "run_checks",
]
